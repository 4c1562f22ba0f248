package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How much faster does a text writer write gzip and zstd when the blocks compress on fdbe's shared
 * compression threads than when the writer's thread compresses them itself? The same writer, rows
 * and file, measured in two JVMs side by side: {@link #pool} in a JVM that sees every processor
 * (one compression thread per processor), {@link #writerThread} in one started with
 * {@code -XX:ActiveProcessorCount=1}, where fdbe has no pool and compresses on the writer's thread
 * with the codec's own stream, as before the pool existed. The speedup is {@code pool} over
 * {@code writerThread} for the same format and compression. {@code compression=NONE} is the
 * control: it compresses nothing, so any difference there is the JVM's own, not compression's. Both
 * JVMs run G1 with one parallel GC thread (the one-processor JVM's default; the other would take
 * two) and the same two JIT compiler threads, so that only the processors fdbe sees differ.
 *
 * <p>Each invocation writes one file of {@value #FILE_ROWS} events rows (the
 * {@value WriterBenchmark#ROWS} rows of {@link EventRows}, {@value #REPEAT} times; 35–38 MB of
 * text) with no size limit, as a long export writes its file: the pipeline's fill and drain at the
 * file's start and end are a small part of it. The score is rows/s.
 *
 * <p>Secondary results, {@link Cpu}: the CPU time of the writer's thread ({@code writerCpuMicros})
 * and of the whole JVM ({@code processCpuMicros}) over {@code rows} rows. They depend much less on
 * how busy the machine is than rows/s, so they tell roughly what a quiet machine would show: with
 * {@code c} free cores, {@code pool} writes at most {@code rows / max(writerCpuMicros,
 * processCpuMicros / c)} rows per µs.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CompressionThreads} (about 4 minutes);
 * on a busy machine the pool has fewer idle cores to use, so compare the two methods of one run.
 * Do not pass {@code -jvmArgsPrepend}, which would replace the processor count.
 */
public class CompressionThreads extends WriterBenchmark {
  /** Times the rows are written into each file. */
  static final int REPEAT = 4;
  /** Rows per file. */
  static final int FILE_ROWS = ROWS * REPEAT;

  /** The text format. */
  @Param({"CSV", "JSON_LINES"})
  public FileFormat format;

  /** The compression; {@code NONE} is the control. */
  @Param({"ZSTD", "GZIP", "NONE"})
  public Compression compression;

  private List<Row> rows;
  private FormatProvider provider;
  private WriterContext context;

  @Setup(Level.Trial)
  public void setUp() {
    rows = EventRows.generate(ROWS, 1);
    provider = FormatThroughput.provider(format);
    context = WriterContext.of(new FileConfig(format, compression, 0));
  }

  /**
   * CPU time, reported by JMH next to rows/s as totals over the measurement iterations (JMH sums
   * event counters across iterations): divide each by {@code rows} for CPU µs per row.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean PROCESS =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU µs of the thread that serializes (and, without the pool, compresses). */
    public double writerCpuMicros;
    /** CPU µs of the whole JVM: the writer, the compression threads, GC and JIT. */
    public double processCpuMicros;
    /** Rows written. */
    public long rows;

    private long writerStart;
    private long processStart;

    @Setup(Level.Iteration)
    public void start() {
      rows = 0;
      writerCpuMicros = 0;
      processCpuMicros = 0;
      writerStart = THREADS.getCurrentThreadCpuTime();
      processStart = PROCESS.getProcessCpuTime();
    }

    void wrote(long count) {
      rows += count;
      writerCpuMicros = (THREADS.getCurrentThreadCpuTime() - writerStart) / 1e3;
      processCpuMicros = (PROCESS.getProcessCpuTime() - processStart) / 1e3;
    }
  }

  /** Writes the file with compression on the shared pool (one thread per processor). */
  @Benchmark
  @OperationsPerInvocation(FILE_ROWS)
  @Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:ParallelGCThreads=1"})
  public long pool(Cpu cpu) throws IOException {
    long size = writeFile(new Sinks.Counting());
    cpu.wrote(FILE_ROWS);
    return size;
  }

  /** Writes the file with compression on the writer's thread: a JVM that sees one processor. */
  @Benchmark
  @OperationsPerInvocation(FILE_ROWS)
  @Fork(value = 1, jvmArgsPrepend = "-XX:ActiveProcessorCount=1", jvmArgsAppend = {"-Xms1g", "-Xmx1g",
      "-XX:+UseG1GC", "-XX:ParallelGCThreads=1"})
  public long writerThread(Cpu cpu) throws IOException {
    long size = writeFile(new Sinks.Counting());
    cpu.wrote(FILE_ROWS);
    return size;
  }

  /** Stages and commits the rows {@value #REPEAT} times into one file; returns its size. */
  long writeFile(Sinks.Counting out) throws IOException {
    RecordWriter writer = provider.open(out, EventRows.SCHEMA, compression, context);
    for (int i = 0; i < REPEAT; i++) {
      for (Row row : rows) {
        writer.stage(row);
        writer.commit();
      }
    }
    writer.finish();
    return out.count;
  }
}
