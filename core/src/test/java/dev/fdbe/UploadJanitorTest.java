package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.Lease;
import dev.fdbe.internal.blob.InMemoryBlobStore;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.UploadJournal;
import dev.fdbe.spi.UploadRecord;
import dev.fdbe.testing.LinesFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.fdbe.internal.source.InMemoryRecordSource;

/**
 * Multipart uploads never outlive their attempt: each is recorded under the lease before data is
 * sent, closed when committed, and aborted by the janitor when no live attempt owns it.
 */
class UploadJanitorTest {
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");

  private final RunStore runStore = RunStores.inMemory();
  private final BlobStore blobStore = BlobStores.inMemory();
  private final InMemoryBlobStore multipart = (InMemoryBlobStore) blobStore;
  private final InMemoryRecordSource source = new InMemoryRecordSource();
  private ExportEngine engine;

  private ExportEngine start() {
    engine = ExportEngine.builder().runStore(runStore).blobStore(blobStore).recordSource(source)
        .formats(List.of(new LinesFormat())).pollInterval(Duration.ofMillis(20)).leaseDuration(Duration.ofSeconds(60))
        .maintenanceInterval(Duration.ofMillis(50)).build();
    engine.start();
    return engine;
  }

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.close();
    }
  }

  private static ExportRequest day() {
    return ExportRequest.builder(Model.EVENTS, DAY, DAY.plus(Duration.ofDays(1)))
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 1)).build();
  }

  @Test
  void aCompletedRunLeavesNoUploadOpenAndNoneRecorded() {
    for (int i = 0; i < 50; i++) {
      source.add(TEAM, Model.EVENTS, Map.of("uuid", UUID.randomUUID().toString(), "event", "e",
          "timestamp", DAY.plusSeconds(i)));
    }
    RunId id = start().create(CALLER, day());

    assertThat(engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60)).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(multipart.openUploadCount("")).isZero();
    assertThat(runStore.uploads(10)).isEmpty();
  }

  @Test
  void theUploadOfACrashedAttemptIsAbortedAndTheRunCompletesOnTakeover() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    RunRecord run = RunRecord.starting(RunId.random(), TEAM, day(), now);
    runStore.insert(run, 10);
    Lease crashed = runStore.claim(run.id(), 0, AttemptId.random(), "crashed-engine", now.minusSeconds(60),
        now.minusSeconds(30)).orElseThrow();
    String key = TEAM + "/" + run.id() + "/attempt-1/part.jsonl";
    multipart.beginUpload(key, runStore.uploadJournal(crashed.runId(), crashed.epoch(), InstantSource.fixed(now)));
    assertThat(multipart.openUploadCount("")).isOne();

    start();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(multipart.openUploadCount("")).isZero();
      assertThat(runStore.uploads(10)).isEmpty();
    });
    assertThat(engine.awaitTerminal(CALLER, run.id(), Duration.ofSeconds(60)).status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void anUnrecordedUploadOfAnEndedRunIsAbortedWithItsFiles() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    RunRecord run = RunRecord.starting(RunId.random(), TEAM, day(), now);
    runStore.insert(run, 10);
    runStore.stop(run.id(), RunStatus.CANCELLED, null, now);
    multipart.beginUpload(TEAM + "/" + run.id() + "/attempt-1/part.jsonl", UploadJournal.NONE);

    start();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(multipart.openUploadCount("")).isZero();
      assertThat(runStore.find(run.id()).orElseThrow().storageCleaned()).isTrue();
    });
  }

  @Test
  void anUploadOfALiveAttemptIsLeftAlone() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    RunRecord run = RunRecord.starting(RunId.random(), TEAM, day(), now);
    runStore.insert(run, 10);
    Lease live = runStore.claim(run.id(), 0, AttemptId.random(), "engine-elsewhere", now,
        now.plus(Duration.ofHours(1))).orElseThrow();
    multipart.beginUpload(TEAM + "/" + run.id() + "/attempt-1/part.jsonl",
        runStore.uploadJournal(live.runId(), live.epoch(), InstantSource.fixed(now)));
    RunId other = start().create(CALLER, day());
    engine.awaitTerminal(CALLER, other, Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(runStore.find(other).orElseThrow().storageCleaned()).isTrue());
    // Proof that the janitor looked at the live upload, rather than a pause long enough for it to:
    // two orphans, the second recorded only once the first is gone. The sweep that aborts the
    // second started after the one that aborted the first had ended, and that one saw the live
    // upload (recorded before the engine started).
    awaitAborted(orphanUpload(now));
    awaitAborted(orphanUpload(now));

    assertThat(multipart.openUploadCount("")).isOne();
    assertThat(runStore.uploads(10)).hasSize(1);
  }

  /** A recorded upload of a cancelled run: the janitor's to abort. Returns its upload id. */
  private String orphanUpload(Instant now) {
    RunRecord run = null;
    Lease lease = null;
    // The engine is running and may claim a new run before this test does; such a run (no rows)
    // just completes, and the test takes a fresh one. Bounded, and rare: the engine polls every 20 ms.
    for (int tries = 0; lease == null; tries++) {
      assertThat(tries).as("runs the engine claimed before the test could").isLessThan(50);
      run = RunRecord.starting(RunId.random(), TEAM, day(), now);
      runStore.insert(run, 50);
      lease = runStore.claim(run.id(), 0, AttemptId.random(), "engine-gone", now,
          now.plus(Duration.ofHours(1))).orElse(null);
    }
    UploadJournal recorded = runStore.uploadJournal(lease.runId(), lease.epoch(), InstantSource.fixed(now));
    String[] id = new String[1];
    multipart.beginUpload(TEAM + "/" + run.id() + "/attempt-1/part.jsonl", new UploadJournal() {
      @Override
      public void opened(String uploadKey, String uploadId) {
        recorded.opened(uploadKey, uploadId);
        id[0] = uploadId;
      }

      @Override
      public void closed(String uploadKey, String uploadId) {}
    });
    runStore.stop(run.id(), RunStatus.CANCELLED, null, now);
    return id[0];
  }

  private void awaitAborted(String uploadId) {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(runStore.uploads(10)).extracting(UploadRecord::uploadId).doesNotContain(uploadId));
  }
}
