package dev.fdbe.format.parquet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Realistic events, small next to any part limit: properties JSON of 300 to 800 bytes, ten event
 * names, some nulls. Deterministic per seed.
 */
final class EventRows {
  private static final String[] EVENTS = {"$pageview", "$autocapture", "$pageleave", "$identify", "signed_up",
      "$feature_flag_called", "checkout_started", "$screen", "purchase", "$rageclick"};

  static List<Map<String, Object>> rows(long seed, int count) {
    Random random = new Random(seed);
    List<Map<String, Object>> rows = new ArrayList<>(count);
    Instant start = Instant.parse("2026-11-20T00:00:00Z");
    for (int i = 0; i < count; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("uuid", new UUID(random.nextLong(), random.nextLong()).toString());
      row.put("event", EVENTS[random.nextInt(EVENTS.length)]);
      row.put("properties", properties(random));
      row.put("distinct_id", random.nextInt(10) == 0 ? null : "user-" + random.nextInt(5000));
      Instant timestamp = start.plusNanos(i * 1_234_567_000L);
      row.put("timestamp", timestamp);
      row.put("created_at", random.nextInt(5) == 0 ? null : timestamp.plusMillis(random.nextInt(1000)));
      row.put("_inserted_at", timestamp.plusSeconds(2));
      row.put("elements_chain", random.nextInt(3) == 0 ? null
          : "button.btn:nth-child=" + random.nextInt(9) + ";div.container:attr__id=\"main\"");
      row.put("person_id", random.nextInt(4) == 0 ? null : new UUID(random.nextLong(), random.nextLong()).toString());
      row.put("person_properties", random.nextInt(3) == 0 ? null
          : "{\"email\":\"user" + random.nextInt(5000) + "@example.com\",\"plan\":\"" + (random.nextBoolean()
              ? "free" : "pro") + "\"}");
      rows.add(row);
    }
    return rows;
  }

  private static String properties(Random random) {
    StringBuilder json = new StringBuilder("{\"$current_url\":\"https://app.example.com/");
    json.append(Long.toHexString(random.nextLong())).append("\",\"$browser\":\"")
        .append(random.nextBoolean() ? "Chrome" : "Firefox").append("\",\"$screen_width\":")
        .append(800 + random.nextInt(1200)).append(",\"$lib\":\"web\",\"$session_id\":\"")
        .append(new UUID(random.nextLong(), random.nextLong())).append('"');
    int target = 300 + random.nextInt(500);
    for (int k = 0; json.length() < target; k++) {
      json.append(",\"prop_").append(k).append("\":\"").append(Long.toString(random.nextLong(), 36)).append('"');
    }
    return json.append('}').toString();
  }

  private EventRows() {}
}
