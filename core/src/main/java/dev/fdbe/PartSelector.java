package dev.fdbe;

import java.util.Objects;

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
}
