package dev.fdbe.server;

import dev.fdbe.RecordSources;
import dev.fdbe.Model;
import dev.fdbe.TeamId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Demo rows for a fresh installation: events, persons and sessions for teams 1 and 2 over the 7
 * days before now, deterministic for a seed. Events carry realistic properties (a few hundred bytes
 * of JSON) and ten distinct event names.
 */
final class DemoData {
  static final List<TeamId> TEAMS = List.of(TeamId.of(1), TeamId.of(2));
  private static final String[] EVENTS = {"$pageview", "$pageleave", "$autocapture", "$identify", "signup",
      "login", "purchase", "add_to_cart", "search", "$screen"};
  private static final String[] PATHS = {"/", "/pricing", "/docs/getting-started", "/blog/launch", "/signup",
      "/account/settings", "/search?q=export", "/product/42"};
  private static final String[] BROWSERS = {"Chrome", "Firefox", "Safari", "Edge"};
  private static final String[] COUNTRIES = {"US", "DE", "GB", "FR", "BR", "IN", "JP"};

  /** Whether the reference tables already hold rows (then nothing is generated). */
  static boolean present(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM events")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  /**
   * Creates the reference tables if needed and fills them: {@code events} rows in all (split between
   * the teams), one person per 20 events and one session per 10.
   */
  static void generate(DataSource dataSource, int events, Instant now, long seed) {
    RecordSources.createReferenceTables(dataSource);
    Instant end = now.truncatedTo(ChronoUnit.SECONDS);
    Instant start = end.minus(Duration.ofDays(7));
    for (TeamId team : TEAMS) {
      int share = events / TEAMS.size();
      Random random = new Random(seed + team.value());
      RecordSources.insertReferenceRows(dataSource, team, Model.EVENTS, rows(share, i -> event(random, start, end)));
      RecordSources.insertReferenceRows(dataSource, team, Model.PERSONS,
          rows(Math.max(1, share / 20), i -> person(random, team, start, end)));
      RecordSources.insertReferenceRows(dataSource, team, Model.SESSIONS,
          rows(Math.max(1, share / 10), i -> session(random, team, start, end)));
    }
  }

  /** A lazily generated list, so millions of rows never sit in memory at once. */
  private static List<Map<String, Object>> rows(int count, java.util.function.IntFunction<Map<String, Object>> row) {
    return new AbstractList<>() {
      @Override
      public Map<String, Object> get(int index) {
        return row.apply(index);
      }

      @Override
      public int size() {
        return count;
      }
    };
  }

  private static Instant between(Random random, Instant start, Instant end) {
    long micros = ChronoUnit.MICROS.between(start, end);
    return start.plus(Math.floorMod(random.nextLong(), micros), ChronoUnit.MICROS);
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }

  private static Map<String, Object> event(Random random, Instant start, Instant end) {
    Instant timestamp = between(random, start, end);
    String path = pick(random, PATHS);
    String distinctId = "user-" + random.nextInt(5_000);
    Map<String, Object> row = new HashMap<>();
    row.put("uuid", new UUID(random.nextLong(), random.nextLong()).toString());
    row.put("event", pick(random, EVENTS));
    row.put("properties", "{\"$current_url\":\"https://app.example.com" + path + "\",\"$pathname\":\"" + path
        + "\",\"$browser\":\"" + pick(random, BROWSERS) + "\",\"$browser_version\":" + (100 + random.nextInt(30))
        + ",\"$os\":\"" + (random.nextBoolean() ? "Mac OS X" : "Windows") + "\",\"$device_type\":\""
        + (random.nextInt(4) == 0 ? "Mobile" : "Desktop") + "\",\"$geoip_country_code\":\"" + pick(random, COUNTRIES)
        + "\",\"$referrer\":\"" + (random.nextBoolean() ? "$direct" : "https://www.google.com/") + "\",\"$lib\":\"web\""
        + ",\"$lib_version\":\"1.200." + random.nextInt(10) + "\",\"$session_id\":\"" + new UUID(random.nextLong(), 0)
        + "\",\"$window_id\":\"" + new UUID(random.nextLong(), 1) + "\",\"$screen_height\":" + (700 + random.nextInt(500))
        + ",\"$screen_width\":" + (1200 + random.nextInt(1400)) + ",\"plan\":" + (random.nextInt(3) == 0 ? "null"
        : "\"" + (random.nextBoolean() ? "free" : "scale") + "\"") + "}");
    row.put("distinct_id", distinctId);
    row.put("timestamp", timestamp);
    row.put("created_at", timestamp.plusMillis(random.nextInt(2_000)));
    row.put("_inserted_at", timestamp.plusMillis(2_000 + random.nextInt(10_000)));
    row.put("elements_chain", random.nextInt(3) == 0 ? "button.btn-primary:text=\"Sign up\"nth-child=\"2\"" : null);
    row.put("person_id", new UUID(distinctId.hashCode(), 7).toString());
    row.put("person_properties", "{\"email\":\"" + distinctId + "@example.com\",\"plan\":\"free\"}");
    return row;
  }

  private static Map<String, Object> person(Random random, TeamId team, Instant start, Instant end) {
    Instant inserted = between(random, start, end);
    Map<String, Object> row = new HashMap<>();
    String distinctId = "user-" + random.nextInt(5_000);
    row.put("team_id", team.value());
    row.put("distinct_id", distinctId);
    row.put("person_id", new UUID(distinctId.hashCode(), 7).toString());
    row.put("properties", "{\"email\":\"" + distinctId + "@example.com\",\"name\":\"Demo " + random.nextInt(1000) + "\"}");
    row.put("person_version", (long) random.nextInt(5));
    row.put("person_distinct_id_version", (long) random.nextInt(3));
    row.put("created_at", inserted.minus(Duration.ofDays(random.nextInt(300))));
    row.put("_inserted_at", inserted);
    row.put("is_deleted", random.nextInt(50) == 0);
    return row;
  }

  private static Map<String, Object> session(Random random, TeamId team, Instant start, Instant end) {
    Instant finished = between(random, start, end);
    long seconds = random.nextInt(3_600);
    String entry = pick(random, PATHS);
    Map<String, Object> row = new HashMap<>();
    row.put("session_id", new UUID(random.nextLong(), random.nextLong()).toString());
    row.put("team_id", team.value());
    row.put("distinct_id", "user-" + random.nextInt(5_000));
    row.put("start_timestamp", finished.minusSeconds(seconds));
    row.put("end_timestamp", finished);
    row.put("urls", List.of("https://app.example.com" + entry, "https://app.example.com" + pick(random, PATHS)));
    row.put("num_uniq_urls", 2L);
    row.put("entry_current_url", "https://app.example.com" + entry);
    row.put("entry_pathname", entry);
    row.put("end_current_url", "https://app.example.com/");
    row.put("end_pathname", "/");
    row.put("entry_utm_source", random.nextBoolean() ? "newsletter" : null);
    row.put("entry_utm_campaign", random.nextBoolean() ? "black-friday" : null);
    row.put("entry_utm_medium", random.nextBoolean() ? "email" : null);
    row.put("entry_referring_domain", random.nextBoolean() ? "$direct" : "www.google.com");
    row.put("pageview_count", (long) random.nextInt(20));
    row.put("autocapture_count", (long) random.nextInt(40));
    row.put("screen_count", 0L);
    row.put("channel_type", random.nextBoolean() ? "Direct" : "Organic Search");
    row.put("session_duration", seconds);
    row.put("is_bounce", seconds < 10);
    row.put("_inserted_at", finished.plusSeconds(60));
    return row;
  }

  private DemoData() {}
}
