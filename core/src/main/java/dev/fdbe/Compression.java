package dev.fdbe;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The compression of a run's output. {@link #NONE} is {@code null} on the wire. Parquet applies the
 * codec to its columns ({@link #LZ4} meaning Parquet's LZ4_RAW); JSONLines and CSV compress the whole
 * file as one standard stream and add {@link #extension()} to the file name.
 */
public enum Compression {
  /** Uncompressed. */
  NONE(null, null),
  /** Zstandard. */
  ZSTD("zstd", "zst"),
  /** gzip (DEFLATE). */
  GZIP("gzip", "gz"),
  /** Brotli. */
  BROTLI("brotli", "br"),
  /** LZ4 frames. */
  LZ4("lz4", "lz4"),
  /** Snappy (framed for JSON Lines and CSV). */
  SNAPPY("snappy", "sz");

  private final @Nullable String wireName;
  private final @Nullable String extension;

  Compression(@Nullable String wireName, @Nullable String extension) {
    this.wireName = wireName;
    this.extension = extension;
  }

  /** The spelling used by the HTTP API, e.g. {@code "zstd"}; {@code null} for {@link #NONE}. */
  public @Nullable String wireName() {
    return wireName;
  }

  /** The extension a compressed stream adds to the file name, e.g. {@code "zst"}; null for NONE. */
  public @Nullable String extension() {
    return extension;
  }

  /** The compression with the given wire name; {@code null} means {@link #NONE}. */
  public static Optional<Compression> fromWireName(@Nullable String wireName) {
    if (wireName == null) {
      return Optional.of(NONE);
    }
    for (Compression compression : values()) {
      if (wireName.equals(compression.wireName)) {
        return Optional.of(compression);
      }
    }
    return Optional.empty();
  }

  /** The wire names of all compressions except NONE (which is null), for error messages. */
  public static List<String> wireNames() {
    return Arrays.stream(values())
        .filter(c -> c != NONE)
        .map(Compression::wireName)
        .collect(Collectors.toUnmodifiableList());
  }

  @Override
  public String toString() {
    return wireName == null ? "none" : wireName;
  }
}
