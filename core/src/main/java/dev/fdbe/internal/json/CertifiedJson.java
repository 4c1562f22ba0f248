package dev.fdbe.internal.json;

import dev.fdbe.schema.Row;
import org.jspecify.annotations.Nullable;

/**
 * A row of the engine's that holds the JSON values the fast check certified on the thread that read
 * them ({@link dev.fdbe.internal.source.PrefetchingCursor}) as their UTF-8 bytes, so that a writer
 * neither checks nor encodes those again. Only the engine's own rows implement it: a row of a
 * caller's is never taken at its word, and its values are checked by the writer.
 */
public interface CertifiedJson {
  /**
   * The bytes {@link JsonSyntax#certify} gave for the JSON value at the column (one valid document
   * on one line, exactly the text's UTF-8 encoding), or null when it gave none. The array is the
   * row's and may be kept after the cursor moves, but never changed.
   */
  byte @Nullable [] certifiedJson(int column);

  /**
   * The certified bytes of the JSON value at the column, or null unless the row is one of the
   * engine's and certified it.
   */
  static byte @Nullable [] of(Row row, int column) {
    return row instanceof CertifiedJson certified ? certified.certifiedJson(column) : null;
  }
}
