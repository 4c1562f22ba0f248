package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.util.List;
import java.util.ServiceLoader;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How many rows a second does fdbe's writer of each format and compression serialize, as the
 * engine drives it? {@value WriterBenchmark#ROWS} events rows (see {@link EventRows}) written
 * through the public {@code RecordWriter} of the format's provider, found with
 * {@link ServiceLoader} as the engine finds it (stage and commit per row, as the engine does), into
 * an output that counts the bytes and drops them. The primary score is rows/s; the secondary score
 * {@code bytes} is the output in bytes/s.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar FormatThroughput -p format=CSV
 * -p compression=ZSTD -p maxSizeMb=50}
 */
public class FormatThroughput extends WriterBenchmark {
  /** The file format. */
  @Param({"PARQUET", "CSV", "JSON_LINES"})
  public FileFormat format;

  /** The compression. */
  @Param({"NONE", "ZSTD", "GZIP", "SNAPPY", "LZ4", "BROTLI"})
  public Compression compression;

  /** The part limit the writer is told ({@code max_size_mb}); 0 means none. */
  @Param("0")
  public long maxSizeMb;

  /** The seed of the rows. */
  @Param("1")
  public long seed;

  private List<Row> rows;
  private FormatProvider provider;
  private WriterContext context;

  /** The bytes written, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Output {
    /** Output bytes; JMH reports them per second. */
    public long bytes;

    @Setup(Level.Iteration)
    public void clear() {
      bytes = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    rows = EventRows.generate(ROWS, seed);
    provider = provider(format);
    context = WriterContext.of(new FileConfig(format, compression, maxSizeMb));
  }

  /** The library's writer for the format, found as the engine finds it. */
  static FormatProvider provider(FileFormat format) {
    for (FormatProvider provider : ServiceLoader.load(FormatProvider.class)) {
      if (provider.format() == format) {
        return provider;
      }
    }
    throw new IllegalStateException("no FormatProvider for " + format + " on the class path");
  }

  /** Writes the rows as one file; returns its size. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long write(Output output) throws IOException {
    Sinks.Counting out = new Sinks.Counting();
    writeAll(provider, out, compression, context, rows);
    output.bytes += out.count;
    return out.count;
  }

  /** The file the benchmark writes, for the limit benchmarks and tests. */
  static byte[] serialize(FileFormat format, Compression compression, List<Row> rows) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    writeAll(provider(format), out, compression, WriterContext.NONE, rows);
    return out.toByteArray();
  }

  /** Stages and commits every row, as the engine does, then finishes the file. */
  private static void writeAll(FormatProvider provider, java.io.OutputStream out, Compression compression,
      WriterContext context, List<Row> rows) throws IOException {
    RecordWriter writer = provider.open(out, EventRows.SCHEMA, compression, context);
    for (Row row : rows) {
      writer.stage(row);
      writer.commit();
    }
    writer.finish();
  }
}
