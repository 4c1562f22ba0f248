package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The whole benchmark suite in one command ({@link #PARTS}, in order; about 24 minutes on 2 idle
 * cores): every writer (format × compression) with its peers and codec limits in JMH (one fork
 * each, {@value #WARMUP_ITERATIONS} × 1 s warm-up, 3 × 1 s measurement; DuckDB at its default
 * thread count only for the uncompressed and zstd lines; about 11 minutes), then the Parquet writer
 * alternating with its peers ({@link ParquetVsPeers}, {@value ParquetVsPeers#DEFAULT_ROUNDS} rounds
 * per codec in a child JVM of 1 GiB heap, from which the Parquet targets are judged; about 2.5
 * minutes), then the text writers alternating with DuckDB ({@link TextWritersVsDuckDb},
 * {@value TextWritersVsDuckDb#DEFAULT_ROUNDS} rounds per format in a child JVM of 1 GiB heap, from
 * which the text writers' targets against DuckDB are judged), then {@link CompressionRounds} (zstd and
 * gzip text writers single-threaded and on the compression pool, each in a JVM of its own, asked in
 * turn for {@value CompressionRounds#DEFAULT_ROUNDS} rounds of 2 s per line after a warm-up round;
 * about 2 minutes), then the whole exports of 100k and 1M rows
 * (10M with {@code --with-10m}) next to the source read, the count and the plain JDBC read of the
 * same select, the exports and the plain read alternating {@value #DEFAULT_REPETITIONS} times (per row
 * count; {@code --repetitions}) in a child JVM with a 1 GiB heap and a 64 MiB young generation, then
 * the latency of a demo-sized export ({@link SmallExport}) in a child JVM with the default heap, then
 * the whole exports from PostgreSQL next to {@code psql} ({@link PostgresWholeExport}, 1M rows, 5
 * alternating rounds, in a child JVM of 1 GiB heap; reported as not run, with the reason, when the
 * server or {@code psql} cannot be reached); writes {@code latest.json},
 * {@code latest.md} and {@code latest.png} into {@code --out} (default {@code benchmarks/results}).
 *
 * <p>Run: {@code benchmarks/run} (builds the jar, then {@code java -cp benchmarks/target/benchmarks.jar
 * dev.fdbe.benchmarks.Suite}).
 */
public final class Suite {
  static final String COMMAND = "benchmarks/run";
  /**
   * Repetitions of the whole exports and plain read at 100k and 1M rows: five of each, so that every
   * ratio is the median of five alternating rounds (a 1M round takes about 90 s on 2 idle cores, so
   * the exports part takes about 9 minutes).
   */
  static final String DEFAULT_REPETITIONS = "5,5";
  private static final int SMALL_EXPORT_REPETITIONS = 7;
  static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/fdbe_benchpg?user=postgres";
  private static final long DEFAULT_POSTGRES_ROWS = 1_000_000;
  /** Rounds of the PostgreSQL exports and psql: at 1M rows a round takes about a minute. */
  private static final int DEFAULT_POSTGRES_REPETITIONS = 5;
  /** The suite's parts, in the order they run; {@code --only} picks some. */
  static final List<String> PARTS = List.of("writers", "parquet", "text", "compression", "exports", "postgres");
  /** The parts {@code --writers-only} runs. */
  static final List<String> WRITER_PARTS = List.of("writers", "parquet", "text", "compression");
  private static final List<Class<?>> WRITER_BENCHMARKS = List.of(FormatThroughput.class, JacksonJsonLines.class,
      AvroParquet.class, DuckDbCopy.class, CodecLimit.class);

  private Suite() {}

  public static void main(String[] args) throws IOException, RunnerException, InterruptedException {
    Options options = Options.parse(args);
    if (options.reportOnly()) {
      Report report = Report.read(options.out().resolve("latest.json"));
      report.write(options.out());
      System.out.println(report.markdown());
      return;
    }
    long started = System.nanoTime();
    List<Report.WriterLine> lines = options.runs("writers") ? writerLines(timed("writers", Suite::runWriters))
        : List.of();
    List<ParquetVsPeers.Round> parquetRounds = options.runs("parquet") ? timed("parquet", Suite::runParquet)
        : List.of();
    List<TextWritersVsDuckDb.Round> textRounds = options.runs("text") ? timed("text", Suite::runText) : List.of();
    List<Report.CompressionLine> compression = options.runs("compression")
        ? timed("compression", Suite::runCompression) : List.of();
    List<WholeExport.Measurement> wholeExports = options.runs("exports")
        ? timed("exports", () -> runWholeExports(options.tenMillion(), options.repetitions())) : List.of();
    List<SmallExport.Latency> smallExports = options.runs("exports")
        ? timed("small exports", Suite::runSmallExports) : List.of();
    List<PostgresWholeExport.Measurement> postgresExports = new ArrayList<>();
    String postgresNotRun = null;
    if (options.runs("postgres")) {
      postgresNotRun = options.withPostgres() ? timed("postgres", () -> runPostgres(options, postgresExports))
          : "left out with --without-postgres";
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    StringBuilder command = new StringBuilder(COMMAND);
    for (String arg : args) {
      command.append(' ').append(arg);
    }
    Report report = new Report(machine(), command.toString(), seconds, lines, parquetRounds, textRounds, wholeExports,
        smallExports, postgresExports, postgresNotRun, compression,
        Report.targets(lines, parquetRounds, textRounds, wholeExports, smallExports, postgresExports, compression));
    report.write(options.out());
    System.out.println(report.markdown());
    System.out.printf(Locale.ROOT, "wrote %s/latest.json, latest.md and latest.png in %.0f s%n", options.out(),
        seconds);
  }

  /** The suite's command line. */
  record Options(Path out, boolean tenMillion, List<String> parts, String repetitions, boolean withPostgres,
      String postgresUrl, long postgresRows, int postgresRepetitions, boolean reportOnly) {
    static Options parse(String... args) {
      Path out = Path.of("benchmarks", "results");
      boolean tenMillion = false;
      List<String> parts = PARTS;
      String repetitions = DEFAULT_REPETITIONS;
      boolean withPostgres = true;
      String postgresUrl = DEFAULT_POSTGRES_URL;
      long postgresRows = DEFAULT_POSTGRES_ROWS;
      int postgresRepetitions = DEFAULT_POSTGRES_REPETITIONS;
      boolean reportOnly = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--repetitions" -> {
            if (++i == args.length) {
              throw new IllegalArgumentException("--repetitions needs a count, or one per row count (100k,1M[,10M])");
            }
            repetitions = args[i];
          }
          case "--out" -> out = Path.of(value(args, ++i));
          case "--with-10m" -> tenMillion = true;
          case "--writers-only" -> parts = WRITER_PARTS;
          case "--exports-only" -> parts = List.of("exports", "postgres");
          case "--only" -> parts = namedParts(value(args, ++i));
          case "--without-postgres" -> withPostgres = false;
          case "--postgres-url" -> postgresUrl = value(args, ++i);
          case "--postgres-rows" -> postgresRows = Long.parseLong(value(args, ++i));
          case "--postgres-repetitions" -> postgresRepetitions = Integer.parseInt(value(args, ++i));
          case "--report-only" -> reportOnly = true;
          default -> throw new IllegalArgumentException("unknown option '" + args[i]
              + "'; options: --out DIR, --with-10m, --writers-only (" + String.join(", ", WRITER_PARTS) + "),"
              + " --exports-only (exports and postgres), --only PART[,PART...] (of " + String.join(", ", PARTS) + "),"
              + " --repetitions N[,N...] (of the whole exports per row count, default " + DEFAULT_REPETITIONS + "),"
              + " --postgres-url URL (default " + DEFAULT_POSTGRES_URL + "), --postgres-rows N (default "
              + DEFAULT_POSTGRES_ROWS + "), --postgres-repetitions N (default " + DEFAULT_POSTGRES_REPETITIONS
              + "), --without-postgres, --report-only (rewrite the report from DIR/latest.json)");
        }
      }
      return new Options(out, tenMillion, parts, repetitions, withPostgres, postgresUrl, postgresRows,
          postgresRepetitions, reportOnly);
    }

    boolean runs(String part) {
      return parts.contains(part);
    }

    private static String value(String[] args, int i) {
      if (i == args.length) {
        throw new IllegalArgumentException(args[i - 1] + " needs a value");
      }
      return args[i];
    }

    private static List<String> namedParts(String list) {
      List<String> parts = List.of(list.split(","));
      for (String part : parts) {
        if (!PARTS.contains(part)) {
          throw new IllegalArgumentException("unknown part '" + part + "'; parts: " + String.join(", ", PARTS));
        }
      }
      return parts;
    }
  }

  /** A part of the suite that may throw what the suite's main declares. */
  private interface Part<T> {
    T run() throws IOException, RunnerException, InterruptedException;
  }

  /** Runs a part and says how long it took, for the estimates of what each part adds to the suite. */
  private static <T> T timed(String name, Part<T> part) throws IOException, RunnerException, InterruptedException {
    long started = System.nanoTime();
    T result = part.run();
    System.out.printf(Locale.ROOT, "suite part %s took %.0f s%n", name, (System.nanoTime() - started) / 1e9);
    return result;
  }

  private static Collection<RunResult> runWriters() throws RunnerException {
    StringBuilder include = new StringBuilder("^dev\\.fdbe\\.benchmarks\\.(");
    for (int i = 0; i < WRITER_BENCHMARKS.size(); i++) {
      include.append(i == 0 ? "" : "|").append(WRITER_BENCHMARKS.get(i).getSimpleName());
    }
    List<RunResult> results = new ArrayList<>(new Runner(options(include.append(")\\.").toString())
        .param("threads", "1").build()).run());
    // DuckDB at its default thread count: for the targets' lines (uncompressed, zstd), not every codec.
    results.addAll(new Runner(options("^dev\\.fdbe\\.benchmarks\\.DuckDbCopy\\.")
        .param("threads", "default")
        .param("target", "PARQUET:NONE", "PARQUET:ZSTD", "CSV:NONE", "CSV:ZSTD", "JSON_LINES:NONE", "JSON_LINES:ZSTD")
        .build()).run());
    return results;
  }

  /**
   * Runs {@link ParquetVsPeers} for every codec in a child JVM of 1 GiB heap, as JMH forks the writer
   * benchmarks: {@value ParquetVsPeers#DEFAULT_ROUNDS} alternating rounds, so that each Parquet target
   * is the median of that many per-round ratios.
   */
  private static List<ParquetVsPeers.Round> runParquet() throws IOException, InterruptedException {
    return List.of(child(ParquetVsPeers.class, ParquetVsPeers.Round[].class, List.of("-Xms1g", "-Xmx1g"),
        "--rounds", Integer.toString(ParquetVsPeers.DEFAULT_ROUNDS)));
  }

  /** {@link TextWritersVsDuckDb}, in a JVM of its own: the rounds that judge the text writers against DuckDB. */
  private static List<TextWritersVsDuckDb.Round> runText() throws IOException, InterruptedException {
    return List.of(child(TextWritersVsDuckDb.class, TextWritersVsDuckDb.Round[].class, List.of("-Xms1g", "-Xmx1g"),
        "--rounds", Integer.toString(TextWritersVsDuckDb.DEFAULT_ROUNDS)));
  }

  /**
   * {@link CompressionRounds} for zstd and gzip (the codecs the pool is for) on both text formats:
   * the pool's JVM and the single-processor JVM asked in turn, {@value CompressionRounds#DEFAULT_ROUNDS}
   * rounds of {@value CompressionRounds#DEFAULT_MILLIS} ms per line after a warm-up round, so that each
   * target is the median of that many per-round ratios.
   */
  private static List<Report.CompressionLine> runCompression() throws IOException, InterruptedException {
    return CompressionRounds.lines(CompressionRounds.run(CompressionRounds.DEFAULT_ROUNDS,
        CompressionRounds.DEFAULT_MILLIS));
  }

  /**
   * One-second warm-up iterations per JMH fork. A fresh JVM's writer is not at its pace before about
   * five seconds (the JIT, and the first touch of the 1 GiB heap): with two, the Parquet and Jackson
   * forks still quadrupled their rate within the measured iterations, while DuckDB's native writer
   * was steady from the first, so the JMH lines understated every JVM writer against it.
   */
  static final int WARMUP_ITERATIONS = 5;

  private static ChainedOptionsBuilder options(String include) {
    return new OptionsBuilder()
        .include(include)
        .forks(1)
        .warmupIterations(WARMUP_ITERATIONS)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(3)
        .measurementTime(TimeValue.seconds(1))
        .timeUnit(TimeUnit.SECONDS);
  }

  /** One line per format × compression from the JMH results. */
  static List<Report.WriterLine> writerLines(Collection<RunResult> results) {
    List<Report.WriterLine> lines = new ArrayList<>();
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.CSV, FileFormat.JSON_LINES)) {
      for (Compression compression : Compression.values()) {
        RunResult fdbe = find(results, FormatThroughput.class, Map.of("format", format.name(),
            "compression", compression.name()));
        if (fdbe == null) {
          continue;
        }
        Double bytes = fdbe.getSecondaryResults().containsKey("bytes")
            ? fdbe.getSecondaryResults().get("bytes").getScore() : 0.0;
        RunResult peer = format == FileFormat.PARQUET
            ? find(results, AvroParquet.class, Map.of("compression", compression.name()))
            : format == FileFormat.JSON_LINES
                ? find(results, JacksonJsonLines.class, Map.of("compression", compression.name())) : null;
        String target = format.name() + ":" + compression.name();
        lines.add(new Report.WriterLine(format, compression, score(fdbe), bytes, score(peer),
            format == FileFormat.PARQUET ? ParquetLines.AVRO : "Jackson databind, Map per row",
            score(find(results, DuckDbCopy.class, Map.of("target", target, "threads", "1"))),
            score(find(results, DuckDbCopy.class, Map.of("target", target, "threads", "default"))),
            score(find(results, CodecLimit.class, Map.of("format", format.name(),
                "compression", compression.name())))));
      }
    }
    return lines;
  }

  private static RunResult find(Collection<RunResult> results, Class<?> benchmark, Map<String, String> params) {
    return find(results, benchmark, "", params);
  }

  /** The result of the benchmark's method (any method when {@code method} is empty) with these params. */
  private static RunResult find(Collection<RunResult> results, Class<?> benchmark, String method,
      Map<String, String> params) {
    for (RunResult result : results) {
      var run = result.getParams();
      boolean sameBenchmark = method.isEmpty() ? run.getBenchmark().startsWith(benchmark.getName() + ".")
          : run.getBenchmark().equals(benchmark.getName() + "." + method);
      if (!sameBenchmark) {
        continue;
      }
      boolean matches = params.entrySet().stream()
          .allMatch(param -> param.getValue().equals(run.getParam(param.getKey())));
      if (matches) {
        return result;
      }
    }
    return null;
  }

  private static Double score(RunResult result) {
    return result == null ? null : result.getPrimaryResult().getScore();
  }

  /** Runs {@link WholeExport} in a child JVM of 1 GiB heap so that its peak heap is its own. */
  private static List<WholeExport.Measurement> runWholeExports(boolean tenMillion, String repetitions)
      throws IOException, InterruptedException {
    return List.of(child(WholeExport.class, WholeExport.Measurement[].class, "--rows",
        tenMillion ? "100000,1000000,10000000" : "100000,1000000", "--repetitions",
        tenMillion && repetitions.equals(DEFAULT_REPETITIONS) ? DEFAULT_REPETITIONS + ",1" : repetitions));
  }

  /**
   * Runs {@link SmallExport} in a child JVM with the JVM's default heap, as the server runs on its
   * embedded defaults ({@code java -jar fdbe-server.jar}). H2 reads the demo-sized table several
   * times faster with room in the heap than in the whole exports' 1 GiB heap with its 64 MiB young
   * generation (a warm plain read of its 49,510 rows: 0.02–0.07 s with this machine's default 6 GB
   * heap, 0.14–0.44 s at {@code -Xmx1g}; H2's 16 MB page cache is the same in both).
   */
  private static List<SmallExport.Latency> runSmallExports() throws IOException, InterruptedException {
    return List.of(child(SmallExport.class, SmallExport.Latency[].class, List.of(), "--repetitions",
        Integer.toString(SMALL_EXPORT_REPETITIONS)));
  }

  /**
   * Runs {@link PostgresWholeExport} in a child JVM of 1 GiB heap, its measurements added to {@code
   * into}; returns why it did not run (the server or {@code psql} unreachable, or the run failed),
   * or null. The rest of the suite stands either way.
   */
  private static @Nullable String runPostgres(Options options, List<PostgresWholeExport.Measurement> into)
      throws IOException, InterruptedException {
    Optional<String> unreachable = PostgresWholeExport.unreachable(options.postgresUrl());
    if (unreachable.isPresent()) {
      System.err.println("PostgreSQL whole exports: not run — " + unreachable.get());
      return unreachable.get();
    }
    try {
      into.addAll(List.of(child(PostgresWholeExport.class, PostgresWholeExport.Measurement[].class,
          List.of("-Xmx1g"), "--url", options.postgresUrl(), "--rows", Long.toString(options.postgresRows()),
          "--repetitions", Integer.toString(options.postgresRepetitions()))));
      return null;
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  private static <T> T child(Class<?> main, Class<T> result, String... args) throws IOException, InterruptedException {
    // A small young generation: collections come often, so the peak live heap is seen.
    return child(main, result, List.of("-Xms1g", "-Xmx1g", "-Xmn64m"), args);
  }

  private static <T> T child(Class<?> main, Class<T> result, List<String> heap, String... args)
      throws IOException, InterruptedException {
    Path file = Files.createTempFile("fdbe-" + main.getSimpleName(), ".json");
    try {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(heap);
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
      command.addAll(List.of(args));
      command.addAll(List.of("--out", file.toString()));
      Process process = new ProcessBuilder(command).inheritIO().start();
      int exit = process.waitFor();
      if (exit != 0) {
        throw new IllegalStateException(main.getSimpleName() + " failed (exit " + exit + "); its output is above");
      }
      return new com.fasterxml.jackson.databind.ObjectMapper().readValue(file.toFile(), result);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static String machine() {
    long memory = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize();
    return String.format(Locale.ROOT, "%d cores, %d GiB, Java %s, %s %s", Runtime.getRuntime().availableProcessors(),
        Math.round(memory / (1024.0 * 1024 * 1024)), System.getProperty("java.version"),
        System.getProperty("os.name"), System.getProperty("os.arch"));
  }
}
