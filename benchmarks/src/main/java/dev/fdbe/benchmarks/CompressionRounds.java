package dev.fdbe.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The compression pool against the writer's own thread, in alternating rounds: how much faster a
 * text writer writes gzip and zstd when its blocks compress on fdbe's shared compression threads.
 * Two worker JVMs run side by side for the whole measurement, one that sees every processor (the
 * pool: one compression thread per processor) and one started with {@code
 * -XX:ActiveProcessorCount=1}, where fdbe has no pool and the writer's thread compresses with the
 * codec's own stream. Both run G1 with one parallel GC thread, so that only the processors fdbe sees
 * differ. The driver asks them in turn to write {@link CompressionThreads}' files (the same rows,
 * {@value CompressionThreads#FILE_ROWS} per file, output counted and dropped) for {@code --millis}
 * each, never both at once: per round, every format × compression in one JVM and then in the other,
 * the JVM that goes first swapped every round, after one unmeasured round that warms both up. So the
 * two lines of a round ran seconds apart and what the machine's load did to them cancels out of
 * their ratio, which the suite takes the median of ({@link #lines}).
 *
 * <p>Each measurement also records the CPU time of the writer's thread and of the whole worker
 * JVM: a busy machine changes them much less than rows/s. With {@code c} idle cores the pool writes
 * at most {@code rows / max(writerCpu, processCpu / c)} rows per second.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.fdbe.benchmarks.CompressionRounds
 * [--rounds N] [--millis N] [--out FILE]} (defaults {@value #DEFAULT_ROUNDS} rounds of
 * {@value #DEFAULT_MILLIS} ms per line; zstd and gzip, JSON Lines and CSV; about 100 s). Prints one
 * JSON line per measurement; {@code --out} writes them as a JSON array. {@code --worker pool|writer}
 * is how the driver starts a worker, which reads {@code FORMAT COMPRESSION MILLIS} lines on its input and
 * answers each with a {@link Measurement} as one JSON line.
 */
public final class CompressionRounds {
  /** Five rounds: every ratio the median of five alternating ones, the project's least. */
  static final int DEFAULT_ROUNDS = 5;
  /** Long enough for a few files even single-threaded with gzip (up to a second a file). */
  static final int DEFAULT_MILLIS = 2_000;
  static final List<FileFormat> FORMATS = List.of(FileFormat.JSON_LINES, FileFormat.CSV);
  /** The codecs the pool compresses; the others compress on the writer's thread either way. */
  static final List<Compression> CODECS = List.of(Compression.ZSTD, Compression.GZIP);
  /** The worker that sees every processor. */
  static final String POOL = "pool";
  /** The worker that sees one processor. */
  static final String WRITER_THREAD = "writer thread";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CompressionRounds() {}

  /**
   * One line of one round: which worker ({@link #POOL} or {@link #WRITER_THREAD}), how many
   * processors it saw, the format and compression, the round (0 the unmeasured warm-up), and the
   * rows, wall seconds and CPU seconds (the writer's thread, the whole JVM) it took.
   */
  public record Measurement(String jvm, int processors, FileFormat format, Compression compression, int round,
      long rows, double seconds, double writerCpuSeconds, double processCpuSeconds) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = DEFAULT_ROUNDS;
    int millis = DEFAULT_MILLIS;
    Path out = null;
    if (args.length == 2 && args[0].equals("--worker")) {
      work(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out,
          args[1].equals("pool") ? POOL : WRITER_THREAD);
      return;
    }
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--millis" -> millis = Integer.parseInt(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; options: --rounds N (default " + DEFAULT_ROUNDS + ") --millis N (default " + DEFAULT_MILLIS
            + ") --out FILE");
      }
    }
    if (rounds < 1 || millis < 1) {
      throw new IllegalArgumentException("--rounds and --millis must be at least 1");
    }
    List<Measurement> measurements = run(rounds, millis);
    List<Measurement> measured = measurements.stream().filter(m -> m.round() > 0).toList();
    if (out != null) {
      JSON.writeValue(out.toFile(), measured);
    }
    for (Report.CompressionLine line : lines(measurements)) {
      System.out.printf(Locale.ROOT, "%s: pool %.0f rows/s, writer thread %.0f rows/s, pool ÷ writer thread %s%n",
          line.label(), line.pool(), line.writerThread(), Objects.requireNonNull(line.ratio()).figures());
    }
  }

  /** Starts both workers, measures the warm-up round and {@code rounds} rounds, and stops them. */
  static List<Measurement> run(int rounds, int millis) throws IOException, InterruptedException {
    List<Measurement> measurements = new ArrayList<>();
    try (Worker pool = Worker.start("pool", List.of());
        Worker writerThread = Worker.start("writer", List.of("-XX:ActiveProcessorCount=1"))) {
      for (int round = 0; round <= rounds; round++) {
        Worker[] order = round % 2 == 0 ? new Worker[] {pool, writerThread} : new Worker[] {writerThread, pool};
        for (FileFormat format : FORMATS) {
          for (Compression compression : CODECS) {
            for (Worker worker : order) {
              Measurement measurement = worker.measure(format, compression, millis, round);
              System.out.println(JSON.writeValueAsString(measurement));
              measurements.add(measurement);
            }
          }
        }
      }
    }
    return measurements;
  }

  /**
   * One line per format × compression: the medians of the workers' rows/s and of their CPU rates,
   * and the median of the per-round ratios pool ÷ writer thread. The warm-up round (0) and rounds
   * without both workers are left out.
   */
  static List<Report.CompressionLine> lines(List<Measurement> measurements) {
    List<Report.CompressionLine> lines = new ArrayList<>();
    for (FileFormat format : FORMATS) {
      for (Compression compression : CODECS) {
        List<Measurement> pool = of(measurements, format, compression, POOL);
        List<Measurement> writerThread = of(measurements, format, compression, WRITER_THREAD);
        List<Double> ratios = new ArrayList<>();
        for (Measurement p : pool) {
          writerThread.stream().filter(w -> w.round() == p.round()).findFirst()
              .ifPresent(w -> ratios.add(p.rowsPerSecond() / w.rowsPerSecond()));
        }
        if (ratios.isEmpty()) {
          continue;
        }
        int processors = pool.get(0).processors();
        lines.add(new Report.CompressionLine(format, compression,
            WholeExport.median(writerThread.stream().mapToDouble(Measurement::rowsPerSecond).toArray()),
            WholeExport.median(pool.stream().mapToDouble(Measurement::rowsPerSecond).toArray()),
            WholeExport.median(writerThread.stream().mapToDouble(m -> m.rows() / m.writerCpuSeconds()).toArray()),
            WholeExport.median(pool.stream().mapToDouble(m -> m.rows() / Math.max(m.writerCpuSeconds(),
                m.processCpuSeconds() / processors)).toArray()),
            processors, Ratio.of(ratios.stream().mapToDouble(Double::doubleValue).toArray()).orElseThrow()));
      }
    }
    return lines;
  }

  private static List<Measurement> of(List<Measurement> measurements, FileFormat format, Compression compression,
      String jvm) {
    return measurements.stream()
        .filter(m -> m.round() > 0 && m.format() == format && m.compression() == compression && m.jvm().equals(jvm))
        .toList();
  }

  /**
   * A worker's loop: for each {@code FORMAT COMPRESSION MILLIS [ROUND]} line, writes whole files
   * until the time is up (at least one) and answers with one JSON line; ends at the end of its input.
   *
   * @param jvm which worker this is, {@link #POOL} or {@link #WRITER_THREAD}
   */
  static void work(BufferedReader commands, PrintStream answers, String jvm) throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean process = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    int processors = Runtime.getRuntime().availableProcessors();
    Map<String, CompressionThreads> writers = new HashMap<>(); // per format and compression, its rows made once
    for (String command = commands.readLine(); command != null; command = commands.readLine()) {
      String[] words = command.trim().split(" ");
      CompressionThreads files = writers.computeIfAbsent(words[0] + " " + words[1], line -> {
        CompressionThreads writer = new CompressionThreads();
        writer.format = FileFormat.valueOf(words[0]);
        writer.compression = Compression.valueOf(words[1]);
        writer.setUp();
        return writer;
      });
      long nanos = Long.parseLong(words[2]) * 1_000_000L;
      int round = words.length > 3 ? Integer.parseInt(words[3]) : 0;
      long rows = 0;
      long writerCpu = threads.getCurrentThreadCpuTime();
      long processCpu = process.getProcessCpuTime();
      long started = System.nanoTime();
      long elapsed;
      do {
        files.writeFile(new Sinks.Counting());
        rows += CompressionThreads.FILE_ROWS;
        elapsed = System.nanoTime() - started;
      } while (elapsed < nanos);
      answers.println(JSON.writeValueAsString(new Measurement(jvm, processors, files.format, files.compression, round,
          rows, elapsed / 1e9, (threads.getCurrentThreadCpuTime() - writerCpu) / 1e9,
          (process.getProcessCpuTime() - processCpu) / 1e9)));
      answers.flush();
    }
  }

  /** A worker JVM, asked through its input and answering on its output; its errors go to ours. */
  private static final class Worker implements AutoCloseable {
    private final Process process;
    private final Writer commands;
    private final BufferedReader answers;

    private Worker(Process process) {
      this.process = process;
      this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static Worker start(String role, List<String> processors) throws IOException {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(processors);
      command.addAll(List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:ParallelGCThreads=1",
          "-cp", System.getProperty("java.class.path"), CompressionRounds.class.getName(), "--worker", role));
      return new Worker(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    Measurement measure(FileFormat format, Compression compression, int millis, int round) throws IOException {
      commands.write(format.name() + " " + compression.name() + " " + millis + " " + round + "\n");
      commands.flush();
      String answer = answers.readLine();
      if (answer == null) {
        throw new IllegalStateException("a compression worker ended early (exit " + exitCode() + "); its errors are above");
      }
      return JSON.readValue(answer, Measurement.class);
    }

    private String exitCode() {
      try {
        return Integer.toString(process.waitFor());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "unknown";
      }
    }

    @Override
    public void close() throws IOException, InterruptedException {
      commands.close(); // the end of its input ends the worker
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
