package dev.fdbe.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.SourceQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jspecify.annotations.Nullable;

/**
 * The latency of a small export: a database like the server's demo (49,510 events of one team over
 * 7 days in an H2 file database, the events one team of the demo's default 100,000 has in its
 * interval) exported whole through the in-process engine (one worker, local storage, the default poll
 * interval as {@link WholeExport}: a create wakes the worker at once), timed from {@code create} to
 * the run being {@code Completed} (its {@code finishedAt}) and to {@code awaitTerminal} returning,
 * after a few unmeasured exports that warm the JIT. The median of the repetitions and its range,
 * and where the time goes, each phase's median: create → claimed ({@code startedAt}), claimed →
 * first row (read by the source), claimed → counted (the count runs beside the read on its own
 * thread, so this overlaps the phases after it; it ends early when every row was read first), first
 * row → source done (the source has given its last row; reading and writing overlap), source done →
 * Completed (the last rows written, the part stored, the run completed), Completed → seen by the
 * caller ({@code awaitTerminal} waits for the worker). The source is wrapped
 * in a cursor that notes when counting ends and when the first and last rows come (three clock reads
 * an export); the run's times come from its snapshot.
 *
 * <p>By hand: {@code java -cp benchmarks/target/benchmarks.jar dev.fdbe.benchmarks.SmallExport
 * --repetitions 9 --format JSONLines --out small.json}, with the JVM's default heap as the server runs
 * on its embedded defaults: H2 reads the table several times faster with room in the heap than in a
 * JVM capped at 1 GiB (see {@code Suite}), so a small heap measures H2's memory, not the export.
 */
public final class SmallExport {
  /** Events in the demo-sized database. */
  public static final long DEMO_EVENTS = 49_510;
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Duration SPAN = Duration.ofDays(7);
  /** The phases, in order; their medians need not add up to the median total. */
  static final List<String> PHASES = List.of("create → claimed", "claimed → first row",
      "claimed → counted (beside the read)", "first row → source done", "source done → Completed",
      "Completed → seen by caller");

  /**
   * The latency of one kind of export.
   *
   * @param name what was exported
   * @param rows rows per export
   * @param repetitions measured exports
   * @param medianSeconds median time from {@code create} to the run's {@code finishedAt}
   * @param minSeconds shortest of those
   * @param maxSeconds longest of those
   * @param medianObservedSeconds median time from {@code create} to {@code awaitTerminal} returning
   * @param phaseMedianSeconds median seconds of each phase, in {@link #PHASES} order
   */
  public record Latency(String name, long rows, int repetitions, double medianSeconds, double minSeconds,
      double maxSeconds, double medianObservedSeconds, Map<String, Double> phaseMedianSeconds) {}

  private SmallExport() {}

  public static void main(String[] args) throws Exception {
    long rows = DEMO_EVENTS;
    int repetitions = 5;
    int warmUps = 3;
    FileFormat format = FileFormat.JSON_LINES;
    Path data = Path.of("benchmarks", "target", "small-export");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(value);
        case "--repetitions" -> repetitions = Integer.parseInt(value);
        case "--warm-ups" -> warmUps = Integer.parseInt(value);
        case "--format" -> format = FileFormat.fromWireName(value).orElseGet(() -> FileFormat.valueOf(value));
        case "--data" -> data = Path.of(value);
        case "--out" -> out = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; options: --rows N"
            + " --repetitions N --warm-ups N --format JSONLines|CSV|Parquet --data DIR --out FILE");
      }
      i++;
    }
    Latency latency = run(data, rows, format, warmUps, repetitions);
    ObjectMapper json = new ObjectMapper();
    System.out.println(json.writeValueAsString(latency));
    if (out != null) {
      json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), List.of(latency));
    }
  }

  /** Seeds (or reuses) the database, warms up with {@code warmUps} exports, then measures {@code repetitions}. */
  public static Latency run(Path data, long rows, FileFormat format, int warmUps, int repetitions)
      throws IOException, SQLException {
    if (repetitions < 1 || warmUps < 0) {
      throw new IllegalArgumentException("repetitions must be at least 1 and warm-ups at least 0, got "
          + repetitions + " and " + warmUps);
    }
    Path directory = Files.createDirectories(data.resolve(rows + "-rows-7-days"));
    DataSource dataSource = RunStores.h2DataSource("jdbc:h2:" + directory.toAbsolutePath().resolve("events")
        + ";DB_CLOSE_DELAY=0");
    Path files = directory.resolve("files");
    TimedSource source = new TimedSource(RecordSources.jdbc(dataSource));
    try (ExportEngine engine = ExportEngine.builder()
        .runStore(RunStores.jdbc(dataSource))
        .recordSource(source)
        .blobStore(BlobStores.fromUri(Files.createDirectories(files).toUri()))
        .workers(1)
        .maxIntervalLength(SPAN)
        .build()) {
      WholeExport.seed(dataSource, rows, SPAN);
      engine.start();
      List<double[]> measured = new ArrayList<>();
      for (int i = 0; i < warmUps + repetitions; i++) {
        double[] times = export(engine, source, rows, format);
        WholeExport.deleteContents(files);
        if (i >= warmUps) {
          measured.add(times);
          System.err.printf("small export %d: %.3f s to Completed%n", i - warmUps + 1, times[0]);
        }
      }
      Map<String, Double> phases = new LinkedHashMap<>();
      for (int p = 0; p < PHASES.size(); p++) {
        int index = p + 2;
        phases.put(PHASES.get(p), WholeExport.median(measured.stream().mapToDouble(t -> t[index]).toArray()));
      }
      double[] totals = measured.stream().mapToDouble(t -> t[0]).toArray();
      return new Latency("export " + format.wireName(), rows, repetitions, WholeExport.median(totals),
          Arrays.stream(totals).min().orElseThrow(), Arrays.stream(totals).max().orElseThrow(),
          WholeExport.median(measured.stream().mapToDouble(t -> t[1]).toArray()), phases);
    } finally {
      WholeExport.deleteTree(files);
      if (dataSource instanceof JdbcConnectionPool pool) {
        pool.dispose();
      }
    }
  }

  /**
   * One export of the whole interval: seconds to Completed, to seen by the caller, then each phase of
   * {@link #PHASES}.
   */
  private static double[] export(ExportEngine engine, TimedSource source, long rows, FileFormat format) {
    source.reset();
    Instant created = Instant.now();
    RunId id = engine.create(CALLER, ExportRequest.builder(Model.EVENTS, START, START.plus(SPAN))
        .file(new FileConfig(format, Compression.NONE, 0)).build());
    RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofMinutes(10));
    Instant seen = Instant.now();
    if (run.status() != RunStatus.COMPLETED || run.recordsCompleted() != rows) {
      throw new IllegalStateException("export " + id + " ended " + run.status() + " with " + run.recordsCompleted()
          + " of " + rows + " rows: " + run.error());
    }
    Instant counted = source.counted;
    Instant first = source.firstRow;
    Instant last = source.lastRow;
    if (run.startedAt() == null || run.finishedAt() == null || counted == null || first == null || last == null) {
      throw new IllegalStateException("export " + id + " has no start or finish, or its source was not counted and"
          + " read: " + run);
    }
    return new double[] {seconds(created, run.finishedAt()), seconds(created, seen),
        seconds(created, run.startedAt()), seconds(run.startedAt(), first), seconds(run.startedAt(), counted),
        seconds(first, last), seconds(last, run.finishedAt()), seconds(run.finishedAt(), seen)};
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  /** A source whose cursors note when counting ended and when the first and the last row came. */
  static final class TimedSource implements RecordSource {
    private final RecordSource source;
    volatile @Nullable Instant counted;
    volatile @Nullable Instant firstRow;
    volatile @Nullable Instant lastRow;

    TimedSource(RecordSource source) {
      this.source = source;
    }

    void reset() {
      counted = null;
      firstRow = null;
      lastRow = null;
    }

    @Override
    public RecordCursor open(SourceQuery query) {
      RecordCursor cursor = source.open(query);
      return new RecordCursor() {
        private boolean started;

        @Override
        public boolean next() {
          boolean next = cursor.next();
          if (!started) {
            started = true;
            firstRow = Instant.now();
          }
          if (!next) {
            lastRow = Instant.now();
          }
          return next;
        }

        @Override
        public OptionalLong count() {
          try {
            return cursor.count();
          } finally {
            counted = Instant.now(); // also when the count was stopped because every row was read first
          }
        }

        @Override
        public boolean countsConcurrently() {
          return cursor.countsConcurrently();
        }

        @Override
        public void cancel() {
          cursor.cancel();
        }

        @Override
        public void close() {
          cursor.close();
        }

        @Override
        public boolean isNull(int column) {
          return cursor.isNull(column);
        }

        @Override
        public String getString(int column) {
          return cursor.getString(column);
        }

        @Override
        public long getLong(int column) {
          return cursor.getLong(column);
        }

        @Override
        public boolean getBoolean(int column) {
          return cursor.getBoolean(column);
        }

        @Override
        public long getTimestampMicros(int column) {
          return cursor.getTimestampMicros(column);
        }

        @Override
        public List<String> getStringList(int column) {
          return cursor.getStringList(column);
        }
      };
    }

    @Override
    public String describe() {
      return source.describe();
    }
  }
}
