package dev.fdbe.format.parquet;

import dev.fdbe.Compression;
import java.io.IOException;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * What the benchmarks need from the Parquet writer's internals, so that peers and limits use the
 * very same page codecs and page layout as {@link ParquetFormat} and differ only in what is
 * measured. Lives in the benchmarks module only; the library does not export these.
 */
public final class BenchmarkAccess {
  private BenchmarkAccess() {}

  /** The codec factory the format's writer uses (zstd-jni, snappy-java, lz4-java, brotli4j, zlib). */
  public static CompressionCodecFactory codecs() {
    return new ColumnCodecs();
  }

  /** Parquet's name of the codec the format uses for the compression. */
  public static CompressionCodecName codecName(Compression compression) {
    return ColumnCodec.of(compression).parquetName();
  }

  /** The page size of a file without a part limit. */
  public static int pageSizeBytes() {
    return ParquetLayout.DEFAULT.pageSizeBytes();
  }

  /** The row group size of a file without a part limit. */
  public static long rowGroupBytes() {
    return ParquetLayout.DEFAULT.rowGroupBytes();
  }

  /** The statistics truncation the writer uses. */
  public static int truncateBytes() {
    return StagedRow.TRUNCATE_BYTES;
  }

  /** Compresses pages of raw bytes one by one with the format's page codec, as the writer does. */
  public static final class Pages implements AutoCloseable {
    private final ColumnCodec.PageCodec codec;
    private byte[] page = new byte[0];
    private byte[] output = new byte[0];

    public Pages(Compression compression) {
      this.codec = ColumnCodec.of(compression).newPageCodec();
    }

    /** Compresses {@code bytes} in pages of {@code pageSize}; returns the compressed total. */
    public long compress(byte[] bytes, int pageSize) throws IOException {
      if (page.length != pageSize) {
        page = new byte[pageSize];
        output = new byte[codec.maxCompressedLength(pageSize)];
      }
      long total = 0;
      for (int offset = 0; offset < bytes.length; offset += pageSize) {
        int length = Math.min(pageSize, bytes.length - offset);
        System.arraycopy(bytes, offset, page, 0, length);
        total += codec.compress(page, length, output);
      }
      return total;
    }

    @Override
    public void close() {
      codec.close();
    }
  }
}
