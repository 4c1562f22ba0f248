package dev.fdbe.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import dev.fdbe.Compression;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * fdbe's JSON Lines and CSV writers against DuckDB's {@code COPY} with one thread, uncompressed, in
 * one JVM and alternating: each repetition writes {@link FormatThroughput}'s {@value WriterBenchmark#ROWS}
 * rows {@code batches} times with fdbe (stage and commit per row, output counted and dropped), then
 * the same rows as often with DuckDB (the table {@link DuckDbCopy} loads, written to
 * {@code /dev/shm} when there is one), the order swapped every repetition. Each side is timed by
 * wall clock, by the CPU time of the whole process (every thread: the writer's, GC's, and DuckDB's
 * if it used more than the caller's) and by that of the calling thread; CPU time depends less on
 * other load on a shared machine than the wall clock does. Printed per format and clock: rows per
 * second of each, and the median and best of the per-repetition ratios fdbe / DuckDB.
 *
 * <p>The suite judges the text writers' targets against DuckDB from these repetitions, by the wall
 * clock as every other alternating line ({@link TextLines}): {@code --out FILE} writes each
 * repetition's rows/s as a {@link Round}, in a JSON array.
 *
 * <p>Run: {@code java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar
 * dev.fdbe.benchmarks.TextWritersVsDuckDb [--rounds N] [--batches N] [--out FILE]} (defaults
 * {@value #DEFAULT_ROUNDS} and {@value #DEFAULT_BATCHES}, after 3 unmeasured warm-up repetitions).
 */
public final class TextWritersVsDuckDb {
  private static final FileFormat[] FORMATS = {FileFormat.JSON_LINES, FileFormat.CSV};
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Seven repetitions: every ratio the median of seven alternating ones. */
  static final int DEFAULT_ROUNDS = 7;
  static final int DEFAULT_BATCHES = 20;

  /** One repetition of one format, uncompressed: rows per wall second of fdbe's writer and of DuckDB with one thread. */
  public record Round(FileFormat format, int round, double fdbe, double duckDbOneThread) {}

  private TextWritersVsDuckDb() {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** One timing: rows written; wall, process CPU and calling thread's CPU nanoseconds. */
  private record Timing(long rows, long wallNanos, long cpuNanos, long threadCpuNanos) {
    double rate(int clock) {
      return rows * 1e9 / (clock == 0 ? cpuNanos : clock == 1 ? threadCpuNanos : wallNanos);
    }
  }

  private static final String[] CLOCKS = {"process CPU second", "CPU second of the calling thread", "wall second"};
  private static final int WALL = 2;

  public static void main(String[] args) throws Exception {
    int repetitions = DEFAULT_ROUNDS;
    int batchesOption = DEFAULT_BATCHES;
    Path roundsFile = null;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--rounds" -> repetitions = Integer.parseInt(args[i + 1]);
        case "--batches" -> batchesOption = Integer.parseInt(args[i + 1]);
        case "--out" -> roundsFile = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; options: --rounds N (default "
            + DEFAULT_ROUNDS + ") --batches N (default " + DEFAULT_BATCHES + ") --out FILE (the rounds as a JSON array)");
      }
    }
    int batches = batchesOption;
    if (repetitions < 1 || batches < 1) {
      throw new IllegalArgumentException("--rounds and --batches must be at least 1");
    }
    List<Row> rows = EventRows.generate(WriterBenchmark.ROWS, 1);
    Path shm = Path.of("/dev/shm");
    Path directory = Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, "fdbe-duckdb") : Files.createTempDirectory("fdbe-duckdb");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      DuckDbCopy.load(statement, directory);
      statement.execute("SET threads = 1");
      Path out = directory.resolve("out");
      List<List<Timing[]>> results = new ArrayList<>();
      for (int f = 0; f < FORMATS.length; f++) {
        results.add(new ArrayList<>());
      }
      for (int repetition = -3; repetition < repetitions; repetition++) {
        for (int f = 0; f < FORMATS.length; f++) {
          FileFormat format = FORMATS[f];
          String copy = DuckDbCopy.copyStatement(format, Compression.NONE, out.toString());
          Timing fdbe;
          Timing duckDb;
          if ((repetition & 1) == 0) {
            fdbe = time(() -> writeFdbe(format, rows, batches), batches);
            duckDb = time(() -> copy(statement, copy, batches), batches);
          } else {
            duckDb = time(() -> copy(statement, copy, batches), batches);
            fdbe = time(() -> writeFdbe(format, rows, batches), batches);
          }
          if (repetition >= 0) {
            results.get(f).add(new Timing[] {fdbe, duckDb});
          }
        }
      }
      Files.deleteIfExists(out);
      System.out.printf(Locale.ROOT, "%d repetitions of %d x %d rows, load average at the end %.2f%n", repetitions,
          batches, WriterBenchmark.ROWS, OS.getSystemLoadAverage());
      List<Round> rounds = new ArrayList<>();
      for (int f = 0; f < FORMATS.length; f++) {
        report(FORMATS[f], results.get(f));
        for (int r = 0; r < results.get(f).size(); r++) {
          Timing[] pair = results.get(f).get(r);
          rounds.add(new Round(FORMATS[f], r + 1, pair[0].rate(WALL), pair[1].rate(WALL)));
        }
      }
      if (roundsFile != null) {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(roundsFile.toFile(), rounds);
      }
    } finally {
      try (var files = Files.list(directory)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(directory);
    }
  }

  private interface Work {
    void run() throws IOException, SQLException;
  }

  private static Timing time(Work work, int batches) throws IOException, SQLException {
    long cpu = OS.getProcessCpuTime();
    long threadCpu = THREADS.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    work.run();
    return new Timing((long) batches * WriterBenchmark.ROWS, System.nanoTime() - wall, OS.getProcessCpuTime() - cpu,
        THREADS.getCurrentThreadCpuTime() - threadCpu);
  }

  private static void writeFdbe(FileFormat format, List<Row> rows, int batches) throws IOException {
    FormatProvider provider = FormatThroughput.provider(format);
    WriterContext context = WriterContext.of(new FileConfig(format, Compression.NONE, 0));
    for (int b = 0; b < batches; b++) {
      RecordWriter writer = provider.open(new Sinks.Counting(), EventRows.SCHEMA, Compression.NONE, context);
      for (Row row : rows) {
        writer.stage(row);
        writer.commit();
      }
      writer.finish();
    }
  }

  private static void copy(Statement statement, String copy, int batches) throws SQLException {
    for (int b = 0; b < batches; b++) {
      statement.execute(copy);
    }
  }

  private static void report(FileFormat format, List<Timing[]> pairs) {
    for (int clock = 0; clock < CLOCKS.length; clock++) {
      int c = clock;
      double[] fdbe = pairs.stream().mapToDouble(p -> p[0].rate(c)).toArray();
      double[] duckDb = pairs.stream().mapToDouble(p -> p[1].rate(c)).toArray();
      double[] ratios = pairs.stream().mapToDouble(p -> p[0].rate(c) / p[1].rate(c)).toArray();
      System.out.printf(Locale.ROOT, "%s none, rows per %s: fdbe median %,.0f best %,.0f; DuckDB 1 thread median %,.0f "
          + "best %,.0f; fdbe/DuckDB median %.2f best %.2f (all %s)%n", format, CLOCKS[clock], WholeExport.median(fdbe),
          max(fdbe), WholeExport.median(duckDb), max(duckDb), WholeExport.median(ratios), max(ratios), list(ratios));
    }
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }

  private static String list(double[] values) {
    StringBuilder text = new StringBuilder();
    for (double value : values) {
      text.append(text.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", value));
    }
    return text.toString();
  }
}
