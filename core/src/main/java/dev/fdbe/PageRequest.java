package dev.fdbe;

/**
 * Which page of runs to list. The limit is capped at {@link #MAX_LIMIT}, as a paginated REST API
 * caps it; negative values are refused.
 *
 * @param limit the most runs to return, 1 to {@link #MAX_LIMIT}
 * @param offset how many of the newest runs to skip
 */
public record PageRequest(int limit, long offset) {
  /** The limit when none is given. */
  public static final int DEFAULT_LIMIT = 100;
  /** The largest limit; larger requests are capped to it. */
  public static final int MAX_LIMIT = 1000;
  /** The first page with the default limit. */
  public static final PageRequest FIRST = new PageRequest(DEFAULT_LIMIT, 0);

  public PageRequest {
    if (limit < 0) {
      throw new InvalidRequestException("limit", "'limit' must be a non-negative integer, got " + limit);
    }
    if (offset < 0) {
      throw new InvalidRequestException("offset", "'offset' must be a non-negative integer, got " + offset);
    }
    limit = Math.min(limit, MAX_LIMIT);
  }

  /** A page of {@code limit} runs after skipping {@code offset}. */
  public static PageRequest of(int limit, long offset) {
    return new PageRequest(limit, offset);
  }
}
