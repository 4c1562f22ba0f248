package dev.fdbe.format.jsonl;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Set;

/**
 * JSON Lines: one JSON object per row and line, UTF-8, every column present (null when empty).
 * JSON columns are nested values (a stored value that is not valid JSON is written as a string, and
 * the run logs one warning per column), string lists are arrays, timestamps are ISO-8601 UTC with
 * microseconds and {@code Z}. Every compression compresses the whole file as one stream (see
 * {@link dev.fdbe.format.compress.StreamCodec}). Found with {@link java.util.ServiceLoader}.
 */
public final class JsonLinesFormat implements FormatProvider {
  @Override
  public FileFormat format() {
    return FileFormat.JSON_LINES;
  }

  @Override
  public Set<Compression> compressions() {
    return EnumSet.allOf(Compression.class);
  }

  @Override
  public RecordWriter open(OutputStream out, Schema schema, Compression compression, WriterContext context)
      throws IOException {
    return new JsonLinesWriter(out, schema, compression, context);
  }
}
