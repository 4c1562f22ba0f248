package dev.fdbe;

import java.util.List;
import java.util.Objects;

/**
 * One page of a longer list.
 *
 * @param count the number of items in the whole list
 * @param offset the position of the first item of this page in the whole list
 * @param limit the most items a page holds
 * @param items the items of this page
 * @param <T> the item type
 */
public record Page<T>(long count, long offset, int limit, List<T> items) {
  /**
   * Checks the components and copies {@code items} (later changes to the given collection do not show).
   *
   * @throws NullPointerException naming the component when {@code items} is null
   * @throws IllegalArgumentException naming the value when a component is out of its range
   */
  public Page {
    items = List.copyOf(Objects.requireNonNull(items, "items"));
    if (count < 0 || offset < 0 || limit < 0) {
      throw new IllegalArgumentException(
          "page count, offset and limit must not be negative: " + count + ", " + offset + ", " + limit);
    }
  }

  /** Whether a page of items follows this one; never with a limit of 0, whose pages hold nothing. */
  public boolean hasNext() {
    return offset + items.size() < count && limit > 0;
  }

  /** Whether a page of items precedes this one; never with a limit of 0, whose pages hold nothing. */
  public boolean hasPrevious() {
    return offset > 0 && count > 0 && limit > 0;
  }
}
