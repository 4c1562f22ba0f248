package dev.fdbe.internal.source;

import dev.fdbe.internal.Micros;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.SourceQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.fdbe.schema.Schema;
import dev.fdbe.ExportException;
import dev.fdbe.Model;
import dev.fdbe.TeamId;

/**
 * The source {@link dev.fdbe.RecordSources#inMemory()} builds (core's own tests use it directly):
 * rows in memory, selected exactly as the JDBC source selects them — the team's rows whose time
 * column ({@link Model#defaultTimeColumn()}) lies in the interval, event filters applied, each event
 * uuid once, ordered by time then key.
 *
 * <p>Thread-safe: rows may be added while cursors are open; a cursor sees the rows present when it
 * was opened, and counts them ({@link RecordCursor#count()}) at no cost.
 */
public final class InMemoryRecordSource implements RecordSource {
  private final Map<TeamId, Map<Model, List<Object[]>>> rows = new ConcurrentHashMap<>();

  /**
   * Adds one row of the model for the team. Values by column name: {@code String} for string and
   * JSON columns, {@code Long} or {@code Integer} for integers, {@code Boolean}, {@code Instant} for
   * timestamps, {@code List<String>} for lists; absent or null for null.
   *
   * @throws IllegalArgumentException naming the column when a name is unknown, a required value is
   *     missing or a value has the wrong type
   */
  public InMemoryRecordSource add(TeamId team, Model model, Map<String, ?> values) {
    Object[] row = RowValues.normalize(model.schema(), values);
    rows.computeIfAbsent(team, t -> new ConcurrentHashMap<>())
        .computeIfAbsent(model, m -> new CopyOnWriteArrayList<>())
        .add(row);
    return this;
  }

  /** A source holding the rows this one holds now; rows added to either later stay apart. */
  public InMemoryRecordSource copy() {
    InMemoryRecordSource copy = new InMemoryRecordSource();
    rows.forEach((team, models) -> models.forEach((model, list) ->
        copy.rows.computeIfAbsent(team, t -> new ConcurrentHashMap<>())
            .put(model, new CopyOnWriteArrayList<>(list))));
    return copy;
  }

  /** Adds several rows; see {@link #add(TeamId, Model, Map)}. */
  public InMemoryRecordSource addAll(TeamId team, Model model, Iterable<? extends Map<String, ?>> values) {
    for (Map<String, ?> row : values) {
      add(team, model, row);
    }
    return this;
  }

  @Override
  public RecordCursor open(SourceQuery query) {
    Schema schema = query.model().schema();
    int time = schema.indexOf(query.model().defaultTimeColumn());
    long start = Micros.of(query.interval().start());
    long end = Micros.of(query.interval().end());
    int event = schema.indexOf("event");
    List<Object[]> all = rows.getOrDefault(query.team(), Map.of()).getOrDefault(query.model(), List.of());
    long seenFrom = Micros.of(query.seenFrom());
    List<Object[]> selected = new ArrayList<>();
    List<Object[]> earlier = new ArrayList<>();
    for (Object[] row : all) {
      long micros = (Long) row[time];
      if (micros < seenFrom || micros >= end) {
        continue;
      }
      (micros < start ? earlier : selected).add(row);
    }
    Comparator<Object[]> order = Comparator.comparingLong(r -> (Long) r[time]);
    for (String key : query.model().keyColumns()) {
      int index = schema.indexOf(key);
      order = order.thenComparing(r -> (String) r[index], Comparator.nullsFirst(Comparator.naturalOrder()));
    }
    if (query.model() == Model.EVENTS) {
      // Of the copies of an event, the one inserted first wins, then the first by event name, as in the JDBC source.
      int inserted = schema.indexOf("_inserted_at");
      int name = schema.indexOf("event");
      order = order.thenComparing(r -> (Long) r[inserted], Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(r -> (String) r[name], Comparator.nullsLast(Comparator.naturalOrder()));
    }
    selected.sort(order);
    if (query.model() == Model.EVENTS) {
      int uuid = schema.indexOf("uuid");
      Set<String> seen = new HashSet<>();
      // Events an earlier slice of the run exported are not exported again; the filters apply to the
      // earliest copy of each event, the one a run exports, as the JDBC source applies them.
      earlier.forEach(r -> seen.add((String) r[uuid]));
      selected.removeIf(r -> !seen.add((String) r[uuid]) || !query.accepts((String) r[event]));
    }
    return new Cursor(selected);
  }

  @Override
  public String describe() {
    return "in-memory source";
  }

  private static final class Cursor extends ArrayRow implements RecordCursor {
    private final List<Object[]> selected;
    private int position = -1;
    private volatile boolean cancelled;

    Cursor(List<Object[]> selected) {
      this.selected = selected;
    }

    @Override
    public boolean next() {
      if (cancelled) {
        throw new ExportException("reading was cancelled", false);
      }
      if (position + 1 >= selected.size()) {
        return false;
      }
      position++;
      set(selected.get(position));
      return true;
    }

    /** The rows it selected when it was opened: in memory, counting them costs nothing. */
    @Override
    public OptionalLong count() {
      if (position >= 0) {
        throw new IllegalStateException("count() must come before the first next()");
      }
      if (cancelled) {
        throw new ExportException("counting was cancelled", false);
      }
      return OptionalLong.of(selected.size());
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public void close() {
      position = selected.size();
    }
  }
}
