package dev.fdbe.format.parquet;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.fdbe.Compression;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * The column codecs Parquet files are written with, each named as Parquet names it and producing
 * exactly what the Parquet format specification asks of it: UNCOMPRESSED the page as it is, SNAPPY
 * the raw Snappy block format (no framing), GZIP the gzip format
 * of RFC 1952, ZSTD a Zstandard frame, LZ4_RAW the plain LZ4 block format (not Hadoop's framed
 * LZ4), BROTLI a Brotli stream.
 *
 * <p>Each codec also knows a true upper bound of its output size, {@link #maxCompressedSize}, that
 * the size bound of a file in progress relies on. The bounds come from each library's documented
 * worst case (zlib's {@code deflateBound}, {@code ZSTD_COMPRESSBOUND}, {@code LZ4_compressBound},
 * Snappy's {@code MaxCompressedLength}, {@code BrotliEncoderMaxCompressedSize}), rounded up to one
 * linear rule per codec: {@code raw + raw / divisor + perPage} bytes.
 */
enum ColumnCodec {
  UNCOMPRESSED(0, 0),
  SNAPPY(6, 32),
  GZIP(256, 64),
  ZSTD(256, 64),
  LZ4_RAW(255, 17),
  BROTLI(2048, 64);

  /** The zstd level; parquet-java's default. */
  static final int ZSTD_LEVEL = 3;
  /** The brotli quality: a middle ground between speed and size. */
  static final int BROTLI_QUALITY = 5;
  /** The gzip level; zlib's default. */
  static final int GZIP_LEVEL = 6;

  private final long expansionDivisor;
  private final long perPageOverhead;

  ColumnCodec(long expansionDivisor, long perPageOverhead) {
    this.expansionDivisor = expansionDivisor;
    this.perPageOverhead = perPageOverhead;
  }

  /** The codec that implements an export's compression inside Parquet files. */
  static ColumnCodec of(Compression compression) {
    return switch (compression) {
      case NONE -> UNCOMPRESSED;
      case SNAPPY -> SNAPPY;
      case GZIP -> GZIP;
      case ZSTD -> ZSTD;
      case LZ4 -> LZ4_RAW;
      case BROTLI -> BROTLI;
    };
  }

  /**
   * The codec of a Parquet codec name.
   *
   * @throws UnsupportedOperationException naming the codec when it is not one of these (LZO, and
   *     Hadoop's framed LZ4)
   */
  static ColumnCodec of(CompressionCodecName name) {
    for (ColumnCodec codec : values()) {
      if (codec.name().equals(name.name())) {
        return codec;
      }
    }
    throw new UnsupportedOperationException("the Parquet codec " + name + " is not supported");
  }

  /** The codec's name in Parquet files: the constant's own. */
  CompressionCodecName parquetName() {
    return CompressionCodecName.valueOf(name());
  }

  /**
   * A true upper bound of the compressed size of {@code rawBytes} spread over at most
   * {@code pages} pages, each compressed on its own.
   */
  long maxCompressedSize(long rawBytes, long pages) {
    long expansion = expansionDivisor == 0 ? 0 : rawBytes / expansionDivisor + 1;
    return rawBytes + expansion + pages * perPageOverhead;
  }

  /** A new compressor and decompressor of pages in this codec; not thread-safe. */
  PageCodec newPageCodec() {
    return switch (this) {
      case UNCOMPRESSED -> new Identity();
      case SNAPPY -> new SnappyCodec();
      case GZIP -> new GzipCodec();
      case ZSTD -> new ZstdCodec();
      case LZ4_RAW -> new Lz4RawCodec();
      case BROTLI -> new BrotliCodec();
    };
  }

  /**
   * Whether a page is worth handing to a compression thread: every compressed one. Snappy and LZ4
   * pages too, which compress quickly, paid for the hand-over (1.23–1.32 times the rows/s of the
   * Avro peer against 0.98–1.07 times on the writer's thread, {@code ParquetVsPeers} on 2 cores).
   */
  boolean compressesOnThreads() {
    return this != UNCOMPRESSED;
  }

  /** Compresses and decompresses whole pages held in arrays. Not thread-safe. */
  interface PageCodec extends AutoCloseable {
    /** The size the output array of {@link #compress} must have for an input of {@code length} bytes. */
    int maxCompressedLength(int length);

    /** Compresses {@code in[offset, offset + length)} into {@code out}; returns the compressed length. */
    int compress(byte[] in, int offset, int length, byte[] out) throws IOException;

    /**
     * Decompresses {@code in[0, length)} into {@code out[0, outLength)}.
     *
     * @throws IOException when the input is not valid or does not hold {@code outLength} bytes
     */
    void decompress(byte[] in, int length, byte[] out, int outLength) throws IOException;

    /** Frees native resources; idempotent. */
    @Override
    default void close() {}
  }

  private static final class Identity implements PageCodec {
    @Override
    public int maxCompressedLength(int length) {
      return length;
    }

    @Override
    public int compress(byte[] in, int offset, int length, byte[] out) {
      System.arraycopy(in, offset, out, 0, length);
      return length;
    }

    @Override
    public void decompress(byte[] in, int length, byte[] out, int outLength) throws IOException {
      if (length != outLength) {
        throw new IOException("an uncompressed page of " + length + " bytes should hold " + outLength);
      }
      System.arraycopy(in, 0, out, 0, length);
    }
  }

  private static final class SnappyCodec implements PageCodec {
    @Override
    public int maxCompressedLength(int length) {
      return Snappy.maxCompressedLength(length);
    }

    @Override
    public int compress(byte[] in, int offset, int length, byte[] out) throws IOException {
      return Snappy.compress(in, offset, length, out, 0);
    }

    @Override
    public void decompress(byte[] in, int length, byte[] out, int outLength) throws IOException {
      if (Snappy.uncompressedLength(in, 0, length) != outLength) {
        throw new IOException("a snappy page does not hold the " + outLength + " bytes its header says");
      }
      Snappy.uncompress(in, 0, length, out, 0);
    }
  }

  /** RFC 1952 gzip: a 10-byte header, raw deflate data, then the CRC-32 and length of the input. */
  private static final class GzipCodec implements PageCodec {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private final Deflater deflater = new Deflater(GZIP_LEVEL, true);
    private final CRC32 crc = new CRC32();

    @Override
    public int maxCompressedLength(int length) {
      // zlib's deflateBound for default settings is smaller; the slack keeps other zlib builds safe.
      return Math.addExact(length, length / 256 + 64 + HEADER.length + 8);
    }

    @Override
    public int compress(byte[] in, int offset, int length, byte[] out) {
      System.arraycopy(HEADER, 0, out, 0, HEADER.length);
      deflater.reset();
      deflater.setInput(in, offset, length);
      deflater.finish();
      int size = HEADER.length;
      while (!deflater.finished()) {
        int written = deflater.deflate(out, size, out.length - 8 - size);
        if (written == 0 && !deflater.finished()) {
          throw new IllegalStateException("deflate output exceeds its bound for " + length + " bytes");
        }
        size += written;
      }
      crc.reset();
      crc.update(in, offset, length);
      size = writeIntLittleEndian(out, size, (int) crc.getValue());
      return writeIntLittleEndian(out, size, length);
    }

    private static int writeIntLittleEndian(byte[] out, int at, int value) {
      out[at] = (byte) value;
      out[at + 1] = (byte) (value >>> 8);
      out[at + 2] = (byte) (value >>> 16);
      out[at + 3] = (byte) (value >>> 24);
      return at + 4;
    }

    @Override
    public void decompress(byte[] in, int length, byte[] out, int outLength) throws IOException {
      try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(in, 0, length))) {
        int read = gzip.readNBytes(out, 0, outLength);
        if (read != outLength || gzip.read() != -1) {
          throw new IOException("a gzip page does not hold the " + outLength + " bytes its header says");
        }
      }
    }

    @Override
    public void close() {
      deflater.end();
    }
  }

  private static final class ZstdCodec implements PageCodec {
    private ZstdCompressCtx context;

    @Override
    public int maxCompressedLength(int length) {
      return Math.toIntExact(Zstd.compressBound(length));
    }

    @Override
    public int compress(byte[] in, int offset, int length, byte[] out) {
      if (context == null) {
        context = new ZstdCompressCtx().setLevel(ZSTD_LEVEL);
      }
      return context.compressByteArray(out, 0, out.length, in, offset, length);
    }

    @Override
    public void decompress(byte[] in, int length, byte[] out, int outLength) throws IOException {
      long size = Zstd.decompressByteArray(out, 0, outLength, in, 0, length);
      if (Zstd.isError(size)) {
        throw new IOException("a zstd page cannot be decompressed: " + Zstd.getErrorName(size));
      }
      if (size != outLength) {
        throw new IOException("a zstd page holds " + size + " bytes, its header says " + outLength);
      }
    }

    @Override
    public void close() {
      if (context != null) {
        context.close();
        context = null;
      }
    }
  }

  /** The plain LZ4 block format, as LZ4_RAW asks: no Hadoop length prefixes. */
  private static final class Lz4RawCodec implements PageCodec {
    private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
    private final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();

    @Override
    public int maxCompressedLength(int length) {
      return compressor.maxCompressedLength(length);
    }

    @Override
    public int compress(byte[] in, int offset, int length, byte[] out) {
      return compressor.compress(in, offset, length, out, 0, out.length);
    }

    @Override
    public void decompress(byte[] in, int length, byte[] out, int outLength) throws IOException {
      try {
        int size = decompressor.decompress(in, 0, length, out, 0, outLength);
        if (size != outLength) {
          throw new IOException("an LZ4 page holds " + size + " bytes, its header says " + outLength);
        }
      } catch (LZ4Exception e) {
        throw new IOException("an LZ4 page cannot be decompressed: " + e.getMessage(), e);
      }
    }
  }

  private static final class BrotliCodec implements PageCodec {
    private static final Encoder.Parameters PARAMETERS = new Encoder.Parameters().setQuality(BROTLI_QUALITY);

    BrotliCodec() {
      Brotli4jLoader.ensureAvailability();
    }

    @Override
    public int maxCompressedLength(int length) {
      // BrotliEncoderMaxCompressedSize: length + 4 bytes per 16 KiB + 6, with room to spare.
      return Math.addExact(length, length / 2048 + 64);
    }

    @Override
    public int compress(byte[] in, int offset, int length, byte[] out) throws IOException {
      byte[] compressed = Encoder.compress(in, offset, length, PARAMETERS);
      if (compressed.length > out.length) {
        throw new IllegalStateException("brotli output of " + compressed.length + " bytes exceeds its bound for "
            + length + " bytes");
      }
      System.arraycopy(compressed, 0, out, 0, compressed.length);
      return compressed.length;
    }

    @Override
    public void decompress(byte[] in, int length, byte[] out, int outLength) throws IOException {
      byte[] decompressed = Decoder.decompress(in, 0, length);
      if (decompressed.length != outLength) {
        throw new IOException("a brotli page holds " + decompressed.length + " bytes, its header says " + outLength);
      }
      System.arraycopy(decompressed, 0, out, 0, outLength);
    }
  }
}
