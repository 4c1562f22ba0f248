package dev.fdbe.it;

import static dev.fdbe.it.Harness.CALLER;
import static dev.fdbe.it.Harness.TEAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.LogQuery;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.TimeRange;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.testing.TestDatabases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several engine processes ({@link EngineNode}) on one PostgreSQL run store and one storage
 * directory, as several service instances would run: they share the work, take over from a process
 * killed with SIGKILL, obey a cancel issued anywhere, hold the per-team limit together, and split a
 * sliced run between them. Runs when FDBE_TEST_POSTGRES_URL is set.
 */
@Tag("postgres")
class ScaleOutIT {
  private static final Instant OCTOBER = Instant.parse("2026-10-01T00:00:00Z");
  /**
   * The lease of a live engine: far longer than any stall of a loaded machine running several
   * engine processes, so that no engine takes a run over from one that is merely slow.
   */
  private static final int LIVE_LEASE_SECONDS = 60;
  /** The lease of an engine the test kills: the survivors wait this long to take its runs over. */
  private static final int DOOMED_LEASE_SECONDS = 3;

  @TempDir
  Path directory;

  private TestDatabases.PostgresSchema schema;
  private Harness harness;
  /** An engine in this JVM for reading runs back; it never executes any. */
  private ExportEngine api;
  private final List<Node> nodes = new ArrayList<>();
  private final Data data = new Data(8);

  @BeforeEach
  void setUp() throws IOException {
    schema = TestDatabases.postgres();
    harness = new Harness(directory, schema.dataSource());
    api = harness.engine().recordSource(RecordSources.jdbc(harness.dataSource)).build();
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(Node::kill);
    harness.close();
    schema.drop();
  }

  private static TimeRange day(int index) {
    Instant start = OCTOBER.plus(Duration.ofDays(index));
    return new TimeRange(start, start.plus(Duration.ofDays(1)));
  }

  private List<Map<String, Object>> load(TimeRange interval, int count) {
    List<Map<String, Object>> rows = data.rows(Model.EVENTS, TEAM, interval, count);
    harness.insert(TEAM, Model.EVENTS, rows);
    return rows;
  }

  private List<Node> start(int count, int workers, int rowsPerPause, int sliceMinutes, int perTeam)
      throws Exception {
    return start(count, workers, rowsPerPause, sliceMinutes, perTeam, LIVE_LEASE_SECONDS);
  }

  private List<Node> start(int count, int workers, int rowsPerPause, int sliceMinutes, int perTeam,
      int leaseSeconds) throws Exception {
    List<CompletableFuture<Node>> starting = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "node-" + (char) ('a' + nodes.size() + i);
      starting.add(CompletableFuture.supplyAsync(() -> Node.start(directory, name, List.of(schema.url(),
          harness.storageRoot.toUri().toString(), name, Integer.toString(workers), Integer.toString(rowsPerPause),
          Integer.toString(sliceMinutes), Integer.toString(perTeam), Integer.toString(leaseSeconds)))));
    }
    List<Node> started = new ArrayList<>();
    for (CompletableFuture<Node> node : starting) {
      started.add(node.get(60, TimeUnit.SECONDS));
    }
    nodes.addAll(started);
    return started;
  }

  private RunSnapshot completed(RunId id) {
    RunSnapshot run = api.awaitTerminal(CALLER, id, Duration.ofSeconds(120));
    assertThat(run.status()).as("run %s: %s", id, run.error()).isEqualTo(RunStatus.COMPLETED);
    return run;
  }

  private RunRecord record(RunId id) {
    return harness.runStore.find(id).orElseThrow();
  }

  private List<String> messages(RunId id) {
    return api.logs(CALLER, id, LogQuery.builder().limit(500).build()).items().stream()
        .map(RunLogEntry::message).toList();
  }

  /** Every object in storage is a file some run lists: no orphans, no temporary files. */
  private void assertNoOrphans() {
    Set<Path> listed = new HashSet<>();
    try (Connection connection = harness.dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT id FROM fdbe_runs")) {
      while (rs.next()) {
        for (FileRecord file : harness.runStore.files(RunId.parse(rs.getString(1)))) {
          listed.add(harness.storageRoot.resolve(file.key()).normalize());
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    assertThat(harness.filesOnDisk()).map(Path::normalize).containsExactlyInAnyOrderElementsOf(listed);
  }

  @Test
  void thirtyRunsCreatedAcrossThreeEnginesEachCompleteOnce() throws Exception {
    List<List<Map<String, Object>>> rows = new ArrayList<>();
    for (int d = 0; d < 30; d++) {
      rows.add(load(day(d), 300));
    }
    List<Node> three = start(3, 2, 30, 0, 50);
    three.forEach(node -> node.call("START"));

    List<CompletableFuture<String>> creates = new ArrayList<>();
    for (int d = 0; d < 30; d++) {
      TimeRange interval = day(d);
      creates.add(three.get(d % 3).send("CREATE 1 " + interval.start() + " " + interval.end() + " 0"));
    }
    List<RunId> ids = new ArrayList<>();
    for (CompletableFuture<String> create : creates) {
      ids.add(RunId.parse(create.get(60, TimeUnit.SECONDS)));
    }

    Set<String> executors = new HashSet<>();
    for (int d = 0; d < 30; d++) {
      RunSnapshot run = completed(ids.get(d));
      assertThat(harness.read(run)).as("day %d", d)
          .containsExactlyElementsOf(Data.expected(Model.EVENTS, rows.get(d), day(d), List.of(), List.of()));
      RunRecord record = record(run.id());
      assertThat(record.attempts()).as("executed once").isOne();
      // The completion line follows the commit; wait for it rather than race it.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(messages(run.id())).filteredOn(m -> m.startsWith("Export completed")).hasSize(1));
      executors.add(record.leaseOwner());
    }
    assertThat(executors).as("every engine took a share").containsExactlyInAnyOrder("node-a", "node-b", "node-c");
    assertNoOrphans();
  }

  @Test
  void runsOfAKilledEngineCompleteElsewhereExactlyOnceWithoutOrphans() throws Exception {
    List<List<Map<String, Object>>> rows = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      rows.add(load(day(d), 12_000));
    }
    // Each run reads 2,000 rows (a few parts) and then stays stuck: none can finish before the kill.
    Node doomed = start(1, 4, -2_000, 0, 10, DOOMED_LEASE_SECONDS).get(0);
    List<RunId> ids = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      ids.add(RunId.parse(doomed.call("CREATE 1 " + day(d).start() + " " + day(d).end() + " 1")));
    }
    doomed.call("START");
    await().atMost(Duration.ofSeconds(60)).until(() -> doomed.call("ACTIVE").split(",").length == 4
        && harness.storedKeys().size() >= 2);
    doomed.kill();
    assertThat(harness.filesOnDisk()).as("the killed engine left parts behind").hasSizeGreaterThanOrEqualTo(2);

    start(2, 2, 0, 0, 10).forEach(node -> node.call("START"));
    for (int d = 0; d < 4; d++) {
      RunSnapshot run = completed(ids.get(d));
      List<Map<String, Object>> read = harness.read(run);
      assertThat(read).extracting(r -> r.get("uuid")).doesNotHaveDuplicates();
      assertThat(read).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows.get(d), day(d), List.of(),
          List.of()));
      RunRecord record = record(run.id());
      assertThat(record.attempts()).isEqualTo(2);
      assertThat(record.leaseOwner()).isIn("node-b", "node-c");
      assertThat(messages(run.id())).anyMatch(m -> m.startsWith("Taking the export over from an engine whose lease"))
          .noneMatch(m -> m.contains("node-"));
    }
    assertNoOrphans();
  }

  @Test
  void aCancelIssuedOnOneEngineStopsTheRunOnAnotherPromptly() throws Exception {
    load(day(0), 20_000);
    // The executor's export reads 1,000 rows and then stays stuck until stopped.
    List<Node> two = start(2, 1, -1_000, 0, 10);
    Node executor = two.get(0);
    Node frontEnd = two.get(1);
    executor.call("START");
    RunId id = RunId.parse(frontEnd.call("CREATE 1 " + day(0).start() + " " + day(0).end() + " 1"));
    await().atMost(Duration.ofSeconds(60)).until(() -> executor.call("ACTIVE").contains(id.toString()));

    long cancelled = System.nanoTime();
    frontEnd.call("CANCEL 1 " + id);
    // Only the cancel, seen by the executor's poller, can end the stuck export: 30 s proves it
    // arrived (seconds, not the minutes the source would stay stuck) on a loaded machine too.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> !executor.call("ACTIVE").contains(id.toString()));
    Duration reached = Duration.ofNanos(System.nanoTime() - cancelled);

    assertThat(reached).as("the executing engine stopped the run").isLessThan(Duration.ofSeconds(30));
    assertThat(api.retrieve(CALLER, id).status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(messages(id)).anyMatch(m -> m.startsWith("Export cancelled"));
    await().atMost(Duration.ofSeconds(60)).until(() -> harness.filesOnDisk().isEmpty());
  }

  @Test
  void fiftyConcurrentCreatesAcrossEnginesAdmitExactlyTheLimit() throws Exception {
    List<Node> three = start(3, 1, 0, 0, 10);
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(three.get(i % 3).sendRaw("CREATE 7 " + day(i % 20).start() + " " + day(i % 20).end() + " 0"));
    }
    Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    for (CompletableFuture<String> answer : answers) {
      String text = answer.get(60, TimeUnit.SECONDS);
      outcomes.merge(text.startsWith("OK") ? "admitted" : text.split(" ")[1], 1, Integer::sum);
    }
    assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of("admitted", 10, "TooManyRunsException", 40));
    try (Connection connection = harness.dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM fdbe_runs WHERE team_id = 7")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(10);
    }
  }

  @Test
  void aSlicedRunEqualsTheUnslicedExportAndItsSlicesRunOnSeveralEngines() throws Exception {
    List<Map<String, Object>> rows = Data.withLaterCopies(data.rows(Model.EVENTS, TEAM, day(3), 6_000), 9,
        Duration.ofHours(7));
    harness.insert(TEAM, Model.EVENTS, rows);
    ExportEngine unsliced = harness.started(harness.engine().recordSource(RecordSources.jdbc(harness.dataSource))
        .instanceName("in-test").build());
    RunId whole = unsliced.create(CALLER, ExportRequest.builder(Model.EVENTS, day(3).start(), day(3).end())
        .file(FileConfig.of(FileFormat.JSON_LINES)).build());
    completed(whole);
    unsliced.close();

    // Each slice takes at least two seconds (1,000 rows, 10 ms every 5), however fast the machine,
    // and an engine runs two at once: one engine alone needs three rounds for the six, far longer
    // than the others take to start, which they are told to do together.
    List<Node> three = start(3, 2, 5, 240, 10);
    RunId sliced = RunId.parse(three.get(0).call("CREATE 1 " + day(3).start() + " " + day(3).end() + " 0"));
    List<CompletableFuture<String>> starting = three.stream().map(node -> node.send("START")).toList();
    for (CompletableFuture<String> started : starting) {
      started.get(60, TimeUnit.SECONDS);
    }
    RunSnapshot run = completed(sliced);

    List<RunRecord> slices = harness.runStore.slices(sliced);
    assertThat(slices).hasSize(6).allMatch(s -> s.status() == RunStatus.COMPLETED && s.attempts() == 1);
    assertThat(slices.stream().map(RunRecord::leaseOwner).collect(Collectors.toSet()))
        .as("slices ran on several engines").hasSizeGreaterThanOrEqualTo(2);
    assertThat(run.recordsCompleted()).isEqualTo(6_000);
    assertThat(harness.read(run)).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, day(3), List.of(),
        List.of()));
    assertThat(String.join("", harness.bytes(sliced).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList()))
        .isEqualTo(String.join("", harness.bytes(whole).stream().map(b -> new String(b, StandardCharsets.UTF_8))
            .toList()));
    assertNoOrphans();
  }

  /** An {@link EngineNode} process and the answers to the commands sent to it. */
  private static final class Node {
    private final String name;
    private final Process process;
    private final Writer commands;
    private final Path log;
    private final AtomicInteger numbers = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private Node(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
      this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader = new Thread(this::read, name + "-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static Node start(Path directory, String name, List<String> args) {
      try {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-cp", System.getProperty("java.class.path"), EngineNode.class.getName()));
        command.addAll(args);
        Path log = directory.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        Node node = new Node(name, process, log);
        node.ready.get(60, TimeUnit.SECONDS);
        return node;
      } catch (Exception e) {
        throw new IllegalStateException("engine process " + name + " did not start", e);
      }
    }

    private void read() {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.equals("READY")) {
            ready.complete(null);
            continue;
          }
          int space = line.indexOf(' ');
          CompletableFuture<String> answer = space < 0 ? null : pending.remove(Integer.parseInt(line.substring(0, space)));
          if (answer != null) {
            answer.complete(line.substring(space + 1));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // The process died; whatever waits fails below.
      }
      IllegalStateException gone = new IllegalStateException(name + " exited; its log: " + logText());
      ready.completeExceptionally(gone);
      pending.values().forEach(f -> f.completeExceptionally(gone));
    }

    private String logText() {
      try {
        return Files.exists(log) ? Files.readString(log) : "(none)";
      } catch (IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    }

    /** Sends a command; the answer is {@code OK [result]} or {@code ERR Exception message}. */
    CompletableFuture<String> sendRaw(String command) {
      int number = numbers.incrementAndGet();
      CompletableFuture<String> answer = new CompletableFuture<>();
      pending.put(number, answer);
      try {
        synchronized (commands) {
          commands.write(number + " " + command + "\n");
          commands.flush();
        }
      } catch (IOException e) {
        pending.remove(number);
        answer.completeExceptionally(new IllegalStateException(name + " is gone: " + logText(), e));
      }
      return answer;
    }

    /** Sends a command that must succeed; completes with its result. */
    CompletableFuture<String> send(String command) {
      return sendRaw(command).thenApply(answer -> {
        if (!answer.startsWith("OK")) {
          throw new IllegalStateException(name + " refused '" + command + "': " + answer);
        }
        return answer.substring(2).trim();
      });
    }

    /** Sends a command that must succeed and waits for its result. */
    String call(String command) {
      try {
        return send(command).get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(name + ": " + command, e);
      }
    }

    /** SIGKILL: no shutdown hook, no cleanup, leases left to expire. */
    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
