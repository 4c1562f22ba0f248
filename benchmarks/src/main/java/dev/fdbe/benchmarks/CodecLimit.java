package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.format.compress.StreamCodec;
import dev.fdbe.format.parquet.BenchmarkAccess;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the codec alone allows: the uncompressed file the format writes for {@link FormatThroughput}'s
 * rows, serialized once, then only compressed (text formats: the library's stream codec in 64 KiB
 * writes; Parquet: the format's page codec over 16 KiB pages, as its writer compresses pages), or
 * only copied ({@code compression=NONE}: the bytes written to a sink in 64 KiB writes). No writer
 * can beat this; the report shows each writer's rows/s next to it. Scores are rows/s (the buffer
 * holds {@value FormatThroughput#ROWS} rows).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CodecLimit {
  private static final int WRITE = 64 * 1024;

  /** The file format whose uncompressed bytes are compressed. */
  @Param({"PARQUET", "CSV", "JSON_LINES"})
  public FileFormat format;

  /** The compression; {@code NONE} measures the copy alone. */
  @Param({"NONE", "ZSTD", "GZIP", "SNAPPY", "LZ4", "BROTLI"})
  public Compression compression;

  private byte[] bytes;
  private BenchmarkAccess.Pages pages;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    bytes = FormatThroughput.serialize(format, Compression.NONE, EventRows.generate(FormatThroughput.ROWS, 1));
    pages = new BenchmarkAccess.Pages(compression);
  }

  /** Compresses (or copies) the serialized rows; returns the output size. */
  @Benchmark
  @OperationsPerInvocation(FormatThroughput.ROWS)
  public long compress() throws IOException {
    if (format == FileFormat.PARQUET && compression != Compression.NONE) {
      return pages.compress(bytes, BenchmarkAccess.pageSizeBytes());
    }
    Sinks.Counting sink = new Sinks.Counting();
    byte[] chunk = new byte[WRITE];
    try (OutputStream out = compression == Compression.NONE ? sink : StreamCodec.of(compression).compress(sink)) {
      for (int offset = 0; offset < bytes.length; offset += WRITE) {
        int length = Math.min(WRITE, bytes.length - offset);
        System.arraycopy(bytes, offset, chunk, 0, length);
        out.write(chunk, 0, length);
      }
    }
    return sink.count;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pages.close();
  }
}
