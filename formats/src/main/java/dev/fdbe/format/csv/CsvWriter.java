package dev.fdbe.format.csv;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.fdbe.Compression;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.IsoTimestamps;
import dev.fdbe.format.Json;
import dev.fdbe.format.RowBuffer;
import dev.fdbe.format.TextRecordWriter;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;

/**
 * Writes RFC 4180 CSV. Values are encoded to UTF-8 first and then copied with quotes doubled: a
 * quote is the single byte {@code 0x22} in UTF-8 and never part of a multi-byte character, so
 * quoting on bytes is exact.
 */
final class CsvWriter extends TextRecordWriter {
  private static final byte[] CRLF = {'\r', '\n'};

  private final byte[] timestamp = new byte[40];
  private final char[] timestampChars = new char[40];

  CsvWriter(OutputStream out, Schema schema, Compression compression, WriterContext context) throws IOException {
    super(out, schema, compression, context);
    StringJoiner header = new StringJoiner(",", "", "\r\n");
    for (int i = 0; i < columns(); i++) {
      header.add(name(i));
    }
    writePreamble(header.toString().getBytes(StandardCharsets.UTF_8));
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
        case STRING -> writeField(into, row.getString(i));
        case INT64 -> writeAscii(into, Long.toString(row.getLong(i)));
        case BOOLEAN -> writeAscii(into, row.getBoolean(i) ? "true" : "false");
        case TIMESTAMP -> {
          int length = IsoTimestamps.format(row.getTimestampMicros(i), timestampChars);
          for (int c = 0; c < length; c++) {
            timestamp[c] = (byte) timestampChars[c];
          }
          into.write(timestamp, 0, length);
        }
        case JSON -> writeField(into, jsonText(i, row.getString(i)));
        case STRING_LIST -> writeField(into, listText(row.getStringList(i)));
        default -> throw new IllegalStateException("unhandled column type " + type(i));
      }
    }
    into.write(CRLF, 0, CRLF.length);
  }

  private String jsonText(int column, String text) {
    if (Json.isValid(text)) {
      return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : Json.compact(text);
    }
    warnInvalidJson(column, text);
    return Json.quote(text);
  }

  private static String listText(List<String> values) throws IOException {
    StringWriter json = new StringWriter();
    try (JsonGenerator generator = Json.FACTORY.createGenerator(json)) {
      Json.writeStringList(generator, values);
    }
    return json.toString();
  }

  private static void writeAscii(RowBuffer into, String text) {
    for (int i = 0; i < text.length(); i++) {
      into.write(text.charAt(i));
    }
  }

  /** Writes a text field, quoted when RFC 4180 needs it or when it is empty or padded. */
  private static void writeField(RowBuffer into, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    boolean quote = bytes.length == 0 || isSpace(bytes[0]) || isSpace(bytes[bytes.length - 1]);
    for (int i = 0; i < bytes.length && !quote; i++) {
      byte b = bytes[i];
      quote = b == ',' || b == '"' || b == '\r' || b == '\n';
    }
    if (!quote) {
      into.write(bytes, 0, bytes.length);
      return;
    }
    into.write('"');
    int from = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '"') {
        into.write(bytes, from, i + 1 - from);
        into.write('"');
        from = i + 1;
      }
    }
    into.write(bytes, from, bytes.length - from);
    into.write('"');
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t';
  }
}
