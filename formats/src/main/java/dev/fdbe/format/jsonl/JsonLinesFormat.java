package dev.fdbe.format.jsonl;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.Schema;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * JSON Lines: one JSON object per row and line, UTF-8, every column present (null when empty).
 * JSON columns are nested values (a stored value that is not valid JSON is written as a string, and
 * the run logs one warning per column), string lists are arrays, timestamps are ISO-8601 UTC with
 * microseconds and {@code Z}. Found with {@link java.util.ServiceLoader}.
 */
public final class JsonLinesFormat implements FormatProvider {
  @Override
  public FileFormat format() {
    return FileFormat.JSON_LINES;
  }

  @Override
  public Set<Compression> compressions() {
    return Set.of(Compression.NONE);
  }

  @Override
  public RecordWriter open(OutputStream out, Schema schema, Compression compression, WriterContext context)
      throws IOException {
    if (!compressions().contains(compression)) {
      throw new IllegalArgumentException("JSONLines does not support compression " + compression + " yet");
    }
    return new JsonLinesWriter(out, schema, context);
  }
}
