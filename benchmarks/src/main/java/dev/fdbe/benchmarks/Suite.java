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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The whole benchmark suite in one command: every writer (format × compression) with its peers and
 * codec limits in JMH (one fork each, 2 × 1 s warm-up, 3 × 1 s measurement; DuckDB at its default
 * thread count only for the uncompressed and zstd lines), then the whole exports of 100k and 1M rows
 * (10M with {@code --with-10m}) next to the source read, the count and the plain JDBC read of the
 * same select, the exports and the plain read alternating {@value #DEFAULT_REPETITIONS} times (per row
 * count; {@code --repetitions}) in a child JVM with a 1 GiB heap and a 64 MiB young generation, then
 * the latency of a demo-sized export ({@link SmallExport}) in a child JVM with the default heap; writes {@code latest.json},
 * {@code latest.md} and {@code latest.png} into {@code --out} (default {@code benchmarks/results}).
 *
 * <p>Run: {@code benchmarks/run} (builds the jar, then {@code java -cp benchmarks/target/benchmarks.jar
 * dev.fdbe.benchmarks.Suite}).
 */
public final class Suite {
  static final String COMMAND = "benchmarks/run";
  /**
   * Repetitions of the whole exports and plain read at 100k and 1M rows: five where a round takes
   * about 20 s, one where a round takes two to three minutes, so that the suite stays within about
   * 15 minutes on 2 cores.
   */
  static final String DEFAULT_REPETITIONS = "5,1";
  private static final int SMALL_EXPORT_REPETITIONS = 7;
  private static final List<Class<?>> WRITER_BENCHMARKS = List.of(FormatThroughput.class, JacksonJsonLines.class,
      AvroParquet.class, DuckDbCopy.class, CodecLimit.class);

  private Suite() {}

  public static void main(String[] args) throws IOException, RunnerException, InterruptedException {
    Path out = Path.of("benchmarks", "results");
    boolean tenMillion = false;
    boolean writers = true;
    boolean exports = true;
    boolean reportOnly = false;
    String repetitions = DEFAULT_REPETITIONS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repetitions" -> {
          if (++i == args.length) {
            throw new IllegalArgumentException("--repetitions needs a count, or one per row count (100k,1M[,10M])");
          }
          repetitions = args[i];
        }
        case "--out" -> {
          if (++i == args.length) {
            throw new IllegalArgumentException("--out needs a directory");
          }
          out = Path.of(args[i]);
        }
        case "--with-10m" -> tenMillion = true;
        case "--writers-only" -> exports = false;
        case "--exports-only" -> writers = false;
        case "--report-only" -> reportOnly = true;
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "'; options: --out DIR, --with-10m, --writers-only, --exports-only, --repetitions N[,N...] (of the"
            + " whole exports per row count, default " + DEFAULT_REPETITIONS + "), --report-only (rewrite the report"
            + " from DIR/latest.json)");
      }
    }
    if (reportOnly) {
      Report report = Report.read(out.resolve("latest.json"));
      report.write(out);
      System.out.println(report.markdown());
      return;
    }
    long started = System.nanoTime();
    List<Report.WriterLine> lines = writers ? writerLines(runWriters()) : List.of();
    List<WholeExport.Measurement> wholeExports = exports ? runWholeExports(tenMillion, repetitions) : List.of();
    List<SmallExport.Latency> smallExports = exports ? runSmallExports() : List.of();
    double seconds = (System.nanoTime() - started) / 1e9;
    StringBuilder command = new StringBuilder(COMMAND);
    for (String arg : args) {
      command.append(' ').append(arg);
    }
    Report report = new Report(machine(), command.toString(), seconds, lines, wholeExports, smallExports,
        Report.targets(lines, wholeExports, smallExports));
    report.write(out);
    System.out.println(report.markdown());
    System.out.printf(Locale.ROOT, "wrote %s/latest.json, latest.md and latest.png in %.0f s%n", out, seconds);
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

  private static ChainedOptionsBuilder options(String include) {
    return new OptionsBuilder()
        .include(include)
        .forks(1)
        .warmupIterations(2)
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
            format == FileFormat.PARQUET ? "AvroParquetWriter + GenericRecord" : "Jackson databind, Map per row",
            score(find(results, DuckDbCopy.class, Map.of("target", target, "threads", "1"))),
            score(find(results, DuckDbCopy.class, Map.of("target", target, "threads", "default"))),
            score(find(results, CodecLimit.class, Map.of("format", format.name(),
                "compression", compression.name())))));
      }
    }
    return lines;
  }

  private static RunResult find(Collection<RunResult> results, Class<?> benchmark, Map<String, String> params) {
    for (RunResult result : results) {
      var run = result.getParams();
      if (!run.getBenchmark().startsWith(benchmark.getName() + ".")) {
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
