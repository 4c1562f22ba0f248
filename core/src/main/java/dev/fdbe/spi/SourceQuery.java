package dev.fdbe.spi;

import dev.fdbe.Model;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a run asks of its {@link RecordSource}.
 *
 * @param team whose rows
 * @param model which table
 * @param interval rows whose time column lies in this range
 * @param include event names to export, empty for all (events only)
 * @param exclude event names never to export (events only)
 * @param seenFrom where the whole run's interval starts; equal to {@code interval.start()} unless
 *     this is a slice of a longer run. Events are exported once per uuid (the earliest), so a slice
 *     skips an event whose uuid also occurs in {@code [seenFrom, interval.start())}: an earlier
 *     slice exported it. Sources of other models ignore it.
 */
public record SourceQuery(TeamId team, Model model, TimeRange interval, List<String> include, List<String> exclude,
    Instant seenFrom) {
  /**
   * Checks the components and copies {@code include}, {@code exclude} (later changes to the given collection do not show).
   *
   * @throws NullPointerException naming the component when a component not marked nullable is null
   * @throws IllegalArgumentException naming the value when a component is out of its range
   */
  public SourceQuery {
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(interval, "interval");
    include = List.copyOf(Objects.requireNonNull(include, "include"));
    exclude = List.copyOf(Objects.requireNonNull(exclude, "exclude"));
    Objects.requireNonNull(seenFrom, "seenFrom");
    if (seenFrom.isAfter(interval.start())) {
      throw new IllegalArgumentException("seenFrom " + seenFrom + " is after the interval's start " + interval.start());
    }
  }

  /** The query of a whole run: nothing before its interval counts. */
  public SourceQuery(TeamId team, Model model, TimeRange interval, List<String> include, List<String> exclude) {
    this(team, model, interval, include, exclude, Objects.requireNonNull(interval, "interval").start());
  }

  /** Whether this is a later slice of a run, whose earlier slices may have exported some of its events. */
  public boolean followsEarlierSlices() {
    return seenFrom.isBefore(interval.start());
  }

  /** Whether an event with this name passes the include and exclude filters. */
  public boolean accepts(String eventName) {
    return (include.isEmpty() || include.contains(eventName)) && !exclude.contains(eventName);
  }
}
