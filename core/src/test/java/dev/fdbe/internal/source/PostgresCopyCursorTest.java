package dev.fdbe.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fdbe.ExportException;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.internal.Micros;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.testing.ConnectionSource;
import dev.fdbe.testing.TestDatabases;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The PostgreSQL source read through COPY returns exactly what the result-set cursor returns, for
 * every column type, nulls, duplicate events and event filters with quotes and odd characters; it
 * falls back to that cursor when the connection does not unwrap to pgjdbc or a column type is not
 * decoded; a cancel stops a COPY from another thread, and close returns the connection as lent.
 * Runs when FDBE_TEST_POSTGRES_URL is set.
 */
@Tag("postgres")
class PostgresCopyCursorTest {
  private static final TeamId TEAM = TeamId.of(7);
  private static final TeamId OTHER = TeamId.of(8);
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
  private static final TimeRange WHOLE = new TimeRange(DAY, DAY.plus(Duration.ofDays(1)));
  private static final TimeRange AFTERNOON = new TimeRange(DAY.plus(Duration.ofHours(12)), WHOLE.end());
  /** Names that break naive quoting: quotes, a backslash, a placeholder, SQL, non-ASCII. */
  private static final List<String> NAMES = List.of("$pageview", "it's", "say \"hi\"", "back\\slash", "what?",
      "'); DROP TABLE events; --", "ünïcödé ☃ 🚀", "$1", "E'\\x41'");

  private TestDatabases.PostgresSchema schema;
  private DataSource dataSource;

  @BeforeEach
  void createTables() {
    schema = TestDatabases.postgres();
    dataSource = schema.dataSource();
    RecordSources.createReferenceTables(dataSource);
  }

  @AfterEach
  void dropSchema() {
    if (schema != null) {
      schema.drop();
    }
  }

  private void insertRows(int eventsPerTeam) {
    for (TeamId team : List.of(TEAM, OTHER)) {
      for (Model model : Model.values()) {
        RecordSources.insertReferenceRows(dataSource, team, model, rows(team, model,
            model == Model.EVENTS ? eventsPerTeam : 120));
      }
    }
  }

  /**
   * Rows over the day and the hour either side, every optional column now null and now set; events
   * with identical copies, later copies and names from {@link #NAMES}.
   */
  private static List<Map<String, Object>> rows(TeamId team, Model model, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant at = DAY.minus(Duration.ofHours(1)).plus(Duration.ofSeconds(37L * i + 1)).plusNanos(123_456_000L * (i % 3));
      String key = UUID.nameUUIDFromBytes((team + "-" + model + "-" + i).getBytes()).toString();
      boolean set = i % 4 != 0;
      Map<String, Object> row = new HashMap<>();
      row.put(model.defaultTimeColumn(), at);
      row.put("_inserted_at", at.plusMillis(5));
      switch (model) {
        case EVENTS -> {
          row.put("uuid", key);
          row.put("event", NAMES.get(i % NAMES.size()));
          if (set) {
            row.put("properties", "{\"i\": " + i + ", \"q\": \"it's \\\"quoted\\\" \\\\ ☃\"}");
            row.put("distinct_id", "d-" + i % 17);
            row.put("created_at", at.minusSeconds(i));
            row.put("elements_chain", "a:b" + "\t\n\\".repeat(i % 3));
            row.put("person_id", UUID.nameUUIDFromBytes(("p" + i).getBytes()).toString());
            row.put("person_properties", "{}");
          }
        }
        case PERSONS -> {
          row.put("team_id", team.value());
          row.put("distinct_id", "d-" + i);
          row.put("person_id", key);
          if (set) {
            row.put("properties", "{\"n\": " + (i - 60) + "}");
            row.put("person_version", i % 2 == 0 ? Long.MAX_VALUE - i : Long.MIN_VALUE + i);
            row.put("person_distinct_id_version", (long) -i);
            row.put("created_at", Instant.parse("1999-12-31T23:59:59.999999Z").plusSeconds(i));
            row.put("is_deleted", i % 2 == 0);
          }
        }
        case SESSIONS -> {
          row.put("team_id", team.value());
          row.put("session_id", key);
          row.put("start_timestamp", at);
          row.put("end_timestamp", set ? at.plusSeconds(i) : null);
          if (set) {
            row.put("urls", i % 3 == 0 ? List.of() : Arrays.asList("https://x.test/" + i, null, "ü,\"{}\\"));
            row.put("num_uniq_urls", (long) i);
            row.put("entry_current_url", "https://x.test/?a=" + i);
            row.put("is_bounce", i % 3 == 1);
            row.put("session_duration", 0L);
          }
        }
        default -> throw new IllegalStateException("unknown model " + model);
      }
      rows.add(row);
      if (model == Model.EVENTS && i % 5 == 0) {
        rows.add(new HashMap<>(row)); // an identical copy
        Map<String, Object> later = new HashMap<>(row);
        later.put("timestamp", at.plus(Duration.ofHours(i % 2 == 0 ? 13 : 2)));
        later.put("_inserted_at", at.plus(Duration.ofHours(14)));
        later.put("event", NAMES.get((i + 1) % NAMES.size()));
        rows.add(later);
      }
    }
    return rows;
  }

  private RecordSource source(DataSource from) {
    return RecordSources.jdbcBuilder(from).fetchSize(25).build();
  }

  /** Every row as a list of its values, read with the getter of each column's type. */
  private static List<List<Object>> readAll(RecordCursor cursor, Schema schema) {
    List<List<Object>> rows = new ArrayList<>();
    while (cursor.next()) {
      List<Object> row = new ArrayList<>();
      for (int i = 0; i < schema.size(); i++) {
        if (cursor.isNull(i)) {
          row.add(null);
          continue;
        }
        row.add(switch (schema.column(i).type()) {
          case STRING, JSON -> cursor.getString(i);
          case INT64 -> cursor.getLong(i);
          case BOOLEAN -> cursor.getBoolean(i);
          case TIMESTAMP -> "t" + cursor.getTimestampMicros(i);
          case STRING_LIST -> new ArrayList<>(cursor.getStringList(i));
        });
      }
      rows.add(row);
    }
    return rows;
  }

  /** The query's rows through COPY and through the fallback, after checking each took its path. */
  private List<List<Object>> assertBothPathsRead(SourceQuery query) {
    List<List<Object>> copied;
    List<List<Object>> plain;
    try (RecordCursor cursor = source(dataSource).open(query)) {
      assertThat(cursor).isInstanceOf(PostgresCopyCursor.class);
      copied = readAll(cursor, query.model().schema());
    }
    try (RecordCursor cursor = source(new HidingDataSource(dataSource)).open(query)) {
      assertThat(cursor).isInstanceOf(JdbcCursor.class);
      plain = readAll(cursor, query.model().schema());
    }
    assertThat(copied).as("rows of %s", query).containsExactlyElementsOf(plain);
    return copied;
  }

  @Test
  void everyModelReadsTheSameRowsThroughCopyAsThroughTheResultSet() {
    insertRows(300);
    for (Model model : Model.values()) {
      assertThat(assertBothPathsRead(new SourceQuery(TEAM, model, WHOLE, List.of(), List.of()))).isNotEmpty();
    }
    List<List<Object>> events = assertBothPathsRead(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of()));
    assertThat(events).extracting(r -> r.get(0)).doesNotHaveDuplicates();
    assertThat(events).extracting(r -> r.get(2)).containsNull()
        .contains("{\"i\": 255, \"q\": \"it's \\\"quoted\\\" \\\\ ☃\"}");
    assertThat(events).extracting(r -> r.get(7)).contains("a:b\t\n\\");
    List<List<Object>> sessions = assertBothPathsRead(new SourceQuery(TEAM, Model.SESSIONS, WHOLE, List.of(),
        List.of()));
    assertThat(sessions).extracting(r -> r.get(5)).containsNull().contains(List.of())
        .anyMatch(urls -> urls instanceof List<?> list && list.size() == 3 && list.get(1) == null);
    List<List<Object>> persons = assertBothPathsRead(new SourceQuery(TEAM, Model.PERSONS, WHOLE, List.of(),
        List.of()));
    assertThat(persons).extracting(r -> r.get(4)).contains(Long.MAX_VALUE - 98, Long.MIN_VALUE + 99);
  }

  @Test
  void filtersWithQuotesAndOddCharactersSelectTheSameEvents() {
    insertRows(300);
    for (String name : NAMES) {
      List<List<Object>> included = assertBothPathsRead(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(name),
          List.of()));
      assertThat(included).as("events named %s", name).isNotEmpty().allMatch(r -> r.get(1).equals(name));
      assertThat(assertBothPathsRead(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of(name))))
          .isNotEmpty().noneMatch(r -> r.get(1).equals(name));
    }
    assertBothPathsRead(new SourceQuery(TEAM, Model.EVENTS, WHOLE, NAMES.subList(1, 6), NAMES.subList(4, 8)));
    assertThat(assertBothPathsRead(new SourceQuery(TEAM, Model.EVENTS, AFTERNOON, List.of(), List.of(),
        WHOLE.start()))).isNotEmpty();
    assertBothPathsRead(new SourceQuery(TEAM, Model.EVENTS, AFTERNOON, List.of(NAMES.get(1)), List.of(),
        WHOLE.start()));
  }

  @Test
  void anEmptySelectionEndsAtOnceOnBothPaths() {
    insertRows(50);
    TimeRange before = new TimeRange(DAY.minus(Duration.ofDays(3)), DAY.minus(Duration.ofDays(2)));
    for (Model model : Model.values()) {
      assertThat(assertBothPathsRead(new SourceQuery(TEAM, model, before, List.of(), List.of()))).isEmpty();
    }
    assertThat(assertBothPathsRead(new SourceQuery(TeamId.of(99), Model.EVENTS, WHOLE, List.of(), List.of())))
        .isEmpty();
    try (RecordCursor cursor = source(dataSource).open(new SourceQuery(TEAM, Model.EVENTS, before, List.of(),
        List.of()))) {
      assertThat(cursor.count()).hasValue(0);
      assertThat(cursor.next()).isFalse();
      assertThat(cursor.next()).isFalse();
    }
  }

  @Test
  void otherColumnTypesAreDecodedOrLeftToTheResultSet() throws SQLException {
    insertRows(120);
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE events ALTER COLUMN properties TYPE jsonb USING properties::jsonb");
      statement.execute("ALTER TABLE events ALTER COLUMN distinct_id TYPE varchar(40)");
      statement.execute("ALTER TABLE persons ALTER COLUMN person_distinct_id_version TYPE int4");
      statement.execute("ALTER TABLE sessions ALTER COLUMN session_duration TYPE int2");
      statement.execute("ALTER TABLE sessions ALTER COLUMN urls TYPE varchar[]");
      statement.execute("ALTER TABLE sessions ALTER COLUMN channel_type TYPE char(3)");
    }
    for (Model model : Model.values()) {
      assertThat(assertBothPathsRead(new SourceQuery(TEAM, model, WHOLE, List.of(), List.of()))).isNotEmpty();
    }
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE persons ALTER COLUMN created_at TYPE timestamp");
    }
    try (RecordCursor cursor = source(dataSource).open(new SourceQuery(TEAM, Model.PERSONS, WHOLE, List.of(),
        List.of()))) {
      assertThat(cursor).as("a timestamp without time zone is read by the result set").isInstanceOf(JdbcCursor.class);
      assertThat(cursor.next()).isTrue();
    }
  }

  /**
   * A {@code timestamp} column without time zone is compared with the interval and read in UTC, as
   * the values are exported, whatever the JVM's time zone (which pgjdbc gives the session).
   */
  @Test
  void aTimestampWithoutTimeZoneIsComparedAndReadInUtcWhateverTheJvmsZone() throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE events ALTER COLUMN timestamp TYPE timestamp");
      statement.execute("INSERT INTO events (team_id, uuid, event, timestamp) VALUES (" + TEAM.value()
          + ", '00000000-0000-0000-0000-000000000001', 'before', '2026-11-19 20:00'), (" + TEAM.value()
          + ", '00000000-0000-0000-0000-000000000002', 'inside', '2026-11-20 22:00')");
    }
    TimeZone jvm = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
    Schema events = Model.EVENTS.schema();
    try (RecordCursor cursor = source(dataSource).open(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(),
        List.of()))) {
      List<List<Object>> rows = readAll(cursor, events);

      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).get(events.indexOf("event"))).isEqualTo("inside");
      assertThat(rows.get(0).get(events.indexOf("timestamp")))
          .isEqualTo("t" + Micros.of(Instant.parse("2026-11-20T22:00:00Z")));
    } finally {
      TimeZone.setDefault(jvm);
    }
  }

  /** Values no export can hold are refused naming their column, on both paths, not overflowed or garbled. */
  @Test
  void anInfiniteTimestampOrATwoDimensionalArrayIsRefusedNamingItsColumn() throws SQLException {
    insertRows(20);
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("UPDATE persons SET created_at = 'infinity' WHERE team_id = " + TEAM.value());
      statement.execute("UPDATE sessions SET urls = '{{a,b},{c,d}}' WHERE team_id = " + TEAM.value());
    }
    for (DataSource from : List.of(dataSource, new HidingDataSource(dataSource))) {
      try (RecordCursor cursor = source(from).open(new SourceQuery(TEAM, Model.PERSONS, WHOLE, List.of(), List.of()))) {
        assertThatThrownBy(() -> readAll(cursor, Model.PERSONS.schema())).isInstanceOf(ExportException.class)
            .hasMessageContaining("column created_at").hasMessageContaining("infinit");
      }
      try (RecordCursor cursor = source(from).open(new SourceQuery(TEAM, Model.SESSIONS, WHOLE, List.of(),
          List.of()))) {
        assertThatThrownBy(() -> readAll(cursor, Model.SESSIONS.schema())).isInstanceOf(ExportException.class)
            .hasMessageContaining("column urls");
      }
    }
  }

  /**
   * A JSON column's values come out of the COPY as their UTF-8 bytes, text and jsonb alike, and the
   * reading thread hands the writers certified bytes that are the text's: those of ASCII documents
   * as the COPY gave them, the others (non-ASCII) through the text.
   */
  @Test
  void jsonValuesComeAsTheirUtf8BytesAndAreCertifiedAsTheirText() throws SQLException {
    insertRows(120);
    Schema events = Model.EVENTS.schema();
    int properties = events.indexOf("properties");
    int personProperties = events.indexOf("person_properties");
    SourceQuery query = new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of());
    for (String type : List.of("text", "jsonb")) {
      if (type.equals("jsonb")) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
          statement.execute("ALTER TABLE events ALTER COLUMN properties TYPE jsonb USING properties::jsonb");
          statement.execute(
              "ALTER TABLE events ALTER COLUMN person_properties TYPE jsonb USING person_properties::jsonb");
        }
      }
      List<String> texts = new ArrayList<>();
      try (RecordCursor cursor = source(dataSource).open(query)) {
        PostgresCopyCursor copy = (PostgresCopyCursor) cursor;
        while (copy.next()) {
          if (copy.isNull(properties)) {
            assertThat(copy.utf8(properties)).as(type).isNull();
            continue;
          }
          byte[] bytes = copy.utf8(properties);
          assertThat(bytes).as(type).isNotNull();
          String text = copy.getString(properties);
          assertThat(text.getBytes(StandardCharsets.UTF_8)).as(type).isEqualTo(bytes);
          assertThat(copy.getString(properties)).as("decoded once").isSameAs(text);
          texts.add(text);
        }
      }
      assertThat(texts).as(type).isNotEmpty().allMatch(text -> text.contains("☃"));
      int certified = 0;
      try (PrefetchingCursor cursor = PrefetchingCursor.start(source(dataSource).open(query), events, "json-test")) {
        while (cursor.next()) {
          for (int column : new int[] {properties, personProperties}) {
            if (!cursor.isNull(column)) {
              assertThat(cursor.certifiedJson(column)).as(type)
                  .isEqualTo(cursor.getString(column).getBytes(StandardCharsets.UTF_8));
              certified++;
            }
          }
        }
      }
      assertThat(certified).as(type).isEqualTo(2 * texts.size());
    }
  }

  /**
   * A text column's ASCII values come out of the COPY as their bytes, which the reading thread hands
   * the writers as the strings' exact encoding; the others (here "ünïcödé ☃ 🚀") as their text.
   * Escapes, quotes and control characters are ASCII and come as bytes.
   */
  @Test
  void asciiStringsComeAsTheirBytesAndOthersAsText() throws SQLException {
    insertRows(120);
    Schema events = Model.EVENTS.schema();
    int event = events.indexOf("event");
    int elements = events.indexOf("elements_chain");
    SourceQuery query = new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of());
    Set<String> asBytes = new HashSet<>();
    Set<String> asText = new HashSet<>();
    try (RecordCursor cursor = source(dataSource).open(query)) {
      PostgresCopyCursor copy = (PostgresCopyCursor) cursor;
      while (copy.next()) {
        byte[] bytes = copy.utf8(event);
        String name = copy.getString(event);
        (bytes == null ? asText : asBytes).add(name);
        if (bytes != null) {
          assertThat(bytes).as(name).isEqualTo(name.getBytes(StandardCharsets.UTF_8));
          assertThat(copy.getString(event)).as("decoded once").isSameAs(name);
        }
        if (copy.isNull(elements)) {
          assertThat(copy.utf8(elements)).as("a null after a value").isNull();
        } else {
          assertThat(copy.utf8(elements)).isEqualTo(copy.getString(elements).getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    assertThat(asText).containsExactly("ünïcödé ☃ 🚀");
    assertThat(asBytes).containsAll(NAMES.stream().filter(name -> !name.equals("ünïcödé ☃ 🚀")).toList());
    int handed = 0;
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source(dataSource).open(query), events, "string-test")) {
      while (cursor.next()) {
        String name = cursor.getString(event);
        byte[] bytes = cursor.stringUtf8(event);
        if (name.equals("ünïcödé ☃ 🚀")) {
          assertThat(bytes).isNull();
        } else {
          assertThat(bytes).as(name).isEqualTo(name.getBytes(StandardCharsets.UTF_8));
          handed++;
        }
        assertThat(cursor.certifiedJson(event)).as("a STRING column is not certified JSON").isNull();
        assertThat(cursor.stringUtf8(events.indexOf("properties"))).as("a JSON column is no string").isNull();
      }
    }
    assertThat(handed).isPositive();
  }

  @Test
  void aCancelStopsACopyBlockedOnTheServerFromAnotherThread() throws Exception {
    insertRows(200);
    TrackingDataSource tracking = new TrackingDataSource(dataSource);
    RecordCursor cursor = source(tracking).open(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of()));
    assertThat(cursor).isInstanceOf(PostgresCopyCursor.class);
    try (Connection locker = dataSource.getConnection(); Statement lock = locker.createStatement()) {
      locker.setAutoCommit(false);
      lock.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<Boolean> reading = CompletableFuture.supplyAsync(cursor::next);
      BaseConnection base = tracking.last().unwrap(BaseConnection.class);
      awaitWaitingOnTheLock(base.getBackendPID());
      cursor.cancel();
      assertThatThrownBy(() -> reading.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(ExportException.class, e -> {
            assertThat(e).hasMessage("reading was cancelled");
            assertThat(e.isRetryable()).isFalse();
          });
      cursor.close();
      locker.rollback();
    }
    assertReturnedUsable(tracking.last());
  }

  @Test
  void aCancelStopsACopyMidStreamAndCloseReturnsTheConnectionUsable() throws Exception {
    insertRows(3000);
    TrackingDataSource tracking = new TrackingDataSource(dataSource);
    SourceQuery query = new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of());
    try (RecordCursor cursor = source(tracking).open(query)) {
      assertThat(cursor.count().orElseThrow()).isGreaterThan(1000);
      for (int i = 0; i < 10; i++) {
        assertThat(cursor.next()).isTrue();
      }
      Thread canceller = new Thread(cursor::cancel);
      canceller.start();
      canceller.join();
      assertThatThrownBy(() -> {
        while (cursor.next()) {
          // Rows already in the buffer may come before the cancel is seen.
        }
      }).isInstanceOfSatisfying(ExportException.class, e -> assertThat(e).hasMessage("reading was cancelled"));
    }
    assertReturnedUsable(tracking.last());

    try (RecordCursor cursor = source(tracking).open(query)) {
      assertThat(cursor.next()).isTrue(); // closed half read, without a cancel
    }
    assertReturnedUsable(tracking.last());
  }

  @Test
  void aFailedCopyIsClassifiedAsTheResultSetCursorClassifiesIt() throws Exception {
    insertRows(200);
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE VIEW broken_persons AS SELECT team_id, distinct_id, person_id, properties,"
          + " (CASE WHEN distinct_id = 'd-100' THEN 1 / (team_id - team_id) ELSE person_version END)::bigint"
          + " AS person_version, person_distinct_id_version, created_at, _inserted_at, is_deleted FROM persons");
    }
    SourceQuery persons = new SourceQuery(TEAM, Model.PERSONS, WHOLE, List.of(), List.of());
    for (DataSource from : List.of(dataSource, new HidingDataSource(dataSource))) {
      RecordSource broken = RecordSources.jdbcBuilder(from).table(Model.PERSONS, "broken_persons").build();
      try (RecordCursor cursor = broken.open(persons)) {
        assertThatThrownBy(() -> readAll(cursor, Model.PERSONS.schema()))
            .isInstanceOfSatisfying(ExportException.class, e -> {
              assertThat(e.getMessage()).contains("division by zero");
              assertThat(e.isRetryable()).isFalse();
            });
      }
    }

    TrackingDataSource tracking = new TrackingDataSource(dataSource);
    RecordCursor cursor = source(tracking).open(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of()));
    try (Connection locker = dataSource.getConnection(); Statement lock = locker.createStatement();
        Connection admin = schema.admin().getConnection(); Statement kill = admin.createStatement()) {
      locker.setAutoCommit(false);
      lock.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<Boolean> reading = CompletableFuture.supplyAsync(cursor::next);
      int pid = tracking.last().unwrap(PGConnection.class).getBackendPID();
      awaitWaitingOnTheLock(pid);
      kill.execute("SELECT pg_terminate_backend(" + pid + ")");
      assertThatThrownBy(() -> reading.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(ExportException.class, e -> {
            assertThat(e.getMessage()).startsWith("cannot query the table events");
            assertThat(e.isRetryable()).as("a terminated connection may work when tried again").isTrue();
          });
      cursor.close();
      locker.rollback();
    }
  }

  @Test
  void anEventNameWithNulIsRefusedClearly() {
    insertRows(20);
    SourceQuery query = new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of("sign\0up"), List.of());
    assertThatThrownBy(() -> source(dataSource).open(query)).isInstanceOfSatisfying(ExportException.class, e -> {
      assertThat(e).hasMessage("the event name 'sign\\0up' holds a NUL character, which PostgreSQL text cannot hold");
      assertThat(e.isRetryable()).isFalse();
    });
    // The result set's bound parameter meets the same refusal from the server.
    try (RecordCursor cursor = source(new HidingDataSource(dataSource)).open(query)) {
      assertThatThrownBy(cursor::next).isInstanceOfSatisfying(ExportException.class,
          e -> assertThat(e.isRetryable()).isFalse());
    }
  }

  @Test
  void literalsAreEscapedAndPlaceholdersInQuotesLeftAlone() throws SQLException {
    assertThat(CopyLiterals.withLiterals("SELECT '?', \"a?\" FROM t WHERE a = ? AND b IN (?, ?) AND c >= ?",
        List.of(7L, "it's", "back\\slash", java.time.OffsetDateTime.parse("2026-11-20T01:02:03.000004+02:00")), true))
        .isEqualTo("SELECT '?', \"a?\" FROM t WHERE a = 7 AND b IN ('it''s', 'back\\slash')"
            + " AND c >= '2026-11-19 23:02:03.000004+00:00'::timestamptz");
    assertThat(CopyLiterals.withLiterals("SELECT 1 WHERE b = ?", List.of("back\\slash"), false))
        .isEqualTo("SELECT 1 WHERE b = E'back\\\\slash'");
    assertThat(CopyLiterals.withLiterals("SELECT 1 WHERE b = ?", List.of(new Object()), true)).isNull();
    assertThatThrownBy(() -> CopyLiterals.withLiterals("SELECT ?, ?", List.of(1L), true))
        .isInstanceOf(IllegalStateException.class);
  }

  private void awaitWaitingOnTheLock(int pid) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      try (Connection connection = schema.admin().getConnection(); Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT wait_event_type FROM pg_stat_activity WHERE pid = " + pid)) {
        return rs.next() && "Lock".equals(rs.getString(1));
      }
    });
  }

  /** The connection the cursor closed is open, idle outside a transaction, in auto-commit, and answers. */
  private static void assertReturnedUsable(Connection real) throws SQLException {
    BaseConnection base = real.unwrap(BaseConnection.class);
    assertThat(real.isClosed()).isFalse();
    assertThat(real.getAutoCommit()).isTrue();
    assertThat(base.getTransactionState()).isEqualTo(TransactionState.IDLE);
    try (Statement statement = real.createStatement(); ResultSet rs = statement.executeQuery("SELECT 41 + 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
    real.close();
  }

  /** Connections wrapped in a proxy that, like some pools, cannot say what it wraps. */
  private static final class HidingDataSource extends DelegatingDataSource {
    HidingDataSource(DataSource delegate) {
      super(delegate);
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection real = delegate.getConnection();
      InvocationHandler handler = (proxy, method, args) -> {
        if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
          throw new SQLFeatureNotSupportedException("this wrapper does not unwrap");
        }
        try {
          return method.invoke(real, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      };
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          handler);
    }
  }

  /**
   * Like a pool: lends connections wrapped so that close() keeps them open (they unwrap to pgjdbc),
   * and remembers the last one so that a test can check the state it came back in.
   */
  private static final class TrackingDataSource extends DelegatingDataSource {
    private final AtomicReference<Connection> last = new AtomicReference<>();

    TrackingDataSource(DataSource delegate) {
      super(delegate);
    }

    Connection last() {
      return last.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection real = delegate.getConnection();
      last.set(real);
      InvocationHandler handler = (proxy, method, args) -> {
        switch (method.getName()) {
          case "close" -> {
            return null;
          }
          case "unwrap" -> {
            return ((Class<?>) args[0]).isInstance(real) ? real : real.unwrap((Class<?>) args[0]);
          }
          case "isWrapperFor" -> {
            return ((Class<?>) args[0]).isInstance(real) || real.isWrapperFor((Class<?>) args[0]);
          }
          default -> {
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }
        }
      };
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          handler);
    }
  }

  /** A data source whose connections come from another's. */
  private abstract static class DelegatingDataSource extends ConnectionSource {
    final DataSource delegate;

    DelegatingDataSource(DataSource delegate) {
      this.delegate = delegate;
    }
  }
}
