package dev.fdbe.format.csv;

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
 * CSV as RFC 4180 describes it: UTF-8, a header row with the column names, records ended by CRLF,
 * fields separated by commas. A field is quoted (with inner quotes doubled) when it holds a comma,
 * a quote, CR or LF, leading or trailing white space, or is the empty string; a null is an empty,
 * unquoted field, so readers can tell the two apart. JSON columns are their JSON text (compacted
 * onto one line; a stored value that is not valid JSON becomes a JSON string and the run logs a
 * warning), string lists are JSON arrays, timestamps ISO-8601 UTC with microseconds and {@code Z}.
 * Every compression compresses the whole file as one stream. Found with {@link java.util.ServiceLoader}.
 */
public final class CsvFormat implements FormatProvider {
  @Override
  public FileFormat format() {
    return FileFormat.CSV;
  }

  @Override
  public Set<Compression> compressions() {
    return EnumSet.allOf(Compression.class);
  }

  @Override
  public RecordWriter open(OutputStream out, Schema schema, Compression compression, WriterContext context)
      throws IOException {
    return new CsvWriter(out, schema, compression, context);
  }
}
