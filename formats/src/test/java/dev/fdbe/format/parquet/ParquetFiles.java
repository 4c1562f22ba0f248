package dev.fdbe.format.parquet;

import dev.fdbe.Compression;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.DuckDb;
import dev.fdbe.format.TestRows;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writing rows to Parquet files and reading them back, for the tests. */
final class ParquetFiles {
  /** Writes the rows with the provider the engine finds, the way the part roller does. */
  static Path write(Path file, Schema schema, Compression compression, List<Map<String, Object>> rows)
      throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
      RecordWriter writer = new ParquetFormat().open(out, schema, compression, WriterContext.NONE);
      for (Map<String, Object> row : rows) {
        writer.stage(TestRows.row(schema, row));
        writer.commit();
      }
      writer.finish();
    }
    return file;
  }

  /** Every row, read with {@link ParquetRowReader}. */
  static List<Map<String, Object>> read(Path file, Schema schema) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (ParquetRowReader reader = ParquetRowReader.open(file, schema)) {
      for (Map<String, Object> row = reader.next(); row != null; row = reader.next()) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** Every row, read with DuckDB. */
  static List<Map<String, Object>> readWithDuckDb(DuckDb duck, Path file, Schema schema) throws SQLException {
    return duck.rows("SELECT * FROM read_parquet(" + DuckDb.literal(file.toString()) + ")", schema);
  }

  /** The rows as readers return them. */
  static List<Map<String, Object>> expected(Schema schema, List<Map<String, Object>> rows) {
    List<Map<String, Object>> expected = new ArrayList<>(rows.size());
    rows.forEach(row -> expected.add(TestRows.expected(schema, row)));
    return expected;
  }

  private ParquetFiles() {}
}
