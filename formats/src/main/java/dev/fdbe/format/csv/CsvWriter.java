package dev.fdbe.format.csv;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.fdbe.Compression;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.Json;
import dev.fdbe.internal.json.Utf8Row;
import dev.fdbe.format.RowBuffer;
import dev.fdbe.format.TextRecordWriter;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes RFC 4180 CSV. Values are encoded to UTF-8 first and then copied with quotes doubled: a
 * quote is the single byte {@code 0x22} in UTF-8 and never part of a multi-byte character, so
 * quoting on bytes is exact. Fields are written into the row buffer's array in place.
 */
final class CsvWriter extends TextRecordWriter {
  private static final byte[] CRLF = {'\r', '\n'};
  /** The bytes that make a field quoted: separator, quote and line breaks. */
  private static final boolean[] SPECIAL = new boolean[256];

  static {
    SPECIAL[','] = true;
    SPECIAL['"'] = true;
    SPECIAL['\r'] = true;
    SPECIAL['\n'] = true;
  }

  CsvWriter(OutputStream out, Schema schema, Compression compression, WriterContext context) throws IOException {
    super(out, schema, compression, context);
    RowBuffer header = new RowBuffer(); // names quoted as fields are: a custom schema's may need it
    for (int i = 0; i < columns(); i++) {
      if (i > 0) {
        header.write(',');
      }
      writeField(header, name(i).getBytes(StandardCharsets.UTF_8));
    }
    header.write(CRLF, 0, CRLF.length);
    writePreamble(Arrays.copyOf(header.array(), header.size()));
  }

  @Override
  protected void serialize(Row row, RowBuffer into) throws IOException {
    for (int i = 0; i < columns(); i++) {
      if (i > 0) {
        into.write(',');
      }
      if (row.isNull(i)) {
        continue;
      }
      switch (type(i)) {
        case STRING -> writeField(into, Utf8Row.stringUtf8(row, i));
        case INT64 -> into.writeLong(row.getLong(i));
        case BOOLEAN -> into.writeBoolean(row.getBoolean(i));
        case TIMESTAMP -> into.writeTimestamp(row.getTimestampMicros(i));
        case JSON -> writeField(into, jsonText(row, i));
        case STRING_LIST -> writeField(into, utf8(listText(row.getStringList(i))));
        default -> throw new IllegalStateException("unhandled column type " + type(i));
      }
    }
    into.write(CRLF, 0, CRLF.length);
  }

  /** The UTF-8 bytes of the row's JSON field: the text as is when valid and on one line. */
  private byte[] jsonText(Row row, int column) {
    byte[] certified = Utf8Row.certifiedJson(row, column);
    if (certified != null) {
      return certified; // valid, on one line, exactly the text's bytes
    }
    String text = row.getString(column);
    byte[] utf8 = utf8(text);
    if (Json.isValid(text, utf8)) {
      return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? utf8 : utf8(Json.oneLine(text));
    }
    warnInvalidJson(column, text);
    return utf8(Json.quote(text));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String listText(List<String> values) throws IOException {
    StringWriter json = new StringWriter();
    try (JsonGenerator generator = Json.FACTORY.createGenerator(json)) {
      Json.writeStringList(generator, values);
    }
    return json.toString();
  }


  /**
   * Writes a text field, quoted when RFC 4180 needs it or when it is empty or padded. The bytes
   * before the first one that needs quoting are copied in bulk, the rest one by one with quotes
   * doubled, straight into the buffer's array.
   */
  private static void writeField(RowBuffer into, byte[] bytes) {
    int length = bytes.length;
    int first = 0;
    while (first < length && !SPECIAL[bytes[first] & 0xff]) {
      first++;
    }
    if (first == length && length > 0 && !isSpace(bytes[0]) && !isSpace(bytes[length - 1])) {
      into.write(bytes, 0, length);
      return;
    }
    byte[] out = into.reserve((int) Math.min(Integer.MAX_VALUE, 2L * length + 2)); // every quote doubled
    int start = into.size();
    out[start] = '"';
    System.arraycopy(bytes, 0, out, start + 1, first);
    int at = start + 1 + first;
    for (int i = first; i < length; i++) {
      byte b = bytes[i];
      out[at++] = b;
      if (b == '"') {
        out[at++] = '"';
      }
    }
    out[at++] = '"';
    into.advance(at - start);
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t';
  }
}
