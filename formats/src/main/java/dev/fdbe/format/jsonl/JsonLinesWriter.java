package dev.fdbe.format.jsonl;

import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.fdbe.Compression;
import dev.fdbe.ExportException;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.IsoTimestamps;
import dev.fdbe.format.Json;
import dev.fdbe.format.RowBuffer;
import dev.fdbe.format.TextRecordWriter;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes rows as JSON Lines with jackson-core's streaming generator, one object per line, every
 * column present. The generator writes into the row buffer that {@link TextRecordWriter} stages.
 */
final class JsonLinesWriter extends TextRecordWriter {
  private final SerializableString[] names;
  private final RowBufferTarget target = new RowBufferTarget();
  private final JsonGenerator generator;
  private final char[] timestamp = new char[40];

  JsonLinesWriter(OutputStream out, Schema schema, Compression compression, WriterContext context) throws IOException {
    super(out, schema, compression, context);
    this.names = new SerializableString[columns()];
    for (int i = 0; i < names.length; i++) {
      names[i] = new SerializedString(name(i));
    }
    this.generator = Json.FACTORY.createGenerator(target);
    generator.setRootValueSeparator(null);
    generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  @Override
  protected void serialize(Row row, RowBuffer into) throws IOException {
    target.buffer = into;
    try {
      generator.writeStartObject();
      for (int i = 0; i < names.length; i++) {
        generator.writeFieldName(names[i]);
        if (row.isNull(i)) {
          generator.writeNull();
          continue;
        }
        switch (type(i)) {
          case STRING -> generator.writeString(row.getString(i));
          case INT64 -> generator.writeNumber(row.getLong(i));
          case BOOLEAN -> generator.writeBoolean(row.getBoolean(i));
          case TIMESTAMP -> generator.writeString(timestamp, 0, IsoTimestamps.format(row.getTimestampMicros(i), timestamp));
          case JSON -> writeJson(i, row.getString(i));
          case STRING_LIST -> Json.writeStringList(generator, row.getStringList(i));
          default -> throw new IllegalStateException("unhandled column type " + type(i));
        }
      }
      generator.writeEndObject();
      generator.flush();
    } catch (JsonGenerationException e) {
      throw new ExportException("cannot write a row as JSON: " + e.getOriginalMessage(), e);
    }
    into.write('\n');
  }

  private void writeJson(int column, String text) throws IOException {
    if (Json.isValid(text)) {
      Json.writeEmbedded(generator, text);
      return;
    }
    generator.writeString(text);
    warnInvalidJson(column, text);
  }

  @Override
  protected void closeResources() throws IOException {
    generator.close();
  }

  /** The generator's target: whichever row buffer is being filled. */
  private static final class RowBufferTarget extends OutputStream {
    RowBuffer buffer;

    @Override
    public void write(int b) {
      buffer.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.write(b, off, len);
    }
  }
}
