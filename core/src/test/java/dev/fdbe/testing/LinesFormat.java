package dev.fdbe.testing;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A test double standing in for JSONLines in core's tests (the real writers live in fdbe-formats):
 * each row is its first column's text and a line feed; the size it reports is exact.
 */
public final class LinesFormat implements FormatProvider {
  @Override
  public FileFormat format() {
    return FileFormat.JSON_LINES;
  }

  @Override
  public Set<Compression> compressions() {
    return Set.of(Compression.NONE);
  }

  @Override
  public RecordWriter open(OutputStream out, Schema schema, Compression compression, WriterContext context) {
    return new RecordWriter() {
      private byte[] staged;
      private long bytes;
      private long records;

      @Override
      public long stage(Row row) {
        staged = (row.getString(0) + "\n").getBytes(StandardCharsets.UTF_8);
        return bytes + staged.length;
      }

      @Override
      public void commit() throws IOException {
        out.write(staged);
        bytes += staged.length;
        records++;
        staged = null;
      }

      @Override
      public long records() {
        return records;
      }

      @Override
      public void finish() throws IOException {
        out.flush();
      }
    };
  }
}
