package dev.fdbe.spi;

import dev.fdbe.Model;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
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
 */
public record SourceQuery(TeamId team, Model model, TimeRange interval, List<String> include, List<String> exclude) {
  public SourceQuery {
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(interval, "interval");
    include = List.copyOf(Objects.requireNonNull(include, "include"));
    exclude = List.copyOf(Objects.requireNonNull(exclude, "exclude"));
  }

  /** Whether an event with this name passes the include and exclude filters. */
  public boolean accepts(String eventName) {
    return (include.isEmpty() || include.contains(eventName)) && !exclude.contains(eventName);
  }
}
