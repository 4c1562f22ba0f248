package dev.fdbe.format.compress;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * How one file of a codec that compresses in parallel is cut into blocks that compress
 * independently, and framed so that the result is one standard stream. One instance per file: it
 * holds what the framing needs across blocks. Only gzip and zstd have one; see
 * {@code docs/compression.md} for why the others do not.
 *
 * <ul>
 *   <li>gzip, as pigz does it: one gzip member whose deflate stream is cut at block boundaries.
 *       Each block is raw deflate ({@link CodecState#GZIP_LEVEL}) primed with the 32 KiB that
 *       precede it as a preset dictionary (so the ratio is that of one stream), ended with a sync
 *       flush (an empty stored block, which byte-aligns it), the last with the final bit. The CRC-32
 *       and length of the trailer are computed in order on the writer's thread.
 *   <li>zstd: each block is a complete zstd frame (level {@link StreamCodec#ZSTD_LEVEL}, content
 *       size and checksum). Concatenated frames are one valid stream for {@code zstd -d} and every
 *       libzstd decoder.
 * </ul>
 *
 * <p>Thread-safety: {@link #prepare}, {@link #header} and {@link #trailer} run on the writer's
 * thread in file order; {@link #compress} runs on any thread and touches only its block.
 */
abstract class BlockCodec {
  /** The bytes of history deflate can refer to. */
  static final int HISTORY_BYTES = 32 * 1024;

  /** A fresh instance for one file, or empty when the codec does not compress in blocks. */
  static Optional<BlockCodec> of(StreamCodec codec) {
    return switch (codec) {
      case GZIP -> Optional.of(new Gzip());
      case ZSTD -> Optional.of(new ZstdFrames());
      default -> Optional.empty();
    };
  }

  /** The codec whose stream this writes. */
  abstract StreamCodec codec();

  /** The bytes that open the file. */
  byte[] header() {
    return new byte[0];
  }

  /** The most bytes a block of {@code n} bytes compresses to, whether it is the last or not. */
  abstract long blockBound(long n);

  /** The most bytes {@link #trailer()} returns. */
  abstract int endBound();

  /** Takes note of the block, in file order, before it is compressed. */
  void prepare(Block block) {}

  /** Compresses the block's input into its output; on any thread. */
  abstract void compress(Block block, CodecState state) throws IOException;

  /** The bytes that end the file, after the last block. */
  byte[] trailer() {
    return new byte[0];
  }

  /** One gzip member, its deflate stream cut at block boundaries. */
  static final class Gzip extends BlockCodec {
    private final CRC32 crc = new CRC32();
    private final byte[] history = new byte[HISTORY_BYTES];
    private int historyLength;
    private long size;

    @Override
    StreamCodec codec() {
      return StreamCodec.GZIP;
    }

    @Override
    byte[] header() {
      // RFC 1952: magic, deflate, no flags, no mtime, no extra flags, OS unknown.
      return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    }

    @Override
    long blockBound(long n) {
      return StreamCodec.GZIP.maxCompressedSize(n);
    }

    @Override
    int endBound() {
      return 8;
    }

    @Override
    void prepare(Block block) {
      if (block.history == null) {
        block.history = new byte[HISTORY_BYTES];
      }
      System.arraycopy(history, 0, block.history, 0, historyLength);
      block.historyLength = historyLength;
      crc.update(block.input, 0, block.length);
      size += block.length;
      if (block.length >= HISTORY_BYTES) {
        System.arraycopy(block.input, block.length - HISTORY_BYTES, history, 0, HISTORY_BYTES);
        historyLength = HISTORY_BYTES;
      } else {
        int keep = Math.min(historyLength, HISTORY_BYTES - block.length);
        System.arraycopy(history, historyLength - keep, history, 0, keep);
        System.arraycopy(block.input, 0, history, keep, block.length);
        historyLength = keep + block.length;
      }
    }

    @Override
    void compress(Block block, CodecState state) {
      Deflater deflater = state.deflater();
      if (block.historyLength > 0) {
        deflater.setDictionary(block.history, 0, block.historyLength);
      }
      deflater.setInput(block.input, 0, block.length);
      int n = 0;
      if (block.last) {
        deflater.finish();
        while (!deflater.finished()) {
          n = grownIfFull(block, n);
          n += deflater.deflate(block.output, n, block.output.length - n);
        }
      } else {
        // A sync flush is complete once deflate leaves room in the output.
        while (true) {
          n = grownIfFull(block, n);
          int room = block.output.length - n;
          int written = deflater.deflate(block.output, n, room, Deflater.SYNC_FLUSH);
          n += written;
          if (written < room) {
            break;
          }
        }
      }
      block.outputLength = n;
    }

    @Override
    byte[] trailer() {
      long value = crc.getValue();
      return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24),
          (byte) size, (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)};
    }

    /** The output grows only if zlib's bound were exceeded, which it is not meant to be. */
    private static int grownIfFull(Block block, int n) {
      if (n == block.output.length) {
        block.output = Arrays.copyOf(block.output, block.output.length * 2 + 64);
      }
      return n;
    }
  }

  /** One zstd frame per block. */
  static final class ZstdFrames extends BlockCodec {
    @Override
    StreamCodec codec() {
      return StreamCodec.ZSTD;
    }

    @Override
    long blockBound(long n) {
      return StreamCodec.ZSTD.maxCompressedSize(n) + StreamCodec.ZSTD.maxEndBytes();
    }

    @Override
    int endBound() {
      return 0;
    }

    @Override
    void compress(Block block, CodecState state) {
      if (block.length == 0 && block.index > 0) {
        block.outputLength = 0; // an empty last block adds no frame; an empty file is one empty frame
        return;
      }
      int bound = (int) Zstd.compressBound(block.length);
      if (block.output.length < bound) {
        block.output = new byte[bound];
      }
      block.outputLength = state.zstd().compressByteArray(block.output, 0, block.output.length, block.input, 0,
          block.length);
    }
  }
}
