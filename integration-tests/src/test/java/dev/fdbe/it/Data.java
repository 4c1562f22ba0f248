package dev.fdbe.it;

import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.format.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Source rows for the integration tests, deterministic for a seed, with the values that break naive
 * writers: nulls, quotes, commas, line breaks, emoji, long strings, empty and nested JSON, large
 * integers, microsecond timestamps and timestamps before 1970.
 */
final class Data {
  static final String[] EVENT_NAMES = {"$pageview", "$identify", "$autocapture", "signup", "purchase"};
  private static final String[] HARD_TEXT = {
      "plain", "with, comma", "with \"quotes\"", "line\nbreak", "crlf\r\nbreak", "emoji 🎉🚀", "ünïcödé 中文",
      "", " leading space", "tab\there", "back\\slash"};
  private static final String[] JSON_VALUES = {
      "{}", "{\"a\":1}", "{\"nested\":{\"list\":[1,2,3],\"null\":null},\"s\":\"x, \\\"y\\\"\"}",
      "{\"big\":9223372036854775807}", "[]", "{\n  \"pretty\": true\n}", "{\"emoji\":\"🎉\"}"};

  private final Random random;

  Data(long seed) {
    this.random = new Random(seed);
  }

  /** A timestamp in the range with a random microsecond. */
  Instant instantIn(TimeRange range) {
    long micros = range.length().toNanos() / 1000;
    return range.start().plusNanos(Math.floorMod(random.nextLong(), micros) * 1000);
  }

  private String text() {
    return HARD_TEXT[random.nextInt(HARD_TEXT.length)];
  }

  private String json() {
    return random.nextInt(10) == 0 ? null : JSON_VALUES[random.nextInt(JSON_VALUES.length)];
  }

  Map<String, Object> event(Instant timestamp) {
    Map<String, Object> row = new HashMap<>();
    row.put("uuid", new UUID(random.nextLong(), random.nextLong()).toString());
    row.put("event", EVENT_NAMES[random.nextInt(EVENT_NAMES.length)]);
    row.put("properties", json());
    row.put("distinct_id", random.nextInt(8) == 0 ? null : "user-" + random.nextInt(50) + " " + text());
    row.put("timestamp", timestamp);
    row.put("created_at", random.nextInt(5) == 0 ? Instant.parse("1969-07-20T20:17:40.000001Z") : timestamp);
    row.put("_inserted_at", timestamp.plusMillis(random.nextInt(1000)));
    row.put("elements_chain", random.nextInt(3) == 0 ? null : text());
    row.put("person_id", random.nextInt(4) == 0 ? null : new UUID(random.nextLong(), random.nextLong()).toString());
    row.put("person_properties", random.nextInt(50) == 0 ? "x".repeat(100_000) + "\"" : json());
    return row;
  }

  Map<String, Object> person(TeamId team, Instant insertedAt) {
    Map<String, Object> row = new HashMap<>();
    row.put("team_id", team.value());
    row.put("distinct_id", "did-" + random.nextInt(1_000_000) + text());
    row.put("person_id", new UUID(random.nextLong(), random.nextLong()).toString());
    row.put("properties", json());
    row.put("person_version", random.nextInt(4) == 0 ? null : Long.MAX_VALUE - random.nextInt(10));
    row.put("person_distinct_id_version", (long) random.nextInt(100));
    row.put("created_at", Instant.parse("1950-01-01T00:00:00.000123Z"));
    row.put("_inserted_at", insertedAt);
    row.put("is_deleted", random.nextInt(3) == 0 ? null : random.nextBoolean());
    return row;
  }

  Map<String, Object> session(TeamId team, Instant insertedAt) {
    Map<String, Object> row = new HashMap<>();
    row.put("session_id", new UUID(random.nextLong(), random.nextLong()).toString());
    row.put("team_id", team.value());
    row.put("distinct_id", "user-" + random.nextInt(100));
    row.put("start_timestamp", insertedAt.minus(Duration.ofMinutes(30)));
    row.put("end_timestamp", insertedAt);
    row.put("urls", random.nextInt(5) == 0 ? null
        : random.nextInt(5) == 0 ? List.of() : Arrays.asList("https://example.com/a?x=1,2", text(), "/b"));
    row.put("num_uniq_urls", (long) random.nextInt(10));
    row.put("entry_current_url", "https://example.com/" + text());
    row.put("entry_pathname", "/" + text());
    row.put("end_current_url", null);
    row.put("end_pathname", "/end");
    row.put("entry_utm_source", random.nextBoolean() ? "google" : null);
    row.put("entry_utm_campaign", text());
    row.put("entry_utm_medium", null);
    row.put("entry_referring_domain", "$direct");
    row.put("pageview_count", (long) random.nextInt(1000));
    row.put("autocapture_count", Long.MIN_VALUE + random.nextInt(5));
    row.put("screen_count", 0L);
    row.put("channel_type", "Direct");
    row.put("session_duration", (long) random.nextInt(100_000));
    row.put("is_bounce", random.nextBoolean());
    row.put("_inserted_at", insertedAt);
    return row;
  }

  /** Rows of a model whose time column lies in the range. */
  List<Map<String, Object>> rows(Model model, TeamId team, TimeRange range, int count) {
    List<Map<String, Object>> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Instant t = instantIn(range);
      rows.add(switch (model) {
        case EVENTS -> event(t);
        case PERSONS -> person(team, t);
        case SESSIONS -> session(team, t);
      });
    }
    return rows;
  }

  /**
   * The event rows plus, for every {@code every}-th one, a copy with the same uuid {@code shift}
   * later (and inserted later): duplicates that land in another slice of a sliced run.
   */
  static List<Map<String, Object>> withLaterCopies(List<Map<String, Object>> events, int every, Duration shift) {
    List<Map<String, Object>> rows = new ArrayList<>(events);
    for (int i = 0; i < events.size(); i += every) {
      Map<String, Object> copy = new HashMap<>(events.get(i));
      copy.put("timestamp", ((Instant) copy.get("timestamp")).plus(shift));
      copy.put("_inserted_at", ((Instant) copy.get("_inserted_at")).plus(shift));
      copy.put("event", "copy");
      rows.add(copy);
    }
    return rows;
  }

  /**
   * What an export of the rows must hold, in order: rows in the interval, filters applied, each
   * event uuid once (the earliest), ordered by time then key; values as the readers return them.
   */
  static List<Map<String, Object>> expected(Model model, List<Map<String, Object>> rows, TimeRange interval,
      List<String> include, List<String> exclude) {
    String time = model.defaultTimeColumn();
    List<Map<String, Object>> selected = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Instant t = (Instant) row.get(time);
      if (!interval.contains(t)) {
        continue;
      }
      if (model == Model.EVENTS) {
        String name = (String) row.get("event");
        if ((!include.isEmpty() && !include.contains(name)) || exclude.contains(name)) {
          continue;
        }
      }
      selected.add(row);
    }
    Comparator<Map<String, Object>> order = Comparator.comparing(r -> (Instant) r.get(time));
    for (String key : model.keyColumns()) {
      order = order.thenComparing(r -> (String) r.get(key));
    }
    if (model == Model.EVENTS) {
      order = order.thenComparing(r -> (Instant) r.get("_inserted_at"));
    }
    selected.sort(order);
    if (model == Model.EVENTS) {
      Set<Object> seen = new HashSet<>();
      selected.removeIf(r -> !seen.add(r.get("uuid")));
    }
    List<Map<String, Object>> expected = new ArrayList<>();
    for (Map<String, Object> row : selected) {
      expected.add(asRead(model.schema(), row));
    }
    return expected;
  }

  /** The row as a reader returns it: every column, JSON compacted, integers as Long. */
  static Map<String, Object> asRead(Schema schema, Map<String, Object> row) {
    Map<String, Object> read = new LinkedHashMap<>();
    for (Column column : schema.columns()) {
      Object value = row.get(column.name());
      if (value != null && column.type() == ColumnType.JSON) {
        String compact = Json.compact((String) value);
        value = compact != null ? compact : Json.compact(quoted((String) value));
      }
      if (value instanceof Integer i) {
        value = i.longValue();
      }
      read.put(column.name(), value);
    }
    return read;
  }

  private static String quoted(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> json.append(c);
      }
    }
    return json.append('"').toString();
  }
}
