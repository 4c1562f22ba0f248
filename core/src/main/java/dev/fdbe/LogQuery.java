package dev.fdbe;

import com.google.errorprone.annotations.CheckReturnValue;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which log entries of a run to return, newest first: at most {@code limit} entries strictly after
 * {@code after} and strictly before {@code before}, at one of {@code levels} (all when empty), whose
 * message contains {@code search} ignoring case, written by attempt {@code instanceId}.
 *
 * @param limit 1 to {@link #MAX_LIMIT}
 * @param after only entries after this instant (exclusive), or null
 * @param before only entries before this instant (exclusive), or null
 * @param levels only entries at these levels; empty means every level
 * @param search only entries whose message contains this text ignoring case, or null
 * @param instanceId only entries of this attempt, or null
 */
public record LogQuery(
    int limit,
    @Nullable Instant after,
    @Nullable Instant before,
    Set<LogLevel> levels,
    @Nullable String search,
    @Nullable AttemptId instanceId) {

  /** The limit when none is given. */
  public static final int DEFAULT_LIMIT = 50;
  /** The largest limit accepted. */
  public static final int MAX_LIMIT = 500;
  /** The newest {@link #DEFAULT_LIMIT} entries at every level. */
  public static final LogQuery NEWEST = builder().build();

  /**
   * Checks the components.
   *
   * @throws InvalidRequestException naming the field when a value breaks its rule
   */
  public LogQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidRequestException("limit",
          "'limit' must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    levels = levels.isEmpty() ? Set.of() : Set.copyOf(levels);
  }

  /** A builder with the defaults: limit 50, no filters. */
  @CheckReturnValue
  public static Builder builder() {
    return new Builder();
  }

  /** Whether an entry passes every filter of this query. */
  public boolean matches(RunLogEntry entry) {
    if (after != null && !entry.timestamp().isAfter(after)) {
      return false;
    }
    if (before != null && !entry.timestamp().isBefore(before)) {
      return false;
    }
    if (!levels.isEmpty() && !levels.contains(entry.level())) {
      return false;
    }
    if (instanceId != null && !instanceId.equals(entry.instanceId())) {
      return false;
    }
    return search == null || containsIgnoreCase(entry.message(), search);
  }

  private static boolean containsIgnoreCase(String text, String part) {
    int length = part.length();
    for (int i = 0; i + length <= text.length(); i++) {
      if (text.regionMatches(true, i, part, 0, length)) {
        return true;
      }
    }
    return false;
  }

  /** Builds a {@link LogQuery}; setters reject bad values at once. */
  public static final class Builder {
    private int limit = DEFAULT_LIMIT;
    private @Nullable Instant after;
    private @Nullable Instant before;
    private final Set<LogLevel> levels = EnumSet.noneOf(LogLevel.class);
    private @Nullable String search;
    private @Nullable AttemptId instanceId;

    private Builder() {}

    /** At most this many entries, 1 to 500; default 50. */
    public Builder limit(int value) {
      if (value < 1 || value > MAX_LIMIT) {
        throw new InvalidRequestException("limit",
            "'limit' must be between 1 and " + MAX_LIMIT + ", got " + value);
      }
      limit = value;
      return this;
    }

    /** Only entries strictly after this instant. */
    public Builder after(Instant value) {
      after = Objects.requireNonNull(value, "after");
      return this;
    }

    /** Only entries strictly before this instant. */
    public Builder before(Instant value) {
      before = Objects.requireNonNull(value, "before");
      return this;
    }

    /** Only entries at these levels (added to any given before). */
    public Builder levels(Collection<LogLevel> values) {
      for (LogLevel level : values) {
        levels.add(Objects.requireNonNull(level, "level"));
      }
      return this;
    }

    /**
     * Only entries whose message contains this text, ignoring case. Empty text filters nothing; any
     * other, spaces included, is searched for as it is.
     */
    public Builder search(String value) {
      Objects.requireNonNull(value, "search");
      search = value.isEmpty() ? null : value;
      return this;
    }

    /** Only entries written by this attempt. */
    public Builder instanceId(AttemptId value) {
      instanceId = Objects.requireNonNull(value, "instanceId");
      return this;
    }

    /** The query. */
    @CheckReturnValue
    public LogQuery build() {
      return new LogQuery(limit, after, before, levels, search, instanceId);
    }
  }
}
