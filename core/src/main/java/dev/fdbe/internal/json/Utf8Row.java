package dev.fdbe.internal.json;

import dev.fdbe.schema.Row;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A row of the engine's that holds some of its text values as UTF-8 bytes, so that a writer does
 * not encode them again: JSON values the fast check certified on the thread that read them
 * ({@link dev.fdbe.internal.source.PrefetchingCursor}), which the writer then does not check
 * either, and strings the source read as bytes that are exactly their text's encoding. Only the
 * engine's own rows implement it: a row of a caller's is never taken at its word, and its values are
 * encoded and checked by the writer.
 */
public interface Utf8Row {
  /**
   * The bytes {@link JsonSyntax#certify} gave for the JSON value at the column (one valid document
   * on one line, exactly the text's UTF-8 encoding), or null when it gave none. The array is the
   * row's and may be kept after the cursor moves, but never changed.
   */
  byte @Nullable [] certifiedJson(int column);

  /**
   * The string at the column as bytes that are exactly {@code getString(column).getBytes(UTF_8)}
   * (well-formed UTF-8, so the text holds no lone surrogate), or null when the row holds it as text
   * only. The array is the row's and may be kept after the cursor moves, but never changed.
   */
  byte @Nullable [] stringUtf8(int column);

  /**
   * The certified bytes of the JSON value at the column, or null unless the row is one of the
   * engine's and certified it.
   */
  static byte @Nullable [] certifiedJson(Row row, int column) {
    return row instanceof Utf8Row utf8 ? utf8.certifiedJson(column) : null;
  }

  /**
   * What {@code row.getString(column).getBytes(UTF_8)} gives: the row's own bytes when it is one of
   * the engine's and holds them, else the text encoded now.
   */
  static byte[] stringUtf8(Row row, int column) {
    byte[] bytes = row instanceof Utf8Row utf8 ? utf8.stringUtf8(column) : null;
    return bytes != null ? bytes : row.getString(column).getBytes(StandardCharsets.UTF_8);
  }
}
