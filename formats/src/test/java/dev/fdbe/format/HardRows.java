package dev.fdbe.format;

import dev.fdbe.Model;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Rows of every model full of the values that break writers and readers: nulls, quotes, commas,
 * CR and LF, emoji and other non-ASCII text, very long strings, empty and nested JSON, invalid
 * JSON, the largest and smallest 64-bit integers, microsecond timestamps and timestamps before
 * 1970. Values are of the types {@link RowReader} returns (JSON as text). Deterministic per seed.
 */
public final class HardRows {
  private static final String[] TEXT = {
      "plain", "comma, separated", "quote \" inside", "\"starts and ends with quotes\"", "line\nfeed",
      "carriage\rreturn", "crlf\r\nend", "emoji 🎉🚀👩‍👩‍👧", "ünïcödé ÄÖÜß 中文 العربية", "", " padded ",
      "tab\tseparated", "back\\slash", "semi;colon", "'single'", "null", "NULL", "\\N", "#comment", "=1+2",
      "zero-width\u200bspace", "nbsp\u00a0here"};
  private static final String[] JSON = {
      "{}", "[]", "{\"a\":1}", "{\"nested\":{\"list\":[1,2,3],\"null\":null,\"t\":true},\"s\":\"x, \\\"y\\\"\\n\"}",
      "{\"big\":9223372036854775807,\"neg\":-9223372036854775808,\"float\":1.5e300}", "{\n  \"pretty\": [\n    1\n  ]\n}",
      "{\"emoji\":\"🎉\",\"unicode\":\"\\u00e9\"}", "\"a JSON string\"", "42", "[{\"deep\":[{\"deeper\":{}}]}]"};
  private static final Instant[] TIMES = {
      Instant.parse("2026-11-20T10:00:00.123456Z"), Instant.parse("1969-12-31T23:59:59.999999Z"),
      Instant.parse("1900-01-01T00:00:00Z"), Instant.parse("1970-01-01T00:00:00Z"),
      Instant.parse("2038-01-19T03:14:08.000001Z"), Instant.parse("0001-01-01T00:00:00Z"),
      Instant.parse("9999-12-31T23:59:59.999999Z")};

  private final Random random;
  private int counter;

  public HardRows(long seed) {
    this.random = new Random(seed);
  }

  private String text() {
    int pick = random.nextInt(TEXT.length + 3);
    if (pick == TEXT.length) {
      return null;
    }
    if (pick == TEXT.length + 1) {
      return "long " + "abcdefghij".repeat(10_000 + random.nextInt(1000)) + " \" , \n end";
    }
    if (pick == TEXT.length + 2) {
      return "row-" + (counter++) + "-" + random.nextInt();
    }
    return TEXT[pick];
  }

  private String json() {
    int pick = random.nextInt(JSON.length + 2);
    if (pick == JSON.length) {
      return null;
    }
    if (pick == JSON.length + 1) {
      return "{\"n\":" + random.nextInt() + ",\"s\":\"" + "é".repeat(random.nextInt(50)) + "\"}";
    }
    return JSON[pick];
  }

  private Instant time() {
    return random.nextInt(3) == 0 ? TIMES[random.nextInt(TIMES.length)]
        : Instant.parse("2026-11-20T00:00:00Z").plusNanos(random.nextLong(86_400_000_000L) * 1000);
  }

  private Long bigLong() {
    return switch (random.nextInt(6)) {
      case 0 -> null;
      case 1 -> Long.MAX_VALUE;
      case 2 -> Long.MIN_VALUE;
      case 3 -> 0L;
      default -> random.nextLong();
    };
  }

  private Boolean bool() {
    int pick = random.nextInt(3);
    return pick == 0 ? null : pick == 1;
  }

  private List<String> list() {
    int pick = random.nextInt(4);
    if (pick == 0) {
      return null;
    }
    if (pick == 1) {
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (int i = random.nextInt(5) + 1; i > 0; i--) {
      values.add(random.nextInt(6) == 0 ? null : Arrays.asList("https://a.example/?q=1,2", "x\"y", "é🎉", "line\nbreak",
          "", "plain").get(random.nextInt(6)));
    }
    return values;
  }

  private static <T> T orDefault(T value, T fallback) {
    return value == null ? fallback : value;
  }

  /** One row of the model; required columns are never null. */
  public Map<String, Object> row(Model model) {
    Map<String, Object> row = new HashMap<>();
    switch (model) {
      case EVENTS -> {
        row.put("uuid", new UUID(random.nextLong(), random.nextLong()).toString());
        row.put("event", orDefault(text(), "$pageview"));
        row.put("properties", json());
        row.put("distinct_id", text());
        row.put("timestamp", time());
        row.put("created_at", random.nextBoolean() ? null : time());
        row.put("_inserted_at", time());
        row.put("elements_chain", text());
        row.put("person_id", random.nextBoolean() ? null : new UUID(random.nextLong(), random.nextLong()).toString());
        row.put("person_properties", json());
      }
      case PERSONS -> {
        row.put("team_id", orDefault(bigLong(), 1L));
        row.put("distinct_id", orDefault(text(), "d"));
        row.put("person_id", new UUID(random.nextLong(), random.nextLong()).toString());
        row.put("properties", json());
        row.put("person_version", bigLong());
        row.put("person_distinct_id_version", bigLong());
        row.put("created_at", random.nextBoolean() ? null : time());
        row.put("_inserted_at", time());
        row.put("is_deleted", bool());
      }
      case SESSIONS -> {
        row.put("session_id", orDefault(text(), "s"));
        row.put("team_id", orDefault(bigLong(), 2L));
        row.put("distinct_id", text());
        row.put("start_timestamp", random.nextBoolean() ? null : time());
        row.put("end_timestamp", time());
        row.put("urls", list());
        row.put("num_uniq_urls", bigLong());
        for (String column : List.of("entry_current_url", "entry_pathname", "end_current_url", "end_pathname",
            "entry_utm_source", "entry_utm_campaign", "entry_utm_medium", "entry_referring_domain", "channel_type")) {
          row.put(column, text());
        }
        for (String column : List.of("pageview_count", "autocapture_count", "screen_count", "session_duration")) {
          row.put(column, bigLong());
        }
        row.put("is_bounce", bool());
        row.put("_inserted_at", time());
      }
      default -> throw new IllegalStateException("unhandled model " + model);
    }
    return row;
  }

  /** {@code count} rows of the model. */
  public List<Map<String, Object>> rows(Model model, int count) {
    List<Map<String, Object>> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rows.add(row(model));
    }
    return rows;
  }

  /** A row of the model whose one string column is longer than {@code chars}. */
  public Map<String, Object> huge(Model model, int chars) {
    Map<String, Object> row = row(model);
    String column = switch (model) {
      case EVENTS -> "elements_chain";
      case PERSONS -> "distinct_id";
      case SESSIONS -> "entry_current_url";
    };
    row.put(column, "h".repeat(chars));
    return row;
  }

  /** Shallow copies, so tests may change them. */
  public static List<Map<String, Object>> copy(List<Map<String, Object>> rows) {
    List<Map<String, Object>> copies = new ArrayList<>(rows.size());
    rows.forEach(r -> copies.add(new HashMap<>(r)));
    return copies;
  }
}
