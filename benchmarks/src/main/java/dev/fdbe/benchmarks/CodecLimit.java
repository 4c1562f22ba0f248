package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.format.compress.StreamCodec;
import dev.fdbe.format.parquet.ParquetFormat;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How fast could a writer be if serializing cost nothing, and only the codec worked? The
 * uncompressed file the format writes for {@link FormatThroughput}'s rows, serialized once in
 * setup, then only compressed (text formats: fdbe's public {@link StreamCodec} in 64 KiB writes;
 * Parquet: fdbe's page codec, taken from the public {@link ParquetFormat#codecFactory()}, over pages
 * of {@value AvroParquet#PAGE_BYTES} bytes, the page size of the peer and of fdbe's writer without a
 * part limit), or only copied ({@code compression=NONE}: the bytes written to a sink in 64 KiB
 * writes). No writer can beat this; the report shows each writer's rows/s next to it. Scores are
 * rows/s (the buffer holds {@value WriterBenchmark#ROWS} rows).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CodecLimit -p format=PARQUET -p compression=ZSTD}
 */
public class CodecLimit extends WriterBenchmark {
  private static final int WRITE = 64 * 1024;

  /** The file format whose uncompressed bytes are compressed. */
  @Param({"PARQUET", "CSV", "JSON_LINES"})
  public FileFormat format;

  /** The compression; {@code NONE} measures the copy alone. */
  @Param({"NONE", "ZSTD", "GZIP", "SNAPPY", "LZ4", "BROTLI"})
  public Compression compression;

  private byte[] bytes;
  private CompressionCodecFactory codecs;
  private CompressionCodecFactory.BytesInputCompressor pages;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    bytes = FormatThroughput.serialize(format, Compression.NONE, EventRows.generate(ROWS, 1));
    codecs = ParquetFormat.codecFactory();
    pages = codecs.getCompressor(ParquetFormat.codecName(compression));
  }

  /** Compresses (or copies) the serialized rows; returns the output size. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long compress() throws IOException {
    if (format == FileFormat.PARQUET && compression != Compression.NONE) {
      return compressPages();
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

  /** Compresses the bytes page by page, as the Parquet writer hands its pages to the codec. */
  private long compressPages() throws IOException {
    long total = 0;
    for (int offset = 0; offset < bytes.length; offset += AvroParquet.PAGE_BYTES) {
      int length = Math.min(AvroParquet.PAGE_BYTES, bytes.length - offset);
      total += pages.compress(BytesInput.from(bytes, offset, length)).size();
    }
    return total;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    codecs.release();
  }
}
