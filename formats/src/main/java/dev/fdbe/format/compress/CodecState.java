package dev.fdbe.format.compress;

import com.github.luben.zstd.ZstdCompressCtx;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * The native compressors one thread reuses from block to block: a raw deflater for gzip and a zstd
 * context. A compression thread of {@link dev.fdbe.format.internal.CompressionPool} holds one for its
 * whole life and closes it when it ends, so an idle pool holds no native memory; a block compressed
 * by the writer's own thread gets a state of its own, closed after that block. Each is created on first use, so a
 * thread that only compresses gzip never allocates a zstd context. Not thread-safe.
 */
final class CodecState implements AutoCloseable {
  /** The zlib level of gzip, as {@code GZIPOutputStream}'s default. */
  static final int GZIP_LEVEL = 6;

  private @Nullable Deflater deflater;
  private @Nullable ZstdCompressCtx zstd;

  /** A raw (headerless) deflater at {@link #GZIP_LEVEL}, reset. */
  Deflater deflater() {
    if (deflater == null) {
      deflater = new Deflater(GZIP_LEVEL, true);
    } else {
      deflater.reset();
    }
    return deflater;
  }

  /** A zstd context at {@link StreamCodec#ZSTD_LEVEL} writing content checksums. */
  ZstdCompressCtx zstd() {
    if (zstd == null) {
      zstd = new ZstdCompressCtx().setLevel(StreamCodec.ZSTD_LEVEL).setChecksum(true);
    }
    return zstd;
  }

  /** Frees the native memory; idempotent. */
  @Override
  public void close() {
    if (deflater != null) {
      deflater.end();
      deflater = null;
    }
    if (zstd != null) {
      zstd.close();
      zstd = null;
    }
  }
}
