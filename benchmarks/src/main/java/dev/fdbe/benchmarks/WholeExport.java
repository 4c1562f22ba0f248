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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jspecify.annotations.Nullable;

/**
 * A whole export through the engine: N events in the H2 reference tables (a file database) exported
 * by one worker to local storage, once per format, next to the time it takes merely to read the
 * same rows from H2 through the library's JDBC source (the source limit: no export can be faster)
 * and merely to count them as each export does first for its {@code records_total} (the cost of
 * counting, which every export's time includes), and to read them with plain JDBC: the very select
 * (SQL, parameters, fetch size, session settings) the exports' source ran, captured from it by
 * {@link CapturedQuery} and replayed, every column of every row read and nothing decoded further.
 * With {@code --repetitions N} every line runs alternately N times in the same JVM and has the
 * median (and range) of its runs.
 * For each it reports rows/s and the peak live heap (sampled every ten seconds after a full
 * collection), which stays flat as N grows if memory does not depend on the export's size. An
 * unmeasured pass over a database of 100k rows warms the JIT first.
 *
 * <p>A plain program rather than a JMH benchmark: a single export of a million rows is its own
 * measurement, and peak heap needs a JVM to itself. {@link Suite} runs it in a child JVM. By hand:
 * {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar dev.fdbe.benchmarks.WholeExport --rows
 * 100000,1000000 --repetitions 5,2 --formats PARQUET,CSV --compression NONE --out result.json}
 * (repetitions: one count for every row count, or one per row count). The database is built once
 * per row count under {@code --data} (default {@code benchmarks/target/whole-export}) and reused.
 */
public final class WholeExport {
  static final TeamId TEAM = TeamId.of(1);
  static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Duration SPAN = Duration.ofDays(6);
  private static final long WARM_UP_ROWS = 100_000;
  /** The measurement of reading the rows through the source alone. */
  static final String READ = "H2 read (source limit)";
  /** The measurement of the count every export makes first ({@code records_total}), alone. */
  static final String COUNT = "H2 count (records_total)";

  /**
   * The plain JDBC read of exactly the select the exports' source ran, captured from it
   * ({@link CapturedQuery}): the driver alone, no row decoded into the library's cursor.
   */
  static final String PLAIN = "H2 plain read (same query)";

  /**
   * One line: what ran, how many rows, how fast, how much heap. A line measured several times
   * ({@code repetitions} above 1) has the median time and rows/s from it, and the range of rows/s;
   * a line measured once (or read from a report written before repetitions, where the field is 0)
   * has them null.
   */
  public record Measurement(String name, long rows, double seconds, double rowsPerSecond, long bytes,
      long peakLiveHeapBytes, int repetitions, @Nullable Double minRowsPerSecond, @Nullable Double maxRowsPerSecond) {
    /** A line measured once. */
    public Measurement(String name, long rows, double seconds, double rowsPerSecond, long bytes,
        long peakLiveHeapBytes) {
      this(name, rows, seconds, rowsPerSecond, bytes, peakLiveHeapBytes, 1, null, null);
    }
  }

  private WholeExport() {}

  public static void main(String[] args) throws Exception {
    List<Long> rowCounts = new ArrayList<>();
    List<FileFormat> formats = new ArrayList<>(List.of(FileFormat.values()));
    Compression compression = Compression.NONE;
    Path data = Path.of("benchmarks", "target", "whole-export");
    Path out = null;
    List<Integer> repetitions = new ArrayList<>(List.of(1));
    int slices = 1;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--rows" -> rowCounts.addAll(Stream.of(required(args[i], value).split(",")).map(Long::parseLong).toList());
        case "--formats" -> formats = Stream.of(required(args[i], value).split(",")).map(FileFormat::valueOf).toList();
        case "--compression" -> compression = Compression.valueOf(required(args[i], value));
        case "--data" -> data = Path.of(required(args[i], value));
        case "--out" -> out = Path.of(required(args[i], value));
        case "--repetitions" -> repetitions = Stream.of(required(args[i], value).split(",")).map(Integer::parseInt)
            .toList();
        case "--slices" -> slices = Integer.parseInt(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "'; options: --rows N[,N...] --repetitions N[,N...] --formats PARQUET,CSV,JSON_LINES"
            + " --compression NONE|ZSTD|... --slices N --data DIR --out FILE");
      }
      i++;
    }
    if (rowCounts.isEmpty()) {
      rowCounts.add(100_000L);
    }
    if (repetitions.size() != 1 && repetitions.size() != rowCounts.size()) {
      throw new IllegalArgumentException("--repetitions takes one count for every row count or one per row count ("
          + rowCounts.size() + "), got " + repetitions);
    }
    ObjectMapper json = new ObjectMapper();
    ArrayNode results = json.createArrayNode();
    // One unmeasured pass over a small database, so that every measured one runs compiled code.
    System.err.printf("warming up on %,d rows%n", WARM_UP_ROWS);
    run(data, WARM_UP_ROWS, formats, compression, 1, slices);
    for (int i = 0; i < rowCounts.size(); i++) {
      long rows = rowCounts.get(i);
      int times = repetitions.get(repetitions.size() == 1 ? 0 : i);
      for (Measurement measurement : run(data, rows, formats, compression, times, slices)) {
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

  /** {@link #run(Path, long, List, Compression, int)} with one repetition. */
  public static List<Measurement> run(Path data, long rows, List<FileFormat> formats, Compression compression)
      throws IOException, SQLException, InterruptedException {
    return run(data, rows, formats, compression, 1);
  }

  /** {@link #run(Path, long, List, Compression, int, int)} with runs not sliced. */
  public static List<Measurement> run(Path data, long rows, List<FileFormat> formats, Compression compression,
      int repetitions) throws IOException, SQLException, InterruptedException {
    return run(data, rows, formats, compression, repetitions, 1);
  }

  /**
   * Seeds (or reuses) the database of {@code rows} events, then {@code repetitions} rounds of: each
   * format's export, the read through the source, the count, the plain read of the select the
   * exports ran. One measurement per line; a repeated line has the median of its repetitions. Every
   * line alternates with the others, so that none is always the first after the database opens, and
   * the exports take turns at coming first, right after the round before's plain read.
   *
   * @param slices above 1, each export is cut into that many slices of equal length, exported by as
   *     many workers at once (the engine's {@code sliceLength}); its lines are named with the count.
   *     The plain read then replays the select of an unsliced export run once, unmeasured, first.
   */
  public static List<Measurement> run(Path data, long rows, List<FileFormat> formats, Compression compression,
      int repetitions, int slices) throws IOException, SQLException, InterruptedException {
    if (repetitions < 1 || slices < 1) {
      throw new IllegalArgumentException("repetitions and slices must be at least 1, got " + repetitions + " and "
          + slices);
    }
    Path directory = Files.createDirectories(data.resolve(rows + "-rows"));
    // Closed when the pool lets go of its last connection, so the next measurement opens it afresh.
    DataSource dataSource = RunStores.h2DataSource("jdbc:h2:" + directory.toAbsolutePath().resolve("events")
        + ";DB_CLOSE_DELAY=0");
    Path files = directory.resolve("files");
    try {
      seed(dataSource, rows, SPAN);
      List<Measurement> measurements = new ArrayList<>();
      HeapWatch heap = new HeapWatch();
      // The exports' source records what it runs on its connection; the plain read replays that.
      CapturedQuery.Recorder recorder = CapturedQuery.recording(dataSource);
      Map<String, List<Measurement>> rounds = new LinkedHashMap<>();
      CapturedQuery.Session session = null;
      CapturedQuery.Prepared select = null;
      if (slices > 1 && !formats.isEmpty()) {
        try (ExportEngine unsliced = engine(dataSource, recorder, files, 1)) {
          export(unsliced, rows, formats.get(0), compression);
        }
        deleteContents(files);
        session = recorder.take().stream().filter(taken -> taken.reads(EventRows.COLUMNS)).findFirst().orElseThrow();
        select = session.select(EventRows.COLUMNS);
      }
      try (ExportEngine engine = engine(dataSource, recorder, files, slices)) {
        for (int round = 0; round < repetitions; round++) {
          // The exports come first, in a turn that moves on by one each round: the export right after
          // the round before's plain read was about 3% slower than the one after it, so no format
          // always takes that place. The first round keeps the given order.
          for (int i = 0; i < formats.size(); i++) {
            FileFormat format = formats.get((i + round) % formats.size());
            String name = "export " + format.wireName() + (slices > 1 ? " (" + slices + " slices)" : "");
            rounds.computeIfAbsent(name, key -> new ArrayList<>()).add(heap.measure(name, rows,
                () -> export(engine, rows, format, compression)));
            deleteContents(files);
            // The read's connection, and a count's beside it where the list of copies does not count.
            List<CapturedQuery.Session> reads = recorder.take().stream()
                .filter(taken -> taken.reads(EventRows.COLUMNS)).toList();
            check(reads.size() == slices, name + " read its rows on " + reads.size()
                + " connections of the source, not " + slices);
            if (slices > 1) {
              continue; // each slice reads its own interval; the plain read replays the unsliced export's select
            }
            CapturedQuery.Prepared ran = reads.get(0).select(EventRows.COLUMNS);
            if (select == null) {
              session = reads.get(0);
              select = ran;
            } else {
              check(ran.describe().equals(select.describe()), name + " ran " + ran.describe() + ", not "
                  + select.describe() + " as the export before it");
            }
          }
          rounds.computeIfAbsent(READ, key -> new ArrayList<>()).add(heap.measure(READ, rows, () -> {
            long read = read(dataSource);
            check(read == rows, "the source read " + read + " rows, not " + rows);
            return 0L;
          }));
          rounds.computeIfAbsent(COUNT, key -> new ArrayList<>()).add(heap.measure(COUNT, rows, () -> {
            long counted = count(dataSource);
            check(counted == rows, "the source counted " + counted + " rows, not " + rows);
            return 0L;
          }));
          CapturedQuery.Session replayed = session;
          CapturedQuery.Prepared replayedSelect = select;
          if (replayed == null) {
            continue; // no format given: there is no export to read alike
          }
          if (round == 0) {
            System.err.println("the plain read replays the source's session but its count: " + replayed.summary());
          }
          rounds.computeIfAbsent(PLAIN, key -> new ArrayList<>()).add(heap.measure(PLAIN, rows, () -> {
            long read = CapturedQuery.replay(dataSource, replayed, replayedSelect);
            check(read == rows, "the plain read read " + read + " rows, not " + rows);
            return 0L;
          }));
        }
      }
      for (String line : List.of(READ, COUNT, PLAIN)) {
        if (rounds.containsKey(line)) {
          measurements.add(median(rounds.remove(line)));
        }
      }
      for (List<Measurement> repeated : rounds.values()) {
        measurements.add(median(repeated));
      }
      return measurements;
    } finally {
      deleteTree(files);
      shutDown(dataSource);
      if (dataSource instanceof JdbcConnectionPool pool) {
        pool.dispose();
      }
    }
  }

  /**
   * Closes the database at once, even while a connection a thread of the engine took is still open:
   * H2 closes a database with its last connection and compacts its file as it does, and a test's
   * directory, deleted right after this returns, once met a file written during that deletion (a
   * loaded CI run, 2026-12-08).
   */
  private static void shutDown(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    }
  }

  /** A started engine over the database with {@code slices} workers, cutting each run into that many slices. */
  private static ExportEngine engine(DataSource dataSource, CapturedQuery.Recorder recorder, Path files, int slices)
      throws IOException {
    ExportEngine.Builder builder = ExportEngine.builder()
        .runStore(RunStores.jdbc(dataSource))
        .recordSource(RecordSources.jdbc(recorder.dataSource()))
        .blobStore(BlobStores.fromUri(Files.createDirectories(files).toUri()))
        .workers(slices)
        .maxIntervalLength(Duration.ofDays(7));
    if (slices > 1) {
      builder.sliceLength(SPAN.plus(Duration.ofMinutes(1)).dividedBy(slices));
    }
    ExportEngine engine = builder.build();
    engine.start();
    return engine;
  }

  /** One export of the whole interval, checked; returns the bytes it stored. */
  private static long export(ExportEngine engine, long rows, FileFormat format, Compression compression) {
    RunId id = engine.create(CALLER, ExportRequest.builder(Model.EVENTS, START, START.plus(SPAN))
        .file(new FileConfig(format, compression, 0)).build());
    RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofHours(2));
    check(run.status() == RunStatus.COMPLETED, "export " + id + " ended " + run.status() + ": " + run.error());
    check(run.recordsCompleted() == rows, "export " + id + " wrote " + run.recordsCompleted() + " rows, not " + rows);
    check(run.recordsTotal() != null && run.recordsTotal() == rows,
        "export " + id + " counted " + run.recordsTotal() + " rows, not " + rows);
    return run.bytesExported();
  }

  /**
   * The repetitions of one line as one: the median time (the mean of the middle two for an even
   * count), rows/s from it, the range of rows/s, the largest peak heap, the bytes of the last.
   */
  static Measurement median(List<Measurement> repeated) {
    Measurement last = repeated.get(repeated.size() - 1);
    if (repeated.size() == 1) {
      return last;
    }
    double seconds = median(repeated.stream().mapToDouble(Measurement::seconds).toArray());
    return new Measurement(last.name(), last.rows(), seconds, last.rows() / seconds, last.bytes(),
        repeated.stream().mapToLong(Measurement::peakLiveHeapBytes).max().orElseThrow(), repeated.size(),
        repeated.stream().mapToDouble(Measurement::rowsPerSecond).min().orElseThrow(),
        repeated.stream().mapToDouble(Measurement::rowsPerSecond).max().orElseThrow());
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  /** Inserts the events unless the database already holds exactly that many. */
  static void seed(DataSource dataSource, long rows, Duration span) throws SQLException {
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
      statement.execute("DROP INDEX IF EXISTS events_team_time_inserted");
      statement.execute("DROP INDEX IF EXISTS events_team_uuid_time");
    }
    long started = System.nanoTime();
    long step = span.toNanos() / 1_000 / rows;
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

  /** Deletes what is under the directory, keeping it. */
  static void deleteContents(Path root) throws IOException {
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        deleteTree(child);
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
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
