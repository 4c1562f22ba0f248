package dev.fdbe;

import java.util.Objects;

/**
 * How a run writes its files: format, compression and the part size limit.
 *
 * <p>{@code maxSizeMb} is the {@code max_size_mb} of API.md: 0 means one file, {@code n > 0}
 * splits the output into parts of at most {@code n} MiB of stored bytes each. A negative value can
 * be held so that {@link ExportEngine#create} rejects it with the API's message.
 *
 * @param format the file format
 * @param compression the compression; {@link Compression#NONE} for none
 * @param maxSizeMb the part size limit in MiB, 0 for no limit
 */
public record FileConfig(FileFormat format, Compression compression, long maxSizeMb) {
  /** One MiB, the unit of {@code max_size_mb}. */
  public static final long BYTES_PER_MB = 1024L * 1024L;

  /** API.md's default: Parquet, no compression, one file. */
  public static final FileConfig DEFAULT = new FileConfig(FileFormat.PARQUET, Compression.NONE, 0);

  public FileConfig {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(compression, "compression");
  }

  /** A config with the given format, no compression and no size limit. */
  public static FileConfig of(FileFormat format) {
    return new FileConfig(format, Compression.NONE, 0);
  }

  /** This config with another compression. */
  public FileConfig withCompression(Compression newCompression) {
    return new FileConfig(format, newCompression, maxSizeMb);
  }

  /** This config with another part size limit in MiB (0 for none). */
  public FileConfig withMaxSizeMb(long newMaxSizeMb) {
    return new FileConfig(format, compression, newMaxSizeMb);
  }

  /** The part size limit in bytes, or 0 when the output is one file. */
  public long maxPartBytes() {
    return maxSizeMb <= 0 ? 0 : Math.multiplyExact(maxSizeMb, BYTES_PER_MB);
  }

  /** The file name extension, e.g. {@code jsonl.zst} or {@code parquet}. */
  public String extension() {
    if (compression == Compression.NONE || format.compressesInside()) {
      return format.extension();
    }
    return format.extension() + "." + compression.extension();
  }
}
