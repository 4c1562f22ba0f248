package dev.fdbe.format;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.compress.StreamCodec;
import dev.fdbe.format.csv.CsvReader;
import dev.fdbe.format.jsonl.JsonLinesReader;
import dev.fdbe.format.parquet.ParquetRowReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads exported files back into rows: to test export logic offline, or to consume an export in
 * Java. See {@link RowReader} for the value types.
 */
public final class ExportFiles {
  /**
   * A reader of one exported file. The reader closes {@code in} when it is closed; when this throws,
   * {@code in} is closed already.
   *
   * @throws dev.fdbe.ExportException when the file is not of the format or does not hold the schema's
   *     columns
   * @throws IOException when reading fails, or the file does not start as {@code compression}'s streams
   *     do (a compressed stream damaged further on fails a later {@link RowReader#next})
   */
  public static RowReader open(InputStream in, FileFormat format, Compression compression, Schema schema)
      throws IOException {
    Objects.requireNonNull(in, "in");
    InputStream owned = in;
    try {
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(compression, "compression");
      Objects.requireNonNull(schema, "schema");
      if (format == FileFormat.PARQUET) {
        return parquet(in, schema);
      }
      owned = StreamCodec.of(compression).decompress(in);
      return switch (format) {
        case CSV -> new CsvReader(owned, schema);
        case JSON_LINES -> new JsonLinesReader(owned, schema);
        case PARQUET -> throw new IllegalStateException("read above");
      };
    } catch (IOException | RuntimeException e) {
      try {
        owned.close(); // closes in
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Reads a Parquet file from a stream: Parquet needs random access, so it is spooled to a temporary file. */
  private static RowReader parquet(InputStream in, Schema schema) throws IOException {
    Path spooled = Files.createTempFile("fdbe-read-", ".parquet");
    try (in) {
      Files.copy(in, spooled, StandardCopyOption.REPLACE_EXISTING);
      RowReader reader = ParquetRowReader.open(spooled, schema);
      return new RowReader() {
        @Override
        public Map<String, Object> next() throws IOException {
          return reader.next();
        }

        @Override
        public void close() throws IOException {
          try {
            reader.close();
          } finally {
            Files.deleteIfExists(spooled);
          }
        }
      };
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(spooled);
      throw e;
    }
  }

  /**
   * Every row of one exported file. Closes {@code in}, also when this throws.
   *
   * @throws dev.fdbe.ExportException when the file is not of the format or does not hold the schema's
   *     columns
   * @throws IOException when reading fails or the file is not compressed with {@code compression}
   */
  public static List<Map<String, Object>> readAll(InputStream in, FileFormat format, Compression compression,
      Schema schema) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (RowReader reader = open(in, format, compression, schema)) {
      for (Map<String, Object> row = reader.next(); row != null; row = reader.next()) {
        rows.add(row);
      }
    }
    return rows;
  }

  private ExportFiles() {}
}
