package dev.fdbe;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which file of a completed run to download: the first by key, the one at a 0-based index in key
 * order, or the one with a given id.
 */
public sealed interface PartSelector {
  /** The first file by key. */
  PartSelector FIRST = new First();

  /** The first file by key. */
  record First() implements PartSelector {}

  /**
   * The file at a 0-based index into the run's files ordered by key.
   *
   * @param index the index; any value, an out-of-range one is "not found"
   */
  record ByIndex(long index) implements PartSelector {}

  /**
   * The file with the given id.
   *
   * @param id the file download id
   */
  record ById(FileId id) implements PartSelector {
    public ById {
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * The selector written as the {@code part} of a download URL: absent or empty means the first
   * file, a canonical UUID selects by id and an integer selects by index.
   *
   * @throws InvalidRequestException {@code Invalid file id or index: '<part>'} for anything else
   * @throws PartNotFoundException {@code No files with index <n>} for an integer too large for any run
   */
  static PartSelector parse(@Nullable String part) {
    if (part == null || part.isEmpty()) {
      return FIRST;
    }
    var id = FileId.tryParse(part);
    if (id.isPresent()) {
      return new ById(id.get());
    }
    if (Holder.INTEGER.matcher(part).matches()) {
      try {
        return new ByIndex(Long.parseLong(part));
      } catch (NumberFormatException e) {
        throw new PartNotFoundException("No files with index " + part);
      }
    }
    throw new InvalidRequestException("part", "Invalid file id or index: '" + part + "'");
  }

  /** Holds the pattern out of the interface's public constants. */
  final class Holder {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

    private Holder() {}
  }
}
