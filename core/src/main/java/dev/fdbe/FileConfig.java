package dev.fdbe;

import java.util.Objects;

/**
 * How a run writes its files: format, compression and the part size limit.
 *
 * <p>{@code maxSizeMb} is the {@code max_size_mb} of the HTTP API: 0 means one file, {@code n > 0}
 * splits the output into parts of at most {@code n} MiB of stored bytes each, up to
 * {@link #MAX_SIZE_MB}. The constructor checks it once, and the limit in bytes is derived from it in
 * one place, {@link #maxPartBytes()}; the engine and the writers trust both.
 *
 * @param format the file format
 * @param compression the compression; {@link Compression#NONE} for none
 * @param maxSizeMb the part size limit in MiB, 0 for no limit
 */
public record FileConfig(FileFormat format, Compression compression, long maxSizeMb) {
  /** One MiB, the unit of {@code max_size_mb}. */
  public static final long BYTES_PER_MB = 1024L * 1024L;

  /** The largest {@code maxSizeMb}: 1 TiB. */
  public static final long MAX_SIZE_MB = 1024L * 1024L;

  /** The HTTP API's default: Parquet, no compression, one file. */
  public static final FileConfig DEFAULT = new FileConfig(FileFormat.PARQUET, Compression.NONE, 0);

  /**
   * @throws InvalidRequestException naming {@code file} with the API's message when {@code maxSizeMb}
   *     is negative or above {@link #MAX_SIZE_MB}
   */
  public FileConfig {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(compression, "compression");
    if (maxSizeMb < 0) {
      throw new InvalidRequestException("file",
          "'max_size_mb' must be null, 0 or a positive number of MiB, got " + maxSizeMb);
    }
    if (maxSizeMb > MAX_SIZE_MB) {
      throw new InvalidRequestException("file",
          "'max_size_mb' must be at most " + MAX_SIZE_MB + " (1 TiB), got " + maxSizeMb);
    }
  }

  /** A config with the given format, no compression and no size limit. */
  public static FileConfig of(FileFormat format) {
    return new FileConfig(format, Compression.NONE, 0);
  }

  /** This config with another compression. */
  public FileConfig withCompression(Compression newCompression) {
    return new FileConfig(format, newCompression, maxSizeMb);
  }

  /**
   * This config with another part size limit in MiB (0 for none).
   *
   * @throws InvalidRequestException as the constructor
   */
  public FileConfig withMaxSizeMb(long newMaxSizeMb) {
    return new FileConfig(format, compression, newMaxSizeMb);
  }

  /** The part size limit in stored bytes ({@code maxSizeMb} MiB), or 0 when the output is one file. */
  public long maxPartBytes() {
    return maxSizeMb * BYTES_PER_MB;
  }

  /** The file name extension, e.g. {@code jsonl.zst} or {@code parquet}. */
  public String extension() {
    if (compression == Compression.NONE || format.compressesInside()) {
      return format.extension();
    }
    return format.extension() + "." + compression.extension();
  }
}
