package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How fast does the tool a user would reach for instead write the same rows: DuckDB's
 * {@code COPY ... TO}, run in-process through its JDBC driver, from a DuckDB table holding the rows
 * {@link FormatThroughput} writes (JSON columns typed {@code JSON}, so DuckDB nests them in JSON
 * output as the library does), with the same codec? DuckDB must write a file; it goes to
 * {@code /dev/shm} when there is one (memory), else the temporary directory. Scores are rows/s.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DuckDbCopy -p target=PARQUET:ZSTD -p threads=1,4}
 */
public class DuckDbCopy extends WriterBenchmark {
  /**
   * Format and compression, as {@code FORMAT:COMPRESSION}: Parquet with each codec DuckDB shares
   * with fdbe, CSV and JSON with the stream codecs DuckDB writes (it has no brotli, lz4 or snappy
   * streams).
   */
  @Param({"PARQUET:NONE", "PARQUET:ZSTD", "PARQUET:GZIP", "PARQUET:SNAPPY", "PARQUET:LZ4", "PARQUET:BROTLI",
      "CSV:NONE", "CSV:ZSTD", "CSV:GZIP", "JSON_LINES:NONE", "JSON_LINES:ZSTD", "JSON_LINES:GZIP"})
  public String target;

  /** DuckDB's thread count: a number, or {@code default} for DuckDB's own choice (the cores). */
  @Param({"1", "default"})
  public String threads;

  private Path directory;
  private Connection connection;
  private Statement statement;
  private String copy;

  @Setup(Level.Trial)
  public void setUp() throws IOException, SQLException {
    Path shm = Path.of("/dev/shm");
    directory = Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, "fdbe-duckdb") : Files.createTempDirectory("fdbe-duckdb");
    connection = DriverManager.getConnection("jdbc:duckdb:");
    statement = connection.createStatement();
    load(statement, directory);
    if (!threads.equals("default")) {
      statement.execute("SET threads = " + Integer.parseInt(threads));
    }
    String[] parts = target.split(":");
    copy = copyStatement(FileFormat.valueOf(parts[0]), Compression.valueOf(parts[1]),
        directory.resolve("out").toString());
  }

  /** Creates table {@code events} holding {@link FormatThroughput}'s rows, loaded from a Parquet file. */
  static void load(Statement statement, Path directory) throws IOException, SQLException {
    Path source = directory.resolve("rows.parquet");
    Files.write(source, FormatThroughput.serialize(FileFormat.PARQUET, Compression.NONE,
        EventRows.generate(ROWS, 1)));
    statement.execute("CREATE TABLE events AS SELECT uuid, event, properties::JSON AS properties, distinct_id, "
        + "timestamp, created_at, _inserted_at, elements_chain, person_id, person_properties::JSON AS "
        + "person_properties FROM read_parquet('" + source + "')");
    Files.delete(source);
  }

  /** The {@code COPY} that writes the table in the format and compression. */
  static String copyStatement(FileFormat format, Compression compression, String path) {
    String codec = switch (compression) {
      case NONE -> "uncompressed";
      case LZ4 -> "lz4_raw";
      default -> compression.name().toLowerCase(Locale.ROOT);
    };
    return switch (format) {
      case PARQUET -> "COPY events TO '" + path + "' (FORMAT parquet, COMPRESSION " + codec + ")";
      case CSV -> "COPY events TO '" + path + "' (FORMAT csv, HEADER, COMPRESSION "
          + (compression == Compression.NONE ? "none" : codec) + ")";
      case JSON_LINES -> "COPY events TO '" + path + "' (FORMAT json, COMPRESSION "
          + (compression == Compression.NONE ? "none" : codec) + ")";
    };
  }

  /** The statement {@link #copy} runs. */
  String statement() {
    return copy;
  }

  /** Writes the table to the file. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public boolean copy() throws SQLException {
    return statement.execute(copy);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException, IOException {
    statement.close();
    connection.close();
    try (var files = Files.list(directory)) {
      files.forEach(file -> {
        try {
          Files.delete(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    Files.delete(directory);
  }
}
