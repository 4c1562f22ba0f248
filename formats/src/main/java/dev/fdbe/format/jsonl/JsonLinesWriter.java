package dev.fdbe.format.jsonl;

import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.fdbe.Compression;
import dev.fdbe.ExportException;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.Json;
import dev.fdbe.format.JsonBytes;
import dev.fdbe.format.RowBuffer;
import dev.fdbe.format.TextRecordWriter;
import dev.fdbe.internal.json.Utf8Row;
import dev.fdbe.internal.json.Utf8;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes rows as JSON Lines, one object per line, every column present, into the row buffer that
 * {@link TextRecordWriter} stages. Names, nulls, booleans, timestamps, strings and certified JSON
 * documents are written as bytes directly ({@link JsonBytes}); what those paths leave alone (lists,
 * strings with a surrogate, JSON values the fast check does not certify) goes through
 * jackson-core's generator, one root-level value at a time with no separator, flushed into the
 * buffer after each. Both write the same bytes for the same value.
 */
final class JsonLinesWriter extends TextRecordWriter {
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  /** Per column: what precedes its value, <code>&#123;"name":</code> for the first, {@code ,"name":} after. */
  private final byte[][] prefixes;
  private final RowBufferTarget target = new RowBufferTarget();
  private final JsonGenerator generator;

  JsonLinesWriter(OutputStream out, Schema schema, Compression compression, WriterContext context) throws IOException {
    super(out, schema, compression, context);
    this.prefixes = new byte[columns()][];
    for (int i = 0; i < prefixes.length; i++) {
      byte[] quoted = new SerializedString(name(i)).asQuotedUTF8();
      byte[] prefix = new byte[quoted.length + 4];
      prefix[0] = (byte) (i == 0 ? '{' : ',');
      prefix[1] = '"';
      System.arraycopy(quoted, 0, prefix, 2, quoted.length);
      prefix[quoted.length + 2] = '"';
      prefix[quoted.length + 3] = ':';
      prefixes[i] = prefix;
    }
    this.generator = Json.FACTORY.createGenerator(target);
    generator.setRootValueSeparator(null);
    generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  @Override
  protected void serialize(Row row, RowBuffer into) throws IOException {
    target.buffer = into;
    try {
      for (int i = 0; i < prefixes.length; i++) {
        byte[] prefix = prefixes[i];
        into.write(prefix, 0, prefix.length);
        if (row.isNull(i)) {
          into.write(NULL, 0, NULL.length);
          continue;
        }
        switch (type(i)) {
          case STRING -> writeString(into, row, i);
          case INT64 -> into.writeLong(row.getLong(i));
          case BOOLEAN -> into.writeBoolean(row.getBoolean(i));
          case TIMESTAMP -> JsonBytes.writeTimestamp(into, row.getTimestampMicros(i));
          case JSON -> writeJson(into, row, i);
          case STRING_LIST -> {
            Json.writeStringList(generator, row.getStringList(i));
            generator.flush();
          }
          default -> throw new IllegalStateException("unhandled column type " + type(i));
        }
      }
    } catch (JsonGenerationException e) {
      generator.flush(); // what the refused value left in the generator goes with the refused row
      throw new ExportException("cannot write a row as JSON: " + e.getOriginalMessage(), e);
    }
    into.write('}');
    into.write('\n');
  }

  /** Writes a string: its row's exact bytes when the row has them, else the text's. */
  private void writeString(RowBuffer into, Row row, int column) throws IOException {
    byte[] exact = row instanceof Utf8Row engines ? engines.stringUtf8(column) : null;
    if (exact != null && JsonBytes.writeExactString(into, exact)) {
      return;
    }
    String text = row.getString(column);
    if (exact == null && JsonBytes.writeString(into, text, text.getBytes(StandardCharsets.UTF_8))) {
      return;
    }
    generator.writeString(text);
    generator.flush();
  }

  /** Writes the row's JSON value, embedded when valid, else as a string. */
  private void writeJson(RowBuffer into, Row row, int column) throws IOException {
    byte[] certified = Utf8Row.certifiedJson(row, column);
    if (certified != null) {
      JsonBytes.writeDocument(into, certified);
      return;
    }
    String text = row.getString(column);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (JsonBytes.writeCheckedDocument(into, text, utf8)) {
      return;
    }
    // A lone surrogate cannot be written raw (Jackson refuses it): such a text goes as a string.
    if (Utf8.encodesExactly(text, utf8) && Json.isValid(text, utf8)) {
      Json.writeEmbedded(generator, text);
    } else {
      generator.writeString(text);
      warnInvalidJson(column, text);
    }
    generator.flush();
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
