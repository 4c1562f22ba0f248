package dev.fdbe.format.parquet;

import dev.fdbe.schema.ColumnType;
import dev.fdbe.ExportException;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.Json;
import dev.fdbe.internal.json.Utf8Row;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.WriterContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One row between {@code stage} and its write into the column writers: its values taken from the
 * {@link Row} (strings encoded as UTF-8, so the row may change once it is staged), its required
 * columns checked, and an upper bound of the bytes it adds to the open pages of its columns before
 * compression. Reused row after row; not thread-safe.
 *
 * <p>The JSON values of a row may be staged unchecked ({@link #set(Row, boolean)}): the bound then
 * counts each at its longest, as a JSON string ({@link #uncheckedBytes}), until {@link #check} (on
 * any one thread) and {@link #resolve} (on the writer's) settle it; until then {@link #string} of
 * such a column is not the value to write.
 *
 * <p>The raw bound per value is the PLAIN encoding Parquet writes (4-byte length and the bytes of a
 * string, 8 bytes of a long or timestamp, one byte for a boolean where Parquet uses one bit) plus one
 * byte for each repetition and definition level, where Parquet's RLE/bit-packed levels take at most
 * two bits each plus run headers. Values are never dictionary encoded, so no other encoding applies.
 */
final class StagedRow {
  /** Statistics and column index entries of strings are truncated to this many bytes. */
  static final int TRUNCATE_BYTES = 64;
  /** Parquet keeps chunk statistics up to this size (min and max together). */
  private static final int MAX_STATISTICS_BYTES = 8192;

  private final Schema schema;
  private final WriterContext context;
  private final ColumnType[] types;
  private final boolean[] nullable;
  private final boolean[] nulls;
  private final long[] longs;
  private final byte[][] strings;
  private final byte[][][] lists;
  private final int[] listSizes;
  /** The texts of JSON values staged unchecked, by column; null where there is none. */
  private final @Nullable String[] uncheckedTexts;
  /** Per JSON value staged unchecked: whether {@link #check} found it valid. */
  private final boolean[] valid;
  /** Whether {@link #uncheckedTexts} may hold a text: a row staged before may have left one there. */
  private boolean hasTexts;
  private boolean unchecked;
  private long rawBytes;
  private long untruncatableBytes;

  StagedRow(Schema schema, WriterContext context) {
    this.schema = schema;
    this.context = context;
    int n = schema.size();
    this.types = new ColumnType[n];
    this.nullable = new boolean[n];
    for (int i = 0; i < n; i++) {
      types[i] = schema.column(i).type();
      nullable[i] = schema.column(i).nullable();
    }
    this.nulls = new boolean[n];
    this.longs = new long[n];
    this.strings = new byte[n][];
    this.lists = new byte[n][][];
    this.listSizes = new int[n];
    this.uncheckedTexts = new String[n];
    this.valid = new boolean[n];
  }

  /**
   * Takes the row's values, checking its JSON values.
   *
   * @throws ExportException naming the column when a required column holds null
   */
  void set(Row row) {
    set(row, false);
  }

  /**
   * Takes the row's values; with {@code deferJson}, JSON values the row does not certify are left
   * for {@link #check} and {@link #resolve}.
   *
   * @throws ExportException naming the column when a required column holds null
   */
  void set(Row row, boolean deferJson) {
    if (hasTexts) { // a row staged here and never resolved, or one that failed half-way
      Arrays.fill(uncheckedTexts, null);
      hasTexts = false;
    }
    unchecked = false;
    long raw = 0;
    long untruncatable = 0;
    boolean deferred = false;
    for (int i = 0; i < types.length; i++) {
      boolean isNull = row.isNull(i);
      nulls[i] = isNull;
      if (isNull) {
        if (!nullable[i]) {
          throw new ExportException("column '" + schema.column(i).name() + "' is required but the row holds null");
        }
        raw += types[i] == ColumnType.STRING_LIST ? 2 : 1;
        continue;
      }
      int levels = nullable[i] ? 1 : 0;
      switch (types[i]) {
        case STRING -> {
          byte[] value = Utf8Row.stringUtf8(row, i);
          strings[i] = value;
          raw += 4L + value.length + levels;
          untruncatable += untruncatableBytes(value);
        }
        case JSON -> {
          byte[] value = Utf8Row.certifiedJson(row, i);
          if (value == null && deferJson) {
            String text = row.getString(i);
            value = text.getBytes(StandardCharsets.UTF_8);
            uncheckedTexts[i] = text;
            hasTexts = true;
            deferred = true;
            raw += uncheckedBytes(value.length) - value.length;
          } else if (value == null) {
            value = json(row, i);
          }
          strings[i] = value;
          raw += 4L + value.length + levels;
        }
        case INT64 -> {
          longs[i] = row.getLong(i);
          raw += 8 + levels;
        }
        case TIMESTAMP -> {
          longs[i] = row.getTimestampMicros(i);
          raw += 8 + levels;
        }
        case BOOLEAN -> {
          longs[i] = row.getBoolean(i) ? 1 : 0;
          raw += 1 + levels;
        }
        case STRING_LIST -> {
          List<String> values = row.getStringList(i);
          int size = values.size();
          byte[][] elements = lists[i];
          if (elements == null || elements.length < size) {
            elements = new byte[Math.max(size, 8)][];
            lists[i] = elements;
          }
          raw += 2;
          for (int j = 0; j < size; j++) {
            String element = values.get(j);
            raw += 2;
            if (element == null) {
              elements[j] = null;
            } else {
              byte[] value = utf8(element);
              elements[j] = value;
              raw += 4L + value.length;
              untruncatable += untruncatableBytes(value);
            }
          }
          listSizes[i] = size;
        }
        default -> throw new IllegalStateException("unhandled column type " + types[i]);
      }
    }
    this.rawBytes = raw;
    this.untruncatableBytes = untruncatable;
    this.unchecked = deferred;
  }

  /**
   * The most UTF-8 bytes a JSON value of {@code length} bytes is stored as: as a JSON string, every
   * byte a control character escaped as six ({@code \u001f}), between two quotes.
   */
  static long uncheckedBytes(int length) {
    return 6L * length + 2;
  }

  /** Whether JSON values of the row wait for {@link #check} and {@link #resolve}. */
  boolean unchecked() {
    return unchecked;
  }

  /** Checks the JSON values staged unchecked; on any thread, while the writer leaves the row alone. */
  void check() {
    for (int i = 0; i < types.length; i++) {
      String text = uncheckedTexts[i];
      if (text != null) {
        valid[i] = Json.isValid(text, strings[i]);
      }
    }
  }

  /**
   * Settles the JSON values {@link #check} checked (on the writer's thread): an invalid one is stored
   * as a JSON string, with the run's warning, and the raw bytes are the row's exact figure again.
   */
  void resolve() {
    if (!unchecked) {
      return;
    }
    for (int i = 0; i < types.length; i++) {
      String text = uncheckedTexts[i];
      if (text == null) {
        continue;
      }
      uncheckedTexts[i] = null;
      int length = strings[i].length;
      if (!valid[i]) {
        strings[i] = invalid(i, text);
      }
      rawBytes += strings[i].length - uncheckedBytes(length);
    }
    hasTexts = false;
    unchecked = false;
  }

  /** The JSON text to store: the row's value when it is valid JSON, else the value as a JSON string. */
  private byte[] json(Row row, int column) {
    String text = row.getString(column);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return Json.isValid(text, bytes) ? bytes : invalid(column, text);
  }

  private byte[] invalid(int column, String text) {
    Json.warnInvalid(context, schema.column(column).name(), text);
    return utf8(Json.quote(text));
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What a string may add to the footer beyond the truncated statistics budgeted per page and
   * column chunk: nothing, unless it is longer than the truncation length and its truncated prefix
   * holds only code points whose UTF-8 form cannot be incremented (U+007F, U+07FF, U+FFFF,
   * U+10FFFF). parquet-java then keeps the whole value as a page's maximum in the column index, and
   * chunk statistics up to their size limit. JSON columns keep no statistics, so only strings count.
   */
  private static long untruncatableBytes(byte[] bytes) {
    if (bytes.length <= TRUNCATE_BYTES) {
      return 0;
    }
    int i = 0;
    while (true) {
      int b = bytes[i] & 0xff;
      int width = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      if (i + width > TRUNCATE_BYTES) {
        break;
      }
      boolean largest = switch (width) {
        case 1 -> b == 0x7f;
        case 2 -> b == 0xdf && bytes[i + 1] == (byte) 0xbf;
        case 3 -> b == 0xef && bytes[i + 1] == (byte) 0xbf && bytes[i + 2] == (byte) 0xbf;
        default -> b == 0xf4 && bytes[i + 1] == (byte) 0x8f && bytes[i + 2] == (byte) 0xbf
            && bytes[i + 3] == (byte) 0xbf;
      };
      if (!largest) {
        return 0;
      }
      i += width;
    }
    return bytes.length + MAX_STATISTICS_BYTES;
  }

  /** Whether the column is null. */
  boolean isNull(int column) {
    return nulls[column];
  }

  /** The value of a non-null INT64 or TIMESTAMP column; of a BOOLEAN column, 1 for true and 0 for false. */
  long longValue(int column) {
    return longs[column];
  }

  /**
   * An upper bound of the bytes the row adds to its columns' open pages, before compression: exact
   * figures, but for JSON values staged unchecked, counted at their longest until resolved.
   */
  long rawBytes() {
    return rawBytes;
  }

  /** What the row may add to the footer beyond the per-page and per-chunk budgets; usually 0. */
  long untruncatableBytes() {
    return untruncatableBytes;
  }

  /** The UTF-8 value of a non-null string or JSON column. */
  byte[] string(int column) {
    return strings[column];
  }

  /** The elements of a non-null list column, null for null elements; valid up to {@link #listSize}. */
  byte[][] list(int column) {
    return lists[column];
  }

  /** The number of elements of a non-null list column. */
  int listSize(int column) {
    return listSizes[column];
  }
}
