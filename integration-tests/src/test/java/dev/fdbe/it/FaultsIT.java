package dev.fdbe.it;

import static dev.fdbe.it.Harness.CALLER;
import static dev.fdbe.it.Harness.TEAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.TimeRange;
import dev.fdbe.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs that do not go to plan: cancelled, timed out, failing for a while or for good. */
class FaultsIT {
  private static final TimeRange DAY =
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));

  @TempDir
  Path directory;

  private Harness harness;
  private List<Map<String, Object>> rows;

  @BeforeEach
  void setUp() throws IOException {
    harness = new Harness(directory);
    rows = new Data(7).rows(Model.EVENTS, TEAM, DAY, 20_000);
    harness.insert(TEAM, Model.EVENTS, rows);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  private RecordSource jdbc() {
    return RecordSources.jdbc(harness.dataSource);
  }

  private static ExportRequest splitRequest() {
    return ExportRequest.builder(Model.EVENTS, DAY.start(), DAY.end())
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 1)).build();
  }

  private List<String> log(ExportEngine engine, RunId id, LogLevel... levels) {
    LogQuery.Builder query = LogQuery.builder().limit(500);
    if (levels.length > 0) {
      query.levels(List.of(levels));
    }
    return engine.logs(CALLER, id, query.build()).items().stream().map(RunLogEntry::message).toList();
  }

  private void assertNothingStored(RunSnapshot run) {
    assertThat(run.files()).isEmpty();
    assertThat(harness.runStore.files(run.id())).isEmpty();
    // The status ends the run before its files are deleted: wait for those.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(harness.storedKeys()).isEmpty();
      assertThat(harness.filesOnDisk()).isEmpty();
    });
  }

  /** Reads 12,000 rows (a dozen parts), then blocks until the export is stopped. */
  private RecordSource stuck() {
    return Sources.stuck(jdbc(), 12_000, new CountDownLatch(1));
  }

  @Test
  void cancelDuringALargeExportStopsItPromptlyAndDeletesItsParts() {
    ExportEngine engine = harness.started(harness.engine().recordSource(stuck()).build());
    RunId id = engine.create(CALLER, splitRequest());
    await().atMost(Duration.ofSeconds(60)).until(() -> engine.retrieve(CALLER, id).partsCompleted() >= 1);
    assertThat(harness.storedKeys()).isNotEmpty();

    long cancelledAt = System.nanoTime();
    RunSnapshot afterCancel = engine.cancel(CALLER, id);
    // The export cannot end unless the cancel reaches it (its source stays stuck for minutes), so
    // any limit well below that proves the cancel stopped it: 30 s, for a loaded two-core machine.
    await().atMost(Duration.ofSeconds(30)).until(() -> engine.executingRuns().isEmpty());
    Duration stoppedAfter = Duration.ofNanos(System.nanoTime() - cancelledAt);

    assertThat(afterCancel.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(stoppedAfter).isLessThan(Duration.ofSeconds(30));
    RunSnapshot run = engine.retrieve(CALLER, id);
    assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(run.error()).isNull();
    assertNothingStored(run);
    assertThat(log(engine, id)).anyMatch(m -> m.startsWith("Export cancelled by the user; stopped writing and deleted"));
  }

  @Test
  void cancelFromAnotherEngineReachesTheWorkerPromptly() {
    ExportEngine worker = harness.started(harness.engine().recordSource(stuck()).instanceName("worker").build());
    ExportEngine api = harness.engine().recordSource(jdbc()).instanceName("api-only").build(); // never started
    RunId id = api.create(CALLER, splitRequest());
    await().atMost(Duration.ofSeconds(60)).until(() -> api.retrieve(CALLER, id).partsCompleted() >= 1);

    api.cancel(CALLER, id);
    long cancelledAt = System.nanoTime();
    // Only the cancel, seen by the worker's poller, can end the stuck export: 30 s proves it
    // arrived (seconds, not the minutes the source would stay stuck) on a loaded machine.
    await().atMost(Duration.ofSeconds(30)).until(() -> worker.executingRuns().isEmpty());

    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(30));
    assertNothingStored(api.retrieve(CALLER, id));
  }

  @Test
  void runPastItsTimeLimitEndsTimedOut() {
    // The engine's time passes only when the test moves its clock: the run is past its limit when
    // the test says so, not when a busy machine happens to be slow (or fast) enough.
    MutableClock clock = new MutableClock(Instant.now());
    ExportEngine engine = harness.started(harness.engine().recordSource(stuck()).clock(clock)
        .timeLimit(Duration.ofSeconds(1)).build());

    RunId id = engine.create(CALLER, splitRequest());
    await().atMost(Duration.ofSeconds(60)).until(() -> engine.retrieve(CALLER, id).partsCompleted() >= 1);
    assertThat(engine.retrieve(CALLER, id).status()).isEqualTo(RunStatus.RUNNING);
    clock.advance(Duration.ofSeconds(2));
    RunSnapshot run = harness.await(engine, id);

    assertThat(run.status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(run.error()).startsWith("The export exceeded its time limit of 1s");
    assertNothingStored(run);
    assertThat(log(engine, id, LogLevel.ERROR)).singleElement().asString().startsWith("Export timed out:");
  }

  @Test
  void transientSourceFailureRecoversOnRetry() {
    AtomicInteger opened = new AtomicInteger();
    RecordSource flaky = Sources.failing(jdbc(), 2, 15_000, true, opened);
    ExportEngine engine = harness.started(harness.engine().recordSource(flaky)
        .retries(3, Duration.ofMillis(50), Duration.ofMillis(100)).build());

    RunId id = engine.create(CALLER, splitRequest());
    RunSnapshot run = harness.await(engine, id);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(opened).hasValue(3);
    assertThat(harness.read(run)).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, DAY, List.of(), List.of()));
    assertThat(harness.storedKeys()).as("parts of failed attempts are gone")
        .hasSameSizeAs(run.files()).allMatch(k -> k.contains("/attempt-3/"));
    assertThat(harness.filesOnDisk()).hasSameSizeAs(run.files());
    // Waits are fully jittered: anything from zero to the ceiling (50 ms, then 100 ms).
    List<String> retries = log(engine, id, LogLevel.WARNING).stream().filter(m -> m.startsWith("Attempt")).toList();
    assertThat(retries).hasSize(2);
    assertThat(retries.get(0)).matches("Attempt 2 failed with a transient error: connection to the source reset by "
        + "peer \\(attempt 2\\); retrying in ([0-9]{1,3}ms|0s) \\(attempt 3 of 3\\)");
    assertThat(retries.get(1)).matches("Attempt 1 failed with a transient error: connection to the source reset by "
        + "peer \\(attempt 1\\); retrying in ([0-9]{1,2}ms|0s) \\(attempt 2 of 3\\)");
    assertThat(waitMillis(retries.get(0))).isBetween(0L, 100L);
    assertThat(waitMillis(retries.get(1))).isBetween(0L, 50L);
    List<RunLogEntry> all = engine.logs(CALLER, id, LogQuery.builder().limit(500).build()).items();
    assertThat(all.stream().map(RunLogEntry::instanceId).distinct().count())
        .as("each attempt logs under its own instance id (plus the creation line)").isEqualTo(4);
    assertThat(log(engine, id, LogLevel.WARNING)).as("a data warning is logged once per run, not per attempt")
        .filteredOn(m -> m.startsWith("Column 'person_properties' holds values that are not valid JSON")).hasSize(1);
  }

  @Test
  void transientFailureThatNeverRecoversEndsFailedRetryable() {
    RecordSource broken = Sources.failing(jdbc(), -1, 10, true, new AtomicInteger());
    ExportEngine engine = harness.started(harness.engine().recordSource(broken)
        .retries(3, Duration.ofMillis(20), Duration.ofMillis(20)).build());

    RunId id = engine.create(CALLER, splitRequest());
    RunSnapshot run = harness.await(engine, id);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED_RETRYABLE);
    assertThat(run.error()).isEqualTo("Transient errors outlasted 3 attempts; the last was: connection to the source "
        + "reset by peer (attempt 3). Trying again later may work");
    assertNothingStored(run);
    assertThat(log(engine, id, LogLevel.ERROR)).containsExactly("Export failed, retryable: " + run.error());
  }

  @Test
  void permanentFailureEndsFailedAtOnce() {
    AtomicInteger opened = new AtomicInteger();
    RecordSource broken = Sources.failing(jdbc(), -1, 5_000, false, opened);
    ExportEngine engine = harness.started(harness.engine().recordSource(broken).build());

    RunId id = engine.create(CALLER, splitRequest());
    RunSnapshot run = harness.await(engine, id);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(opened).as("not retried").hasValue(1);
    assertThat(run.error()).isEqualTo("connection to the source reset by peer (attempt 1)");
    assertNothingStored(run);
    assertThat(log(engine, id, LogLevel.ERROR))
        .containsExactly("Export failed: connection to the source reset by peer (attempt 1)");
  }

  @Test
  void missingSourceTableIsAPermanentFailureNamingIt() {
    ExportEngine engine = harness.started(harness.engine()
        .recordSource(RecordSources.jdbcBuilder(harness.dataSource).table(Model.EVENTS, "no_such_events").build())
        .build());

    RunId id = engine.create(CALLER, splitRequest());
    RunSnapshot run = harness.await(engine, id);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error()).containsIgnoringCase("no_such_events");
    assertThat(log(engine, id, LogLevel.ERROR)).singleElement().asString().startsWith("Export failed: ");
  }

  @Test
  void quotaRefusalEndsFailedBilling() {
    ExportEngine engine = harness.started(harness.engine().recordSource(jdbc())
        .quotaCheck((run, team, model, interval) -> Optional.of("team " + team + " used its export quota for November"))
        .build());

    RunId id = engine.create(CALLER, splitRequest());
    RunSnapshot run = harness.await(engine, id);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED_BILLING);
    assertThat(run.error()).isEqualTo("team 1 used its export quota for November");
    assertThat(log(engine, id, LogLevel.ERROR))
        .containsExactly("Export refused by the quota check: team 1 used its export quota for November");
    assertNothingStored(run);
  }

  @Test
  void operatorTerminationStopsARunningExport() {
    ExportEngine engine = harness.started(harness.engine().recordSource(stuck()).build());
    RunId id = engine.create(CALLER, splitRequest());
    await().atMost(Duration.ofSeconds(60)).until(() -> engine.retrieve(CALLER, id).partsCompleted() >= 1);

    assertThat(engine.terminate(id, "database maintenance")).isTrue();
    // Only the termination can end the stuck export; 30 s proves it did, on a loaded machine too.
    await().atMost(Duration.ofSeconds(30)).until(() -> engine.executingRuns().isEmpty());

    RunSnapshot run = engine.retrieve(CALLER, id);
    assertThat(run.status()).isEqualTo(RunStatus.TERMINATED);
    assertThat(run.error()).isEqualTo("database maintenance");
    assertNothingStored(run);
  }

  @Test
  void gracefulShutdownReleasesTheRunAndAnotherEngineFinishesIt() {
    // Stuck until stopped: the export is still running when the grace period ends, on any machine.
    ExportEngine first = ExportEngine.builder().runStore(harness.runStore).blobStore(harness.blobStore)
        .recordSource(stuck()).instanceName("first").pollInterval(Duration.ofMillis(50))
        .shutdownGrace(Duration.ofMillis(100)).build();
    first.start();
    RunId id = first.create(CALLER, splitRequest());
    await().atMost(Duration.ofSeconds(60)).until(() -> first.retrieve(CALLER, id).partsCompleted() >= 1);

    first.close();
    assertThat(first.retrieve(CALLER, id).status()).isEqualTo(RunStatus.RUNNING);
    ExportEngine second = harness.started(harness.engine().recordSource(jdbc()).instanceName("second").build());
    RunSnapshot run = harness.await(second, id);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(harness.read(run)).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, DAY, List.of(), List.of()));
    assertThat(harness.filesOnDisk()).hasSameSizeAs(run.files());
    assertThat(log(second, id)).anyMatch(m -> m.contains("is shutting down; the export will restart"));
  }

  private static long waitMillis(String retryLine) {
    String wait = retryLine.replaceAll(".*retrying in ([0-9]+)(ms|s) .*", "$1");
    return Long.parseLong(wait);
  }
}
