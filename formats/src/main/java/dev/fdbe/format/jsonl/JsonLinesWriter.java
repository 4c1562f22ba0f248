package dev.fdbe.format.jsonl;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.fdbe.ColumnType;
import dev.fdbe.FormatException;
import dev.fdbe.Schema;
import dev.fdbe.format.IsoTimestamps;
import dev.fdbe.format.Json;
import dev.fdbe.format.RowBuffer;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.Row;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes rows as JSON Lines with jackson-core's streaming generator. Each row is serialized into a
 * reused buffer by {@link #stage}, so its exact size is known before {@link #commit} copies it to
 * the output: the file size this writer reports is exact.
 */
final class JsonLinesWriter implements RecordWriter {
  private final OutputStream out;
  private final ColumnType[] types;
  private final SerializableString[] names;
  private final String[] columnNames;
  private final WriterContext context;
  private final RowBuffer buffer = new RowBuffer();
  private final JsonGenerator generator;
  private final char[] timestamp = new char[40];
  private long bytesWritten;
  private long records;
  private int staged = -1;
  private boolean finished;

  JsonLinesWriter(OutputStream out, Schema schema, WriterContext context) throws IOException {
    this.out = out;
    this.context = context;
    int n = schema.size();
    this.types = new ColumnType[n];
    this.names = new SerializableString[n];
    this.columnNames = new String[n];
    for (int i = 0; i < n; i++) {
      types[i] = schema.column(i).type();
      columnNames[i] = schema.column(i).name();
      names[i] = new SerializedString(columnNames[i]);
    }
    this.generator = Json.FACTORY.createGenerator(buffer);
    generator.setRootValueSeparator(null);
    generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  @Override
  public long stage(Row row) throws IOException {
    if (finished) {
      throw new IllegalStateException("the file is finished");
    }
    buffer.reset();
    try {
      generator.writeStartObject();
      for (int i = 0; i < types.length; i++) {
        generator.writeFieldName(names[i]);
        if (row.isNull(i)) {
          generator.writeNull();
          continue;
        }
        switch (types[i]) {
          case STRING -> generator.writeString(row.getString(i));
          case INT64 -> generator.writeNumber(row.getLong(i));
          case BOOLEAN -> generator.writeBoolean(row.getBoolean(i));
          case TIMESTAMP -> generator.writeString(timestamp, 0, IsoTimestamps.format(row.getTimestampMicros(i), timestamp));
          case JSON -> writeJson(i, row.getString(i));
          case STRING_LIST -> writeList(row.getStringList(i));
          default -> throw new IllegalStateException("unhandled column type " + types[i]);
        }
      }
      generator.writeEndObject();
      generator.flush();
    } catch (com.fasterxml.jackson.core.JsonGenerationException e) {
      throw new FormatException("cannot write a row as JSON: " + e.getOriginalMessage(), e);
    }
    buffer.write('\n');
    staged = buffer.size();
    return bytesWritten + staged;
  }

  private void writeJson(int column, String text) throws IOException {
    if (Json.isValid(text)) {
      Json.writeEmbedded(generator, text);
      return;
    }
    generator.writeString(text);
    context.warnOnce("invalid-json:" + columnNames[column], "Column '" + columnNames[column]
        + "' holds values that are not valid JSON; they are written as JSON strings (first one: "
        + preview(text) + ")");
  }

  private void writeList(List<String> values) throws IOException {
    generator.writeStartArray();
    for (String value : values) {
      if (value == null) {
        generator.writeNull();
      } else {
        generator.writeString(value);
      }
    }
    generator.writeEndArray();
  }

  private static String preview(String text) {
    String shortened = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return "'" + shortened.replace("\n", "\\n").replace("\r", "\\r") + "'";
  }

  @Override
  public void commit() throws IOException {
    if (staged < 0) {
      throw new IllegalStateException("no row is staged");
    }
    buffer.writeTo(out);
    bytesWritten += staged;
    records++;
    staged = -1;
  }

  @Override
  public long records() {
    return records;
  }

  @Override
  public void finish() throws IOException {
    if (!finished) {
      finished = true;
      staged = -1;
      generator.close();
      out.flush();
    }
  }
}
