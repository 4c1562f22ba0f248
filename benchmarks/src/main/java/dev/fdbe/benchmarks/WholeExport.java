package dev.fdbe.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fdbe.RecordSources;
import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.SourceQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * A whole export through the engine: N events in the H2 reference tables (a file database) exported
 * by one worker to local storage, once per format, next to the time it takes merely to read the
 * same rows from H2 through the library's JDBC source (the source limit: no export can be faster)
 * and merely to count them as each export does first for its {@code records_total} (the cost of
 * counting, which every export's time includes).
 * For each it reports rows/s and the peak live heap (sampled every ten seconds after a full
 * collection), which stays flat as N grows if memory does not depend on the export's size. An
 * unmeasured pass over a database of 100k rows warms the JIT first.
 *
 * <p>A plain program rather than a JMH benchmark: a single export of a million rows is its own
 * measurement, and peak heap needs a JVM to itself. {@link Suite} runs it in a child JVM. By hand:
 * {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar dev.fdbe.benchmarks.WholeExport --rows
 * 1000000 --formats PARQUET,CSV --compression NONE --out result.json}. The database is built once
 * per row count under {@code --data} (default {@code benchmarks/target/whole-export}) and reused.
 */
public final class WholeExport {
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Duration SPAN = Duration.ofDays(6);
  private static final long WARM_UP_ROWS = 100_000;
  /** The measurement of reading the rows through the source alone. */
  static final String READ = "H2 read (source limit)";
  /** The measurement of the count every export makes first ({@code records_total}), alone. */
  static final String COUNT = "H2 count (records_total)";

  /** One measurement: what ran, how many rows, how fast, how much heap. */
  public record Measurement(String name, long rows, double seconds, double rowsPerSecond, long bytes,
      long peakLiveHeapBytes) {}

  private WholeExport() {}

  public static void main(String[] args) throws Exception {
    List<Long> rowCounts = new ArrayList<>();
    List<FileFormat> formats = new ArrayList<>(List.of(FileFormat.values()));
    Compression compression = Compression.NONE;
    Path data = Path.of("benchmarks", "target", "whole-export");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--rows" -> rowCounts.addAll(Stream.of(required(args[i], value).split(",")).map(Long::parseLong).toList());
        case "--formats" -> formats = Stream.of(required(args[i], value).split(",")).map(FileFormat::valueOf).toList();
        case "--compression" -> compression = Compression.valueOf(required(args[i], value));
        case "--data" -> data = Path.of(required(args[i], value));
        case "--out" -> out = Path.of(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "'; options: --rows N[,N...] --formats PARQUET,CSV,JSON_LINES --compression NONE|ZSTD|... --data DIR"
            + " --out FILE");
      }
      i++;
    }
    if (rowCounts.isEmpty()) {
      rowCounts.add(100_000L);
    }
    ObjectMapper json = new ObjectMapper();
    ArrayNode results = json.createArrayNode();
    // One unmeasured pass over a small database, so that every measured one runs compiled code.
    System.err.printf("warming up on %,d rows%n", WARM_UP_ROWS);
    run(data, WARM_UP_ROWS, formats, compression);
    for (long rows : rowCounts) {
      for (Measurement measurement : run(data, rows, formats, compression)) {
        ObjectNode node = json.valueToTree(measurement);
        results.add(node);
        System.out.println(json.writeValueAsString(node));
      }
    }
    if (out != null) {
      json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
    }
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** Seeds (or reuses) the database of {@code rows} events, reads them once, exports them per format. */
  public static List<Measurement> run(Path data, long rows, List<FileFormat> formats, Compression compression)
      throws IOException, SQLException, InterruptedException {
    Path directory = Files.createDirectories(data.resolve(rows + "-rows"));
    // Closed when the pool lets go of its last connection, so the next measurement opens it afresh.
    DataSource dataSource = RunStores.h2DataSource("jdbc:h2:" + directory.toAbsolutePath().resolve("events")
        + ";DB_CLOSE_DELAY=0");
    try {
      seed(dataSource, rows);
      List<Measurement> measurements = new ArrayList<>();
      HeapWatch heap = new HeapWatch();
      measurements.add(heap.measure(READ, rows, () -> {
        long read = read(dataSource);
        check(read == rows, "the source read " + read + " rows, not " + rows);
        return 0L;
      }));
      measurements.add(heap.measure(COUNT, rows, () -> {
        long counted = count(dataSource);
        check(counted == rows, "the source counted " + counted + " rows, not " + rows);
        return 0L;
      }));
      for (FileFormat format : formats) {
        Path files = directory.resolve("files");
        try (ExportEngine engine = ExportEngine.builder()
            .runStore(RunStores.jdbc(dataSource))
            .recordSource(RecordSources.jdbc(dataSource))
            .blobStore(BlobStores.fromUri(Files.createDirectories(files).toUri()))
            .workers(1)
            .pollInterval(Duration.ofMillis(20))
            .maxIntervalLength(Duration.ofDays(7))
            .build()) {
          engine.start();
          measurements.add(heap.measure("export " + format.wireName(), rows, () -> {
            RunId id = engine.create(CALLER, ExportRequest.builder(Model.EVENTS, START, START.plus(SPAN))
                .file(new FileConfig(format, compression, 0)).build());
            RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofHours(2));
            check(run.status() == RunStatus.COMPLETED, "export " + id + " ended " + run.status() + ": " + run.error());
            check(run.recordsCompleted() == rows,
                "export " + id + " wrote " + run.recordsCompleted() + " rows, not " + rows);
            check(run.recordsTotal() != null && run.recordsTotal() == rows,
                "export " + id + " counted " + run.recordsTotal() + " rows, not " + rows);
            return run.bytesExported();
          }));
        } finally {
          deleteTree(files);
        }
      }
      return measurements;
    } finally {
      if (dataSource instanceof JdbcConnectionPool pool) {
        pool.dispose();
      }
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  /** Inserts the events unless the database already holds exactly that many. */
  private static void seed(DataSource dataSource, long rows) throws SQLException {
    RecordSources.createReferenceTables(dataSource);
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      try (ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM events")) {
        count.next();
        if (count.getLong(1) == rows) {
          return;
        }
      }
      // Loading is faster without the indexes; RecordSources.createReferenceTables builds them again afterwards.
      statement.execute("DELETE FROM events");
      statement.execute("DROP INDEX IF EXISTS events_team_time");
      statement.execute("DROP INDEX IF EXISTS events_team_uuid");
    }
    long started = System.nanoTime();
    long step = SPAN.toNanos() / 1_000 / rows;
    long startMicros = START.getEpochSecond() * 1_000_000L;
    Random random = new Random(7);
    Iterable<Map<String, Object>> generated = () -> new Iterator<>() {
      long next;

      @Override
      public boolean hasNext() {
        return next < rows;
      }

      @Override
      public Map<String, Object> next() {
        return EventRows.asMap(EventRows.next(random, startMicros + next++ * step));
      }
    };
    RecordSources.insertReferenceRows(dataSource, TEAM, Model.EVENTS, generated);
    RecordSources.createReferenceTables(dataSource);
    System.err.printf("seeded %,d events in %.1f s%n", rows, (System.nanoTime() - started) / 1e9);
  }

  /** What an export of the whole interval asks the source. */
  private static SourceQuery wholeInterval() {
    return new SourceQuery(TEAM, Model.EVENTS, new TimeRange(START, START.plus(SPAN)), List.of(), List.of());
  }

  /**
   * Reads every row of the interval through the library's JDBC source. Its cursor decodes every
   * column of a row in {@code next()}, so counting rows is reading them whole.
   */
  private static long read(DataSource dataSource) {
    long rows = 0;
    try (RecordCursor cursor = RecordSources.jdbc(dataSource).open(wholeInterval())) {
      while (cursor.next()) {
        rows++;
      }
    }
    return rows;
  }

  /**
   * Counts the rows of the interval as every export does before reading them: the source's count
   * query, with the same predicate and deduplication, and nothing read.
   */
  private static long count(DataSource dataSource) {
    try (RecordCursor cursor = RecordSources.jdbc(dataSource).open(wholeInterval())) {
      return cursor.count().orElseThrow(() -> new IllegalStateException("the JDBC source did not count"));
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** Something measured; returns the bytes it wrote. */
  interface Work {
    long run() throws Exception;
  }

  /**
   * The peak live heap of a piece of work: every {@value #SAMPLE_MILLIS} ms while it runs, and once
   * at its end, a full collection and then the heap in use, which is then what is reachable.
   * Sampling every two seconds made 1M-row exports about 20% slower (37.5 s instead of 31 s for
   * CSV); every ten seconds costs a few percent.
   */
  static final class HeapWatch {
    private static final long SAMPLE_MILLIS = 10_000;

    Measurement measure(String name, long rows, Work work) throws InterruptedException {
      AtomicLong peak = new AtomicLong();
      Thread sampler = new Thread(() -> {
        try {
          while (true) {
            Thread.sleep(SAMPLE_MILLIS);
            peak.accumulateAndGet(liveHeap(), Math::max);
          }
        } catch (InterruptedException e) {
          // the work ended
        }
      }, "heap-sampler");
      sampler.setDaemon(true);
      System.gc();
      long started = System.nanoTime();
      sampler.start();
      long bytes;
      try {
        bytes = work.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(name + " failed: " + e.getMessage(), e);
      } finally {
        sampler.interrupt();
        sampler.join();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      peak.accumulateAndGet(liveHeap(), Math::max);
      return new Measurement(name, rows, seconds, rows / seconds, bytes, peak.get());
    }

    private static long liveHeap() {
      System.gc();
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
  }
}
