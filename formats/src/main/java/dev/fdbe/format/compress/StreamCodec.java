package dev.fdbe.format.compress;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.fdbe.Compression;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * The stream compressions of CSV and JSON Lines files: each writes the standard stream its
 * command-line tool decompresses ({@code gzip -d}, {@code zstd -d}, {@code brotli -d},
 * {@code lz4 -d}, and the Snappy framing format of {@code snzip}/python-snappy).
 *
 * <p>Compressors: the JDK's zlib (gzip, level 6), zstd-jni (level 3, with a content checksum),
 * brotli4j (quality 5), lz4-java's frame format (64 KiB blocks, content checksum) and snappy-java's
 * framed stream; the native-backed ones because they are several times faster than pure-Java
 * framing (see the codec figures in docs/library.md). Decompressors for reading back: commons-compress for
 * gzip (concatenated members), zstd, framed LZ4 and framed Snappy, brotli4j for brotli.
 *
 * <p>Each compressor, on {@code flush()}, emits everything written so far as complete blocks; the
 * size bounds below then hold for what was written since the last flush. They follow each
 * format's worst case for incompressible input (stored blocks) plus its framing.
 */
public enum StreamCodec {
  NONE(Compression.NONE),
  GZIP(Compression.GZIP),
  ZSTD(Compression.ZSTD),
  BROTLI(Compression.BROTLI),
  LZ4(Compression.LZ4),
  SNAPPY(Compression.SNAPPY);

  /** Brotli quality (0-11): 5 keeps close to gzip's speed with a better ratio. */
  static final int BROTLI_QUALITY = 5;
  /** zstd level: the library's default. */
  static final int ZSTD_LEVEL = 3;

  private static final int LZ4_BLOCK = 64 * 1024;
  private static final int SNAPPY_BLOCK = 64 * 1024;

  private final Compression compression;

  StreamCodec(Compression compression) {
    this.compression = compression;
  }

  /** The codec of a compression. */
  public static StreamCodec of(Compression compression) {
    for (StreamCodec codec : values()) {
      if (codec.compression == compression) {
        return codec;
      }
    }
    throw new IllegalArgumentException("no stream codec for " + compression);
  }

  /** The compression this codec writes. */
  public Compression compression() {
    return compression;
  }

  /**
   * A compressing stream onto {@code out}, compressing on the calling thread. Closing it ends the
   * compressed stream (trailer, checksum) but leaves {@code out} open; {@code flush()} emits
   * everything written so far. ({@link CompressedOutput} uses it for the codecs it does not
   * compress in blocks on other threads.)
   */
  public OutputStream compress(OutputStream out) throws IOException {
    OutputStream target = new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush(); // the caller owns out
      }
    };
    return switch (this) {
      case NONE -> target;
      case GZIP -> new GZIPOutputStream(target, 64 * 1024, true);
      case ZSTD -> new ZstdOutputStreamNoFinalizer(target, ZSTD_LEVEL).setChecksum(true);
      case BROTLI -> {
        Brotli4jLoader.ensureAvailability();
        yield new BrotliOutputStream(target, new Encoder.Parameters().setQuality(BROTLI_QUALITY));
      }
      case LZ4 -> new LZ4FrameOutputStream(target, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
          LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
      case SNAPPY -> new SnappyFramedOutputStream(target);
    };
  }

  /** A decompressing stream over {@code in}; closing it closes {@code in}. */
  public InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GzipCompressorInputStream(in, true);
      case ZSTD -> new ZstdCompressorInputStream(in);
      case BROTLI -> {
        Brotli4jLoader.ensureAvailability();
        yield new BrotliInputStream(in);
      }
      case LZ4 -> new FramedLZ4CompressorInputStream(in, true);
      case SNAPPY -> new FramedSnappyCompressorInputStream(in);
    };
  }

  /**
   * The most bytes a flush can emit for {@code n} bytes written since the previous flush (block
   * headers included, frame header and trailer not).
   */
  public long maxCompressedSize(long n) {
    return switch (this) {
      case NONE -> n;
      // zlib's deflateBound, plus the empty stored block (5 bytes) a sync flush ends with.
      case GZIP -> n + (n >> 12) + (n >> 14) + (n >> 25) + 13 + 5;
      // ZSTD_COMPRESSBOUND, plus a 3-byte block header for the flush.
      case ZSTD -> n + (n >> 8) + (n < 128 * 1024 ? (128 * 1024 - n) >> 11 : 0) + 3;
      // BrotliEncoderMaxCompressedSize, plus the empty meta-block a flush may add.
      case BROTLI -> n + 2 + 4 * (n >> 14) + 3 + 1 + 8;
      // Blocks of at most 64 KiB stored raw at worst, each with a 4-byte size.
      case LZ4 -> n + 4 * (n / LZ4_BLOCK + 1);
      // Chunks of at most 64 KiB stored raw at worst, each with a 4-byte header and 4-byte CRC.
      case SNAPPY -> n + 8 * (n / SNAPPY_BLOCK + 1);
    };
  }

  /**
   * The most bytes the stream can still emit beyond its blocks when it ends: a frame header not yet
   * written, the last block marker, the trailer and checksum.
   */
  public int maxEndBytes() {
    return switch (this) {
      case NONE -> 0;
      case GZIP -> 10 + 5 + 8; // header (written at once anyway), final empty block, CRC32 and size
      case ZSTD -> 18 + 3 + 4; // frame header, last empty block, checksum
      case BROTLI -> 16; // stream header and the last empty meta-block
      case LZ4 -> 15 + 4 + 4; // frame header, end mark, content checksum
      case SNAPPY -> 10 + 8; // stream identifier, and an empty chunk's framing
    };
  }
}
