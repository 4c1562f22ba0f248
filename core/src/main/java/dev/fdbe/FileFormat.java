package dev.fdbe;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The file format of a run's output. */
public enum FileFormat {
  /** Apache Parquet, with the compression applied inside the file to its pages. */
  PARQUET("Parquet"),
  /** JSON Lines: one JSON object per line, UTF-8. */
  JSON_LINES("JSONLines"),
  /** Comma-separated values with a header row, RFC 4180 quoting, UTF-8. */
  CSV("CSV");

  private final String wireName;

  FileFormat(String wireName) {
    this.wireName = wireName;
  }

  /** The spelling used by the HTTP API, e.g. {@code "JSONLines"}. */
  public String wireName() {
    return wireName;
  }

  /** The file extension without a dot, e.g. {@code "jsonl"}. */
  public String extension() {
    return switch (this) {
      case PARQUET -> "parquet";
      case JSON_LINES -> "jsonl";
      case CSV -> "csv";
    };
  }

  /**
   * Whether the format compresses inside the file (Parquet's column codecs) rather than as a
   * stream around the whole file; such files keep their plain extension whatever the compression.
   */
  public boolean compressesInside() {
    return this == PARQUET;
  }

  /** The format with the given wire name, if any; the match is exact. */
  public static Optional<FileFormat> fromWireName(String wireName) {
    for (FileFormat format : values()) {
      if (format.wireName.equals(wireName)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  /** The wire names of all formats, for error messages. */
  public static List<String> wireNames() {
    return Arrays.stream(values()).map(FileFormat::wireName).collect(Collectors.toUnmodifiableList());
  }

  @Override
  public String toString() {
    return wireName;
  }
}
