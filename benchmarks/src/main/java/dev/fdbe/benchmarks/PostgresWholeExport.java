package dev.fdbe.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fdbe.BlobStores;
import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.TimeRange;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.SourceQuery;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A whole export of events from PostgreSQL through the engine, next to what {@code psql} takes to
 * read the same rows: how close an export comes to the database's own speed of handing the rows
 * out, and what the source's deduplicating select costs over a plain ordered read.
 *
 * <p>Against a PostgreSQL database (default {@code jdbc:postgresql://127.0.0.1:5432/fdbe_benchpg?user=postgres},
 * option {@code --url}; created through the server's {@code postgres} database when missing), it
 * builds once the reference {@code events} table with {@code --rows} events of team 1 over seven
 * days (default 1,000,000; one in 200 repeats the uuid of the row before it, as retried deliveries
 * do), a fifth as many again for each of teams 2 and 3, and {@code EventRows}' properties of
 * 300–800 bytes; loaded with {@code COPY FROM STDIN}, then vacuumed and analyzed (as autovacuum
 * would do soon after such a load; this server may run without it). Then, in each of
 * {@code --repetitions} rounds (default 5), alternating:
 * <ol>
 *   <li>{@code psql \copy} of the plain ordered read of the interval to {@code /dev/null} (binary);
 *   <li>{@code psql \copy} of what the library's source runs to read the rows, captured from the
 *       source itself, so the two can never drift apart: the list of the interval's copied uuids,
 *       then the select (the statement it prepares to describe the columns is the one inside its
 *       {@code COPY}), one after the other in one {@code psql} session;
 *   <li>the same beside the source's count query ({@code records_total}, also captured), two
 *       {@code psql} at once: what an export asks of the server when it counts on a second
 *       connection while the rows are read; not run when the source counts by its list of copied
 *       uuids (a whole interval without event filters), where the line before is all it asks;
 *   <li>a whole export per format through {@link ExportEngine} (in-memory run store, the JDBC source
 *       on this database, local files, one worker, compression none), create to completed, the
 *       {@code records_total} count included.
 * </ol>
 * Prints one JSON line per measurement, then the table {@link PostgresLines} writes into the suite's
 * report: medians (min–max) and the ratios of an export to {@code psql} of the source's select and of
 * that select to the plain read; {@code --out FILE} writes the measurements as a JSON array (how
 * {@link Suite} runs it).
 *
 * <p>{@code java -Xmx1g -cp benchmarks/target/benchmarks.jar dev.fdbe.benchmarks.PostgresWholeExport
 * --rows 1000000 --repetitions 5}. Needs {@code psql} on the path. The table is kept between runs
 * and rebuilt only when its row count differs.
 */
public final class PostgresWholeExport {
  private static final Duration SPAN = Duration.ofDays(7);
  /** One row in this many repeats the uuid of the row before it. */
  private static final int DUPLICATE_EVERY = 200;
  private static final String INVALID_CATALOG_NAME = "3D000";
  private static final String DUPLICATE_DATABASE = "42P04";

  /**
   * One measurement: what ran, in which round, how many rows, how fast, the load average at its end,
   * and the core-seconds the whole machine was busy meanwhile ({@link MachineCpu}; -1 where unknown),
   * the database server's work included.
   */
  public record Measurement(String name, int repetition, long rows, double seconds, double rowsPerSecond,
      long bytes, double loadAverage, double cpuSeconds) {}

  /** The psql lines, by name: the plain ordered read, the source's select, and it with its count at once. */
  static final String PLAIN = "psql plain ordered read";
  static final String SOURCE = "psql source select";
  static final String BOTH = "psql source select + count, concurrently";

  private PostgresWholeExport() {}

  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:5432/fdbe_benchpg?user=postgres";
    long rows = 1_000_000;
    int repetitions = 5;
    List<FileFormat> formats = List.of(FileFormat.JSON_LINES, FileFormat.CSV, FileFormat.PARQUET);
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--url" -> url = required(args[i], value);
        case "--rows" -> rows = Long.parseLong(required(args[i], value));
        case "--repetitions" -> repetitions = Integer.parseInt(required(args[i], value));
        case "--formats" -> formats = Stream.of(required(args[i], value).split(",")).map(FileFormat::valueOf).toList();
        case "--out" -> out = Path.of(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "'; options: --url jdbc:postgresql://HOST:PORT/DB?user=U --rows N --repetitions R"
            + " --formats JSON_LINES,CSV,PARQUET --out FILE (the measurements as a JSON array)");
      }
      i++;
    }
    if (rows < DUPLICATE_EVERY || repetitions < 1) {
      throw new IllegalArgumentException("--rows must be at least " + DUPLICATE_EVERY + " and --repetitions at least 1");
    }
    List<Measurement> all = run(url, rows, repetitions, formats);
    System.err.print("\n" + PostgresLines.markdown(all));
    if (out != null) {
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), all);
    }
  }

  /**
   * Why the benchmark cannot run against the database, or empty when it can: the server answers
   * JDBC (the database is created first when missing) and {@code psql} connects to it.
   */
  static Optional<String> unreachable(String url) throws InterruptedException {
    try {
      createDatabaseIfMissing(url);
    } catch (SQLException | RuntimeException e) {
      return Optional.of("cannot connect to " + url + " (" + e.getMessage() + ")");
    }
    Process psql;
    try {
      psql = new ProcessBuilder("psql", "-X", "-q", "-d", url.substring("jdbc:".length()), "-c", "SELECT 1")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      return Optional.of("psql cannot be started (" + e.getMessage() + ")");
    }
    int exit = psql.waitFor();
    return exit == 0 ? Optional.empty() : Optional.of("psql cannot connect to " + url + " (exit " + exit + ")");
  }

  /**
   * Creates the URL's database through the server's {@code postgres} database when it does not
   * exist, so that a fresh server needs no setup; a database created meanwhile by another run is
   * left as it is.
   */
  static void createDatabaseIfMissing(String url) throws SQLException {
    PGSimpleDataSource target = new PGSimpleDataSource();
    target.setURL(url);
    try (Connection connection = target.getConnection()) {
      return;
    } catch (SQLException e) {
      if (!INVALID_CATALOG_NAME.equals(e.getSQLState())) {
        throw e;
      }
    }
    PGSimpleDataSource server = new PGSimpleDataSource();
    server.setURL(url);
    server.setDatabaseName("postgres");
    try (Connection connection = server.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + target.getDatabaseName().replace("\"", "\"\"") + "\"");
      System.err.println("created database " + target.getDatabaseName());
    } catch (SQLException e) {
      if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** Seeds (or reuses) the table, then measures every round; prints each measurement as it ends. */
  static List<Measurement> run(String url, long rows, int repetitions, List<FileFormat> formats) throws Exception {
    createDatabaseIfMissing(url);
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url);
    String psqlUri = url.substring("jdbc:".length());
    long expected = seed(dataSource, rows);
    SourceStatements source = sourceQueries(dataSource);
    String plainSelect = "SELECT " + String.join(", ", EventRows.COLUMNS) + " FROM events WHERE team_id = "
        + WholeExport.TEAM.value() + " AND timestamp >= '" + WholeExport.START + "'::timestamptz AND timestamp < '" + WholeExport.START.plus(SPAN)
        + "'::timestamptz ORDER BY team_id, timestamp, uuid";
    System.err.println("source select: " + String.join("; then ", source.select()));
    System.err.println("source count: " + (source.count() == null ? "none, the list counts" : source.count()));
    ObjectMapper json = new ObjectMapper();
    List<Measurement> measurements = new ArrayList<>();
    Path files = Files.createTempDirectory("fdbe-pg-export");
    try (ExportEngine engine = ExportEngine.builder()
        .runStore(RunStores.inMemory())
        .recordSource(RecordSources.jdbc(dataSource))
        .blobStore(BlobStores.fromUri(files.toUri()))
        .workers(1)
        .maxIntervalLength(SPAN)
        .build()) {
      engine.start();
      // Unmeasured: one day of each format, so that the measured exports run compiled code.
      for (FileFormat format : formats) {
        export(engine, format, WholeExport.START.plus(Duration.ofDays(1)), -1);
      }
      for (int r = 1; r <= repetitions; r++) {
        List<Measurement> round = new ArrayList<>();
        round.add(psql(PLAIN, r, psqlUri, rows, List.of(plainSelect)));
        round.add(psql(SOURCE, r, psqlUri, expected, source.select()));
        if (source.count() != null) {
          round.add(psql(BOTH, r, psqlUri, expected, source.select(), List.of(source.count())));
        }
        for (FileFormat format : formats) {
          double cpu = MachineCpu.busySeconds();
          long started = System.nanoTime();
          long bytes = export(engine, format, WholeExport.START.plus(SPAN), expected);
          round.add(measurement("export " + format.wireName(), r, expected, started, cpu, bytes));
          deleteTree(files, false);
        }
        for (Measurement measurement : round) {
          System.out.println(json.writeValueAsString(measurement));
        }
        measurements.addAll(round);
      }
    } finally {
      deleteTree(files, true);
    }
    return measurements;
  }

  private static Measurement measurement(String name, int repetition, long rows, long startedNanos,
      double startedCpu, long bytes) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    double cpuSeconds = MachineCpu.between(startedCpu, MachineCpu.busySeconds());
    return new Measurement(name, repetition, rows, seconds, rows / seconds, bytes, loadAverage(), cpuSeconds);
  }

  /** Exports the interval from {@link WholeExport#START} to {@code end}; checks every row went out when {@code expected >= 0}. */
  private static long export(ExportEngine engine, FileFormat format, Instant end, long expected)
      throws InterruptedException {
    RunId id = engine.create(WholeExport.CALLER, ExportRequest.builder(Model.EVENTS, WholeExport.START, end)
        .file(new FileConfig(format, Compression.NONE, 0)).build());
    RunSnapshot run = engine.awaitTerminal(WholeExport.CALLER, id, Duration.ofHours(2));
    check(run.status() == RunStatus.COMPLETED, "export " + id + " ended " + run.status() + ": " + run.error());
    if (expected >= 0) {
      check(run.recordsCompleted() == expected, "export " + id + " wrote " + run.recordsCompleted() + " rows, not "
          + expected);
      check(run.recordsTotal() != null && run.recordsTotal() == expected,
          "export " + id + " counted " + run.recordsTotal() + " rows, not " + expected);
    }
    return run.bytesExported();
  }

  /**
   * Times {@code psql} sessions running at once, each copying its statements' rows to
   * {@code /dev/null} one after the other.
   */
  @SafeVarargs
  private static Measurement psql(String name, int repetition, String uri, long rows, List<String>... sessions)
      throws IOException, InterruptedException {
    List<Process> processes = new ArrayList<>();
    double cpu = MachineCpu.busySeconds();
    long started = System.nanoTime();
    for (List<String> session : sessions) {
      List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", uri));
      for (String select : session) {
        if (select.indexOf('\n') >= 0) {
          throw new IllegalArgumentException("\\copy needs its select on one line: " + select);
        }
        command.addAll(List.of("-c", "\\copy (" + select + ") TO '/dev/null' (FORMAT binary)"));
      }
      processes.add(new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }
    for (Process process : processes) {
      int exit = process.waitFor();
      check(exit == 0, "psql exited with " + exit + " for " + name);
    }
    return measurement(name, repetition, rows, started, cpu, 0);
  }

  /**
   * The statements the JDBC source runs for the whole interval, as PostgreSQL receives them. The
   * source lists the interval's copied uuids with a prepared statement, prepares its select (with
   * its parameters written in as literals) to learn the column types, then runs it inside
   * {@code COPY (...) TO STDOUT}; it counts with a prepared statement on a connection of its own.
   * All are recorded through a data source whose connections note every statement prepared on them
   * and the parameters bound to it; the list's and the count's parameters are then written in as
   * literals, for {@code psql}.
   */
  static SourceStatements sourceQueries(DataSource dataSource) {
    List<String> prepared = new CopyOnWriteArrayList<>();
    Map<String, Map<Integer, Object>> bound = new ConcurrentHashMap<>();
    DataSource recording = recording(dataSource, prepared, bound);
    SourceQuery query = new SourceQuery(WholeExport.TEAM, Model.EVENTS, new TimeRange(WholeExport.START, WholeExport.START.plus(SPAN)), List.of(),
        List.of());
    try (RecordCursor cursor = RecordSources.jdbc(recording).open(query)) {
      check(cursor.next(), "the source read no row of the interval");
      check(cursor.count().isPresent(), "the source did not count");
    }
    List<String> lists = prepared.stream().filter(sql -> sql.startsWith("WITH copied ")).distinct().toList();
    List<String> selects = prepared.stream()
        .filter(sql -> !sql.contains("COUNT(") && sql.indexOf('?') < 0 && sql.startsWith("SELECT")).distinct().toList();
    List<String> counts = prepared.stream().filter(sql -> sql.startsWith("SELECT COUNT(")).distinct().toList();
    check(lists.size() <= 1 && selects.size() == 1 && counts.size() <= 1, "expected the source to prepare at most one"
        + " list of copied uuids, one select with literals and at most one count, it prepared " + prepared);
    List<String> select = new ArrayList<>();
    for (String list : lists) {
      select.add(withLiterals(list, bound.getOrDefault(list, Map.of())));
    }
    select.add(selects.get(0));
    return new SourceStatements(select, counts.isEmpty() ? null
        : withLiterals(counts.get(0), bound.getOrDefault(counts.get(0), Map.of())));
  }

  /**
   * What the source runs for an export of events, as {@code psql} can run it.
   *
   * @param select what reads the rows, in order: the list of copied uuids (of which the cursor skips
   *     all rows but the earliest), then the plain ordered select
   * @param count the count of {@code records_total}, on a connection of its own; null when the list
   *     of copied uuids counts the rows too, as it does for a whole interval without event filters
   */
  record SourceStatements(List<String> select, @Nullable String count) {}

  /** The statement with its {@code n}th {@code ?} outside quotes replaced by parameter {@code n} as a literal. */
  static String withLiterals(String sql, Map<Integer, Object> params) {
    StringBuilder out = new StringBuilder();
    int next = 1;
    boolean quoted = false;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (c == '?' && !quoted) {
        Object value = params.get(next++);
        if (value instanceof Number) {
          out.append(value);
        } else if (value instanceof OffsetDateTime || value instanceof Instant || value instanceof String) {
          out.append('\'').append(value.toString().replace("'", "''")).append('\'');
          if (!(value instanceof String)) {
            out.append("::timestamptz");
          }
        } else {
          throw new IllegalStateException("parameter " + (next - 1) + " of " + sql + " is " + value
              + ", which has no literal form here");
        }
        continue;
      }
      out.append(c);
    }
    check(next == params.size() + 1, "the count has " + (next - 1) + " placeholders for " + params.size()
        + " parameters");
    return out.toString();
  }

  private static DataSource recording(DataSource dataSource, List<String> prepared,
      Map<String, Map<Integer, Object>> bound) {
    InvocationHandler dataSources = (proxy, method, args) -> {
      Object result = invoke(dataSource, method, args);
      if (result instanceof Connection connection) {
        return Proxy.newProxyInstance(PostgresWholeExport.class.getClassLoader(), new Class<?>[] {Connection.class},
            (p, m, a) -> {
              Object made = invoke(connection, m, a);
              if (m.getName().equals("prepareStatement") && a != null && a.length > 0 && a[0] instanceof String sql) {
                prepared.add(sql);
                Map<Integer, Object> params = bound.computeIfAbsent(sql, k -> new ConcurrentHashMap<>());
                PreparedStatement statement = (PreparedStatement) made;
                return Proxy.newProxyInstance(PostgresWholeExport.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (ps, sm, sa) -> {
                      if (sm.getName().equals("setObject") && sa.length >= 2 && sa[0] instanceof Integer index) {
                        params.put(index, sa[1]);
                      }
                      return invoke(statement, sm, sa);
                    });
              }
              return made;
            });
      }
      return result;
    };
    return (DataSource) Proxy.newProxyInstance(PostgresWholeExport.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, dataSources);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * Builds the events table unless it holds this seed's rows already (its comment says so); returns
   * the rows of team 1 the interval holds after deduplication, which every export must write.
   */
  static long seed(PGSimpleDataSource dataSource, long rows) throws SQLException, IOException {
    String marker = "PostgresWholeExport rows=" + rows + " seed=7 v3";
    RecordSources.createReferenceTables(dataSource);
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      try (ResultSet comment = statement.executeQuery("SELECT obj_description('events'::regclass, 'pg_class')")) {
        comment.next();
        if (marker.equals(comment.getString(1))) {
          return distinct(statement);
        }
      }
      long started = System.nanoTime();
      statement.execute("TRUNCATE events");
      statement.execute("DROP INDEX IF EXISTS events_team_time");
      statement.execute("DROP INDEX IF EXISTS events_team_uuid");
      statement.execute("DROP INDEX IF EXISTS events_team_uuid_time");
      long loaded = copyIn(connection.unwrap(BaseConnection.class), rows);
      System.err.printf("loaded %,d rows in %.1f s%n", loaded, (System.nanoTime() - started) / 1e9);
      RecordSources.createReferenceTables(dataSource); // the indexes again, built once over the loaded rows
      // As autovacuum would soon after a load: pages all-visible, so that index-only scans can skip the heap.
      statement.execute("VACUUM ANALYZE events");
      statement.execute("COMMENT ON TABLE events IS '" + marker + "'");
      System.err.printf("seeded, indexed, vacuumed and analyzed in %.1f s%n", (System.nanoTime() - started) / 1e9);
      return distinct(statement);
    }
  }

  private static long distinct(Statement statement) throws SQLException {
    try (ResultSet count = statement.executeQuery("SELECT COUNT(DISTINCT uuid) FROM events WHERE team_id = "
        + WholeExport.TEAM.value() + " AND timestamp >= '" + WholeExport.START + "' AND timestamp < '" + WholeExport.START.plus(SPAN) + "'")) {
      count.next();
      return count.getLong(1);
    }
  }

  /**
   * Streams the rows to {@code COPY events FROM STDIN} in PostgreSQL's text format: team 1's
   * {@code rows} in time order, each fifth row followed by one of team 2 and one of team 3.
   */
  private static long copyIn(BaseConnection connection, long rows) throws IOException, SQLException {
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream out = new PipedOutputStream(in);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
        Random random = new Random(7);
        long step = SPAN.toNanos() / 1_000 / rows;
        long startMicros = WholeExport.START.getEpochSecond() * 1_000_000L;
        String previousUuid = null;
        for (long i = 0; i < rows; i++) {
          long micros = startMicros + i * step;
          Row row = EventRows.next(random, micros);
          String uuid = i % DUPLICATE_EVERY == DUPLICATE_EVERY - 1 ? previousUuid : row.getString(0);
          line(text, WholeExport.TEAM.value(), uuid, row);
          previousUuid = uuid;
          if (i % 5 == 0) {
            line(text, 2, EventRows.next(random, micros).getString(0), EventRows.next(random, micros));
            line(text, 3, EventRows.next(random, micros).getString(0), EventRows.next(random, micros));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      return new CopyManager(connection).copyIn("COPY events (team_id, " + String.join(", ", EventRows.COLUMNS)
          + ") FROM STDIN", in);
    } finally {
      in.close();
      writer.join();
    }
  }

  private static void line(Writer text, long team, String uuid, Row row) throws IOException {
    text.write(Long.toString(team));
    for (int i = 0; i < EventRows.SCHEMA.size(); i++) {
      text.write('\t');
      if (i == 0) {
        text.write(uuid);
      } else if (row.isNull(i)) {
        text.write("\\N");
      } else if (EventRows.SCHEMA.column(i).type() == ColumnType.TIMESTAMP) {
        long micros = row.getTimestampMicros(i);
        text.write(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
            .toString());
      } else {
        escape(text, row.getString(i));
      }
    }
    text.write('\n');
  }

  /** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
  static void escape(Writer text, String value) throws IOException {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> text.write("\\\\");
        case '\t' -> text.write("\\t");
        case '\n' -> text.write("\\n");
        case '\r' -> text.write("\\r");
        default -> text.write(c);
      }
    }
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  private static void deleteTree(Path root, boolean itself) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (itself || !path.equals(root)) {
          Files.delete(path);
        }
      }
    }
  }
}
