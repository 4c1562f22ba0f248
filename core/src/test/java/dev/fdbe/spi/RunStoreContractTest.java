package dev.fdbe.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.AttemptId;
import dev.fdbe.Compression;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.FileId;
import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.Model;
import dev.fdbe.Page;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunStatus;
import dev.fdbe.TeamId;
import dev.fdbe.TooManyRunsException;
import dev.fdbe.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RunStore} must have: the in-memory store, H2 and PostgreSQL all run it.
 * Claims, fencing and the per-team limit are checked here, once for all backends.
 */
public abstract class RunStoreContractTest {
  protected static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
  protected static final TeamId TEAM = TeamId.of(1);
  protected static final TeamId OTHER_TEAM = TeamId.of(2);

  /** A new, empty store for one test. */
  protected abstract RunStore newStore() throws Exception;

  protected RunStore store;

  @BeforeEach
  void createStore() throws Exception {
    store = newStore();
  }

  protected static ExportRequest request() {
    return ExportRequest.builder(Model.EVENTS, Instant.parse("2026-11-19T00:00:00Z"), Instant.parse("2026-11-20T00:00:00Z"))
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.ZSTD, 10))
        .include(List.of("$pageview", "$identify"))
        .exclude(List.of("$autocapture"))
        .build();
  }

  protected RunRecord insert(TeamId team, Instant createdAt) {
    RunRecord run = RunRecord.starting(RunId.random(), team, request(), createdAt);
    store.insert(run, 1000);
    return run;
  }

  protected Lease claim(RunRecord run, Instant now) {
    RunRecord current = store.find(run.id()).orElseThrow();
    return store.claim(run.id(), current.leaseEpoch(), AttemptId.random(), "engine-a", now, now.plusSeconds(30))
        .orElseThrow(() -> new AssertionError("claim of " + run.id() + " failed"));
  }

  private static PartRecord part(Lease lease, int index, long records, long bytes) {
    return new PartRecord(lease.runId(), lease.epoch(), index, "1/" + lease.runId() + "/attempt-" + lease.epoch()
        + "/p-" + index + ".jsonl", "p-" + index + ".jsonl", bytes, records, "ab".repeat(32));
  }

  private static FileRecord file(PartRecord part, Instant expires) {
    return new FileRecord(FileId.random(), part.runId(), part.index(), part.key(), part.fileName(), part.sizeBytes(),
        part.records(), part.sha256(), expires, null);
  }

  // ---------------------------------------------------------------- runs

  @Test
  void insertedRunIsFoundWithEveryField() {
    RunRecord run = insert(TEAM, T0);

    RunRecord found = store.find(run.id()).orElseThrow();

    assertThat(found).isEqualTo(run);
    assertThat(found.request().include()).containsExactly("$pageview", "$identify");
    assertThat(found.status()).isEqualTo(RunStatus.STARTING);
    assertThat(store.find(RunId.random())).isEmpty();
  }

  @Test
  void insertingTheSameRunTwiceFails() {
    RunRecord run = insert(TEAM, T0);
    assertThatThrownBy(() -> store.insert(run, 1000)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void listIsNewestFirstWithCountAndPaging() {
    List<RunRecord> runs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      runs.add(insert(TEAM, T0.plusSeconds(i)));
    }
    insert(OTHER_TEAM, T0.plusSeconds(100));

    Page<RunRecord> first = store.list(TEAM, 3, 0);
    Page<RunRecord> last = store.list(TEAM, 3, 6);
    Page<RunRecord> beyond = store.list(TEAM, 3, 50);
    Page<RunRecord> zero = store.list(TEAM, 0, 0);

    assertThat(first.count()).isEqualTo(7);
    assertThat(first.items()).extracting(RunRecord::id)
        .containsExactly(runs.get(6).id(), runs.get(5).id(), runs.get(4).id());
    assertThat(first.hasNext()).isTrue();
    assertThat(first.hasPrevious()).isFalse();
    assertThat(last.items()).extracting(RunRecord::id).containsExactly(runs.get(0).id());
    assertThat(last.hasNext()).isFalse();
    assertThat(last.hasPrevious()).isTrue();
    assertThat(beyond.items()).isEmpty();
    assertThat(beyond.count()).isEqualTo(7);
    assertThat(zero.items()).isEmpty();
    assertThat(store.list(TeamId.of(99), 100, 0).count()).isZero();
  }

  @Test
  void runsCreatedInTheSameMicrosecondListInAStableOrder() {
    for (int i = 0; i < 5; i++) {
      insert(TEAM, T0);
    }
    List<RunId> once = store.list(TEAM, 100, 0).items().stream().map(RunRecord::id).toList();
    List<RunId> paged = new ArrayList<>();
    for (int offset = 0; offset < 5; offset += 2) {
      store.list(TEAM, 2, offset).items().forEach(r -> paged.add(r.id()));
    }
    assertThat(paged).isEqualTo(once);
  }

  @Test
  void teamLimitCountsOnlyActiveRuns() {
    RunRecord a = RunRecord.starting(RunId.random(), TEAM, request(), T0);
    RunRecord b = RunRecord.starting(RunId.random(), TEAM, request(), T0);
    store.insert(a, 2);
    store.insert(b, 2);
    insert(OTHER_TEAM, T0);

    assertThatThrownBy(() -> store.insert(RunRecord.starting(RunId.random(), TEAM, request(), T0), 2))
        .isInstanceOf(TooManyRunsException.class)
        .hasMessageContaining("team 1");

    store.stop(a.id(), RunStatus.CANCELLED, null, T0);
    store.insert(RunRecord.starting(RunId.random(), TEAM, request(), T0), 2);
    assertThat(store.list(TEAM, 100, 0).count()).isEqualTo(3);
  }

  @Test
  void teamLimitHoldsExactlyUnderFiftyConcurrentInserts() throws Exception {
    int limit = 10;
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        results.add(pool.submit(() -> {
          start.await();
          try {
            store.insert(RunRecord.starting(RunId.random(), TEAM, request(), T0), limit);
            return true;
          } catch (TooManyRunsException e) {
            return false;
          }
        }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<Boolean> result : results) {
        admitted += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(admitted).isEqualTo(limit);
      assertThat(store.list(TEAM, 100, 0).count()).isEqualTo(limit);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- claims and fencing

  @Test
  void claimMakesTheRunRunningUnderANewEpoch() {
    RunRecord run = insert(TEAM, T0);
    assertThat(store.claimable(T0, 10)).extracting(RunRecord::id).containsExactly(run.id());

    AttemptId attempt = AttemptId.random();
    Lease lease = store.claim(run.id(), 0, attempt, "engine-a", T0, T0.plusSeconds(30)).orElseThrow();

    assertThat(lease).isEqualTo(new Lease(run.id(), 1, attempt, 1, "engine-a", T0.plusSeconds(30)));
    RunRecord running = store.find(run.id()).orElseThrow();
    assertThat(running.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(running.startedAt()).isEqualTo(T0);
    assertThat(running.leaseOwner()).isEqualTo("engine-a");
    assertThat(running.attempts()).isEqualTo(1);
    assertThat(store.claimable(T0.plusSeconds(29), 10)).isEmpty();
  }

  @Test
  void onlyOneOfTwoConcurrentClaimsWins() throws Exception {
    for (int round = 0; round < 20; round++) {
      RunRecord run = insert(TEAM, T0);
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Callable<Optional<Lease>> claim = () -> {
          start.await();
          return store.claim(run.id(), 0, AttemptId.random(), "engine", T0, T0.plusSeconds(30));
        };
        Future<Optional<Lease>> a = pool.submit(claim);
        Future<Optional<Lease>> b = pool.submit(claim);
        start.countDown();
        int winners = (a.get().isPresent() ? 1 : 0) + (b.get().isPresent() ? 1 : 0);
        assertThat(winners).as("round %d", round).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aStaleEpochCannotClaim() {
    RunRecord run = insert(TEAM, T0);
    claim(run, T0);

    assertThat(store.claim(run.id(), 0, AttemptId.random(), "engine-b", T0.plusSeconds(60), T0.plusSeconds(90)))
        .isEmpty();
  }

  @Test
  void expiredLeaseIsTakenOverAndTheOldHolderIsFenced() {
    RunRecord run = insert(TEAM, T0);
    Lease old = claim(run, T0);
    assertThat(store.registerPart(old, part(old, 0, 10, 100))).isTrue();

    Instant later = T0.plusSeconds(31);
    assertThat(store.claimable(later, 10)).extracting(RunRecord::id).containsExactly(run.id());
    Lease taken = store.claim(run.id(), old.epoch(), AttemptId.random(), "engine-b", later, later.plusSeconds(30))
        .orElseThrow();

    assertThat(taken.epoch()).isEqualTo(old.epoch() + 1);
    assertThat(taken.attemptNumber()).isEqualTo(2);
    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted)
        .containsExactly(0L, 0L, 0);
    assertThat(store.renew(old, later.plusSeconds(60))).isFalse();
    assertThat(store.registerPart(old, part(old, 1, 10, 100))).isFalse();
    assertThat(store.complete(old, List.of(), later)).isFalse();
    assertThat(store.fail(old, RunStatus.FAILED, "x", later)).isFalse();
    assertThat(store.release(old, later)).isFalse();
    assertThat(store.reattempt(old, AttemptId.random(), later, later.plusSeconds(30))).isEmpty();
    assertThat(store.find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(store.parts(run.id(), taken.epoch())).isEmpty();
  }

  @Test
  void renewedLeaseIsNotClaimable() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);

    assertThat(store.renew(lease, T0.plusSeconds(60))).isTrue();

    assertThat(store.claimable(T0.plusSeconds(45), 10)).isEmpty();
    assertThat(store.claim(run.id(), lease.epoch(), AttemptId.random(), "b", T0.plusSeconds(45), T0.plusSeconds(75)))
        .isEmpty();
    assertThat(store.find(run.id()).orElseThrow().leaseExpiresAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void releasedLeaseIsClaimableAtOnce() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);

    assertThat(store.release(lease, T0.plusSeconds(1))).isTrue();

    assertThat(store.claimable(T0.plusSeconds(1), 10)).extracting(RunRecord::id).containsExactly(run.id());
    assertThat(store.find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  void reattemptAdvancesTheEpochAndResetsProgress() {
    RunRecord run = insert(TEAM, T0);
    Lease first = claim(run, T0);
    store.registerPart(first, part(first, 0, 5, 50));
    AttemptId attempt = AttemptId.random();

    Lease second = store.reattempt(first, attempt, T0.plusSeconds(5), T0.plusSeconds(35)).orElseThrow();

    assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
    assertThat(second.attemptId()).isEqualTo(attempt);
    assertThat(second.attemptNumber()).isEqualTo(2);
    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted)
        .containsExactly(0L, 0L, 0);
    assertThat(store.registerPart(first, part(first, 1, 5, 50))).isFalse();
    assertThat(store.parts(run.id(), first.epoch())).hasSize(1);
  }

  @Test
  void registeredPartsAddUpToProgress() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);

    store.registerPart(lease, part(lease, 1, 20, 2000));
    store.registerPart(lease, part(lease, 0, 10, 1000));

    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted)
        .containsExactly(30L, 3000L, 2);
    assertThat(store.parts(run.id(), lease.epoch())).extracting(PartRecord::index).containsExactly(0, 1);
    assertThat(store.parts(run.id(), lease.epoch() + 1)).isEmpty();
  }

  // ---------------------------------------------------------------- live progress

  @Test
  void reportedProgressShowsAndPartsAreNotCountedTwice() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    assertThat(store.find(run.id()).orElseThrow().recordsTotal()).isNull();

    assertThat(store.reportProgress(lease, 0, 0, 100L)).isTrue();
    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted,
            RunRecord::recordsTotal)
        .containsExactly(0L, 0L, 0, 100L);
    assertThat(store.reportProgress(lease, 25, 800, 100L)).isTrue();
    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted,
            RunRecord::recordsTotal)
        .containsExactly(25L, 800L, 0, 100L);

    // Part 0 holds the 25 rows reported and 5 more; its file ended larger than the bytes reported.
    assertThat(store.registerPart(lease, part(lease, 0, 30, 1000))).isTrue();
    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted)
        .containsExactly(30L, 1000L, 1);
    assertThat(store.reportProgress(lease, 50, 1400, 100L)).isTrue();
    assertThat(store.registerPart(lease, part(lease, 1, 40, 1700))).isTrue();
    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted,
            RunRecord::recordsTotal)
        .containsExactly(70L, 2700L, 2, 100L);
  }

  @Test
  void reportedProgressNeverGoesBackWithinAnAttempt() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    store.reportProgress(lease, 40, 4000, null);

    assertThat(store.reportProgress(lease, 30, 3000, null)).isTrue();

    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::recordsTotal)
        .containsExactly(40L, 4000L, null);
  }

  @Test
  void reportedProgressIsFencedAndANewAttemptStartsFromNothing() {
    RunRecord run = insert(TEAM, T0);
    Lease first = claim(run, T0);
    store.reportProgress(first, 10, 100, 50L);

    Lease second = store.reattempt(first, AttemptId.random(), T0.plusSeconds(5), T0.plusSeconds(35)).orElseThrow();

    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::recordsTotal)
        .containsExactly(0L, 0L, null);
    assertThat(store.reportProgress(first, 20, 200, 50L)).isFalse();
    assertThat(store.find(run.id()).orElseThrow().recordsCompleted()).isZero();

    store.reportProgress(second, 5, 50, 49L);
    Instant later = T0.plusSeconds(60);
    Lease third = store.claim(run.id(), second.epoch(), AttemptId.random(), "engine-b", later, later.plusSeconds(30))
        .orElseThrow();
    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::recordsTotal)
        .containsExactly(0L, 0L, null);
    assertThat(store.reportProgress(second, 6, 60, 49L)).isFalse();
    assertThat(store.reportProgress(third, 1, 10, 48L)).isTrue();
    assertThat(store.find(run.id()).orElseThrow().recordsTotal()).isEqualTo(48L);
  }

  @Test
  void progressOfAStoppedRunIsRefused() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    store.reportProgress(lease, 3, 30, 9L);
    store.stop(run.id(), RunStatus.CANCELLED, null, T0.plusSeconds(1));

    assertThat(store.reportProgress(lease, 4, 40, 9L)).isFalse();

    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::recordsTotal)
        .containsExactly(3L, 9L);
  }

  @Test
  void completionKeepsTheCountedTotal() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    store.reportProgress(lease, 0, 0, 10L);
    PartRecord p0 = part(lease, 0, 10, 1000);
    store.registerPart(lease, p0);

    assertThat(store.complete(lease, List.of(file(p0, T0.plus(Duration.ofDays(7)))), T0.plusSeconds(3))).isTrue();

    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::status, RunRecord::recordsCompleted, RunRecord::recordsTotal)
        .containsExactly(RunStatus.COMPLETED, 10L, 10L);
  }

  @Test
  void negativeProgressIsRefused() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);

    assertThatThrownBy(() -> store.reportProgress(lease, -1, 0, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.reportProgress(lease, 0, 0, -2L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("total -2");
  }

  @Test
  void aPartOfAnotherEpochIsRefused() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    PartRecord stale = new PartRecord(run.id(), lease.epoch() - 1, 0, "k", "k", 1, 1, "ab".repeat(32));

    assertThat(store.registerPart(lease, stale)).isFalse();
  }

  @Test
  void completionWritesFilesAndStatusTogether() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    PartRecord p0 = part(lease, 0, 10, 1000);
    PartRecord p1 = part(lease, 1, 5, 500);
    store.registerPart(lease, p0);
    store.registerPart(lease, p1);
    List<FileRecord> files = List.of(file(p1, T0.plus(Duration.ofDays(7))), file(p0, T0.plus(Duration.ofDays(7))));

    assertThat(store.complete(lease, files, T0.plusSeconds(10))).isTrue();

    RunRecord done = store.find(run.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(done).extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted)
        .containsExactly(15L, 1500L, 2);
    assertThat(store.files(run.id())).extracting(FileRecord::index).containsExactly(0, 1);
    assertThat(store.files(run.id()).get(0)).isEqualTo(files.get(1));
    assertThat(store.complete(lease, files, T0.plusSeconds(11))).isFalse();
  }

  @Test
  void completionWithoutFilesIsAllowed() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);

    assertThat(store.complete(lease, List.of(), T0.plusSeconds(1))).isTrue();

    assertThat(store.files(run.id())).isEmpty();
    assertThat(store.find(run.id()).orElseThrow())
        .extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted)
        .containsExactly(0L, 0L, 0);
  }

  @Test
  void cancelledRunCanNeitherCompleteNorFail() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    PartRecord p0 = part(lease, 0, 10, 1000);
    store.registerPart(lease, p0);

    assertThat(store.stop(run.id(), RunStatus.CANCELLED, null, T0.plusSeconds(2))).isTrue();

    assertThat(store.complete(lease, List.of(file(p0, T0.plusSeconds(99))), T0.plusSeconds(3))).isFalse();
    assertThat(store.fail(lease, RunStatus.FAILED, "late", T0.plusSeconds(3))).isFalse();
    assertThat(store.renew(lease, T0.plusSeconds(60))).isFalse();
    RunRecord cancelled = store.find(run.id()).orElseThrow();
    assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(cancelled.finishedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(store.files(run.id())).isEmpty();
    assertThat(store.claimable(T0.plusSeconds(100), 10)).isEmpty();
  }

  @Test
  void terminalStatusesNeverChange() {
    for (RunStatus terminal : List.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.FAILED_RETRYABLE,
        RunStatus.FAILED_BILLING, RunStatus.TIMED_OUT, RunStatus.CANCELLED, RunStatus.TERMINATED)) {
      RunRecord run = insert(TEAM, T0);
      Lease lease = claim(run, T0);
      if (terminal == RunStatus.COMPLETED) {
        store.complete(lease, List.of(), T0);
      } else if (terminal == RunStatus.CANCELLED || terminal == RunStatus.TERMINATED) {
        store.stop(run.id(), terminal, "stopped", T0);
      } else {
        store.fail(lease, terminal, "failed", T0);
      }
      assertThat(store.stop(run.id(), RunStatus.CANCELLED, null, T0)).as(terminal.wireName()).isFalse();
      assertThat(store.stop(run.id(), RunStatus.TERMINATED, "again", T0)).isFalse();
      assertThat(store.complete(lease, List.of(), T0)).isFalse();
      assertThat(store.fail(lease, RunStatus.FAILED, "again", T0)).isFalse();
      assertThat(store.claim(run.id(), lease.epoch(), AttemptId.random(), "x", T0.plusSeconds(99),
          T0.plusSeconds(120))).isEmpty();
      assertThat(store.find(run.id()).orElseThrow().status()).isEqualTo(terminal);
    }
  }

  @Test
  void failureKeepsItsError() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);

    assertThat(store.fail(lease, RunStatus.FAILED_BILLING, "quota exceeded for team 1", T0.plusSeconds(1))).isTrue();

    RunRecord failed = store.find(run.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(RunStatus.FAILED_BILLING);
    assertThat(failed.error()).isEqualTo("quota exceeded for team 1");
  }

  @Test
  void startingRunCanBeStoppedWithoutALease() {
    RunRecord run = insert(TEAM, T0);

    assertThat(store.stop(run.id(), RunStatus.TERMINATED, "maintenance", T0)).isTrue();

    assertThat(store.find(run.id()).orElseThrow().error()).isEqualTo("maintenance");
    assertThat(store.stop(RunId.random(), RunStatus.CANCELLED, null, T0)).isFalse();
  }

  @Test
  void findAllReturnsTheExistingRuns() {
    RunRecord a = insert(TEAM, T0);
    RunRecord b = insert(OTHER_TEAM, T0);

    assertThat(store.findAll(List.of(a.id(), b.id(), RunId.random()))).extracting(RunRecord::id)
        .containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(store.findAll(List.of())).isEmpty();
  }

  // ---------------------------------------------------------------- files and cleanup

  @Test
  void expiredFilesAreFoundUntilMarkedDeleted() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    PartRecord p0 = part(lease, 0, 1, 1);
    PartRecord p1 = part(lease, 1, 1, 1);
    FileRecord soon = file(p0, T0.plusSeconds(10));
    FileRecord later = file(p1, T0.plusSeconds(1000));
    store.complete(lease, List.of(soon, later), T0);

    assertThat(store.expiredFiles(T0.plusSeconds(10), 10)).isEmpty();
    assertThat(store.expiredFiles(T0.plusSeconds(11), 10)).extracting(FileRecord::id).containsExactly(soon.id());

    store.markFileDeleted(soon.id(), T0.plusSeconds(12));

    assertThat(store.expiredFiles(T0.plusSeconds(2000), 10)).extracting(FileRecord::id).containsExactly(later.id());
    assertThat(store.files(run.id()).get(0).deletedAt()).isEqualTo(T0.plusSeconds(12));
  }

  @Test
  void endedRunsAwaitCleaningUntilMarked() {
    RunRecord running = insert(TEAM, T0);
    claim(running, T0);
    RunRecord cancelled = insert(TEAM, T0.plusSeconds(1));
    store.stop(cancelled.id(), RunStatus.CANCELLED, null, T0);

    assertThat(store.uncleaned(10)).extracting(RunRecord::id).containsExactly(cancelled.id());

    store.markCleaned(cancelled.id());
    store.markCleaned(running.id()); // not ended: ignored

    assertThat(store.uncleaned(10)).isEmpty();
    assertThat(store.find(running.id()).orElseThrow().storageCleaned()).isFalse();
  }

  // ---------------------------------------------------------------- sliced runs

  private RunRecord[] insertSliced(int count, int maxActive) {
    RunRecord parent = RunRecord.sliced(RunId.random(), TEAM, request(), T0, count);
    List<RunRecord> slices = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      slices.add(RunRecord.slice(RunId.random(), parent, i, request()));
    }
    store.insertSliced(parent, slices, maxActive);
    RunRecord[] all = new RunRecord[count + 1];
    all[0] = parent;
    for (int i = 0; i < count; i++) {
      all[i + 1] = slices.get(i);
    }
    return all;
  }

  @Test
  void aSlicedRunCountsOnceAndOnlyItsSlicesAreClaimed() {
    RunRecord[] runs = insertSliced(3, 2);
    insert(TEAM, T0);

    assertThatThrownBy(() -> insertSliced(2, 2)).isInstanceOf(TooManyRunsException.class);
    assertThat(store.list(TEAM, 100, 0).items()).extracting(RunRecord::id).contains(runs[0].id())
        .doesNotContain(runs[1].id(), runs[2].id(), runs[3].id());
    assertThat(store.slices(runs[0].id())).extracting(RunRecord::id)
        .containsExactly(runs[1].id(), runs[2].id(), runs[3].id());
    assertThat(store.slices(runs[0].id()).get(1)).satisfies(slice -> {
      assertThat(slice.parentId()).isEqualTo(runs[0].id());
      assertThat(slice.sliceIndex()).isEqualTo(1);
    });
    assertThat(store.claimable(T0, 10)).extracting(RunRecord::id).doesNotContain(runs[0].id())
        .contains(runs[1].id(), runs[2].id(), runs[3].id());
    assertThat(store.claim(runs[0].id(), 0, AttemptId.random(), "e", T0, T0.plusSeconds(30))).isEmpty();

    claim(runs[2], T0.plusSeconds(5));

    RunRecord parent = store.find(runs[0].id()).orElseThrow();
    assertThat(parent.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(parent.startedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(parent.sliceCount()).isEqualTo(3);
  }

  @Test
  void theLastSliceToCompleteCompletesTheRunWithEveryFileInSliceOrder() {
    RunRecord[] runs = insertSliced(2, 10);
    Lease first = claim(runs[1], T0);
    Lease second = claim(runs[2], T0);
    Instant expires = T0.plus(Duration.ofDays(7));
    PartRecord s2p0 = part(second, 0, 3, 30);
    PartRecord s1p0 = part(first, 0, 1, 10);
    PartRecord s1p1 = part(first, 1, 2, 20);

    assertThat(store.complete(second, List.of(file(s2p0, expires)), T0.plusSeconds(1))).isTrue();
    assertThat(store.find(runs[0].id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(store.files(runs[0].id())).isEmpty();
    assertThat(store.complete(first, List.of(file(s1p0, expires), file(s1p1, expires)), T0.plusSeconds(2))).isTrue();

    RunRecord parent = store.find(runs[0].id()).orElseThrow();
    assertThat(parent.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(parent).extracting(RunRecord::recordsCompleted, RunRecord::bytesExported, RunRecord::partsCompleted)
        .containsExactly(6L, 60L, 3);
    List<FileRecord> files = store.files(runs[0].id());
    assertThat(files).extracting(FileRecord::key).containsExactly(s1p0.key(), s1p1.key(), s2p0.key());
    assertThat(files).extracting(FileRecord::index).containsExactly(0, 1, 2);
    assertThat(files).allMatch(f -> f.runId().equals(runs[0].id()));
    assertThat(store.files(runs[1].id())).isEmpty();
  }

  @Test
  void aFailingSliceFailsTheRunAndStopsTheOtherSlices() {
    RunRecord[] runs = insertSliced(3, 10);
    Lease first = claim(runs[1], T0);
    Lease second = claim(runs[2], T0);

    assertThat(store.fail(second, RunStatus.FAILED, "table events is gone", T0.plusSeconds(1))).isTrue();

    RunRecord parent = store.find(runs[0].id()).orElseThrow();
    assertThat(parent.status()).isEqualTo(RunStatus.FAILED);
    assertThat(parent.error()).startsWith("slice 2 of 3").endsWith("table events is gone");
    assertThat(store.find(runs[1].id()).orElseThrow().status()).isEqualTo(RunStatus.TERMINATED);
    assertThat(store.find(runs[3].id()).orElseThrow().status()).isEqualTo(RunStatus.TERMINATED);
    assertThat(store.complete(first, List.of(), T0.plusSeconds(2))).isFalse();
    assertThat(store.claimable(T0.plusSeconds(100), 10)).isEmpty();
  }

  @Test
  void cancellingASlicedRunStopsEverySlice() {
    RunRecord[] runs = insertSliced(2, 10);
    Lease lease = claim(runs[1], T0);

    assertThat(store.stop(runs[0].id(), RunStatus.CANCELLED, null, T0.plusSeconds(1))).isTrue();

    assertThat(store.find(runs[1].id()).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(store.find(runs[2].id()).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(store.renew(lease, T0.plusSeconds(60))).isFalse();
    assertThat(store.claimable(T0.plusSeconds(100), 10)).isEmpty();
  }

  // ---------------------------------------------------------------- open uploads

  @Test
  void uploadsAreRecordedOnlyUnderTheLeaseAndForgotten() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    MutableClock clock = new MutableClock(T0);
    UploadJournal journal = store.uploadJournal(run.id(), lease.epoch(), clock);

    journal.opened("1/r/attempt-1/a.csv", "upload-1");
    clock.advance(Duration.ofSeconds(1));
    journal.opened("1/r/attempt-1/b.csv", "upload-2");
    assertThat(store.uploads(10)).extracting(UploadRecord::uploadId).containsExactly("upload-1", "upload-2");
    assertThat(store.uploads(10).get(0)).isEqualTo(
        new UploadRecord(run.id(), lease.epoch(), "1/r/attempt-1/a.csv", "upload-1", T0));

    journal.closed("1/r/attempt-1/a.csv", "upload-1");
    journal.closed("1/r/attempt-1/a.csv", "upload-1"); // idempotent
    assertThat(store.uploads(10)).extracting(UploadRecord::uploadId).containsExactly("upload-2");

    Instant later = T0.plusSeconds(31);
    clock.set(later);
    store.claim(run.id(), lease.epoch(), AttemptId.random(), "engine-b", later, later.plusSeconds(30)).orElseThrow();
    assertThatThrownBy(() -> journal.opened("1/r/attempt-1/c.csv", "upload-3")).as("the lease was lost")
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.uploads(10)).extracting(UploadRecord::uploadId).containsExactly("upload-2");
  }

  @Test
  void noUploadIsRecordedForARunThatIsMissingOrNotRunningUnderTheEpoch() {
    InstantSource clock = InstantSource.fixed(T0);
    UploadJournal missing = store.uploadJournal(RunId.random(), 1, clock);
    RunRecord starting = insert(TEAM, T0);
    UploadJournal unclaimed = store.uploadJournal(starting.id(), starting.leaseEpoch(), clock);
    RunRecord stopped = insert(TEAM, T0);
    Lease lease = claim(stopped, T0);
    store.stop(stopped.id(), RunStatus.CANCELLED, null, T0);
    UploadJournal ended = store.uploadJournal(stopped.id(), lease.epoch(), clock);

    assertThatThrownBy(() -> missing.opened("k", "upload-1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> unclaimed.opened("k", "upload-2")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ended.opened("k", "upload-3")).isInstanceOf(IllegalStateException.class);
    missing.closed("k", "upload-1"); // never recorded: nothing to forget
    assertThat(store.uploads(10)).isEmpty();
  }

  @Test
  void aRecordedUploadIsForgottenInItsRunsJournalAfterTheRunEnded() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    store.uploadJournal(run.id(), lease.epoch(), InstantSource.fixed(T0)).opened("1/r/attempt-1/a.csv", "upload-1");
    store.stop(run.id(), RunStatus.CANCELLED, null, T0.plusSeconds(1));

    UploadRecord orphan = store.uploads(10).get(0);
    store.uploadJournal(orphan.runId(), orphan.epoch(), InstantSource.fixed(T0.plusSeconds(2)))
        .closed(orphan.key(), orphan.uploadId());

    assertThat(store.uploads(10)).isEmpty();
  }

  @Test
  void recordedUploadsAreListedOldestFirstUpToTheLimit() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    MutableClock clock = new MutableClock(T0.plusSeconds(2));
    UploadJournal journal = store.uploadJournal(run.id(), lease.epoch(), clock);
    journal.opened("1/r/attempt-1/c.csv", "upload-c");
    clock.set(T0);
    journal.opened("1/r/attempt-1/a.csv", "upload-a");
    clock.set(T0.plusSeconds(1));
    journal.opened("1/r/attempt-1/b.csv", "upload-b");

    assertThat(store.uploads(2)).extracting(UploadRecord::uploadId).containsExactly("upload-a", "upload-b");
    assertThat(store.uploads(10)).extracting(UploadRecord::recordedAt)
        .containsExactly(T0, T0.plusSeconds(1), T0.plusSeconds(2));
  }

  @Test
  void aPartKeepsTheStoresOwnExpiry() {
    RunRecord run = insert(TEAM, T0);
    Lease lease = claim(run, T0);
    PartRecord expiring = new PartRecord(run.id(), lease.epoch(), 0, "k0", "k0", 10, 1, "ab".repeat(32),
        T0.plus(Duration.ofDays(3)));

    store.registerPart(lease, expiring);

    assertThat(store.parts(run.id(), lease.epoch())).containsExactly(expiring);
  }

  // ---------------------------------------------------------------- logs

  @Test
  void logTimestampsAreUniqueAndIncreasingWithinARun() {
    RunRecord run = insert(TEAM, T0);
    AttemptId attempt = AttemptId.random();

    List<RunLogEntry> entries = IntStream.range(0, 5)
        .mapToObj(i -> store.appendLog(run.id(), attempt, LogLevel.INFO, "line " + i, T0))
        .toList();

    assertThat(entries).extracting(RunLogEntry::timestamp).doesNotHaveDuplicates().isSorted();
    assertThat(entries.get(4).timestamp()).isEqualTo(T0.plusNanos(4000));
    Page<RunLogEntry> page = store.logs(run.id(), LogQuery.NEWEST);
    assertThat(page.count()).isEqualTo(5);
    assertThat(page.items()).extracting(RunLogEntry::message)
        .containsExactly("line 4", "line 3", "line 2", "line 1", "line 0");
  }

  @Test
  void concurrentLogWritersNeverCollide() throws Exception {
    RunRecord run = insert(TEAM, T0);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<RunLogEntry>> futures = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        int n = i;
        futures.add(pool.submit(() -> store.appendLog(run.id(), AttemptId.random(), LogLevel.INFO, "m" + n, T0)));
      }
      for (Future<RunLogEntry> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Page<RunLogEntry> all = store.logs(run.id(), LogQuery.builder().limit(500).build());
    assertThat(all.count()).isEqualTo(80);
    assertThat(all.items()).extracting(RunLogEntry::timestamp).doesNotHaveDuplicates();
  }

  @Test
  void logFiltersApplyTogether() {
    RunRecord run = insert(TEAM, T0);
    RunRecord other = insert(TEAM, T0);
    AttemptId first = AttemptId.random();
    AttemptId second = AttemptId.random();
    store.appendLog(run.id(), first, LogLevel.DEBUG, "debug detail", T0.plusSeconds(1));
    store.appendLog(run.id(), first, LogLevel.INFO, "Wrote part 0 (100% done_ish)", T0.plusSeconds(2));
    store.appendLog(run.id(), first, LogLevel.WARNING, "Retrying after a TIMEOUT", T0.plusSeconds(3));
    store.appendLog(run.id(), second, LogLevel.ERROR, "Export failed: timeout", T0.plusSeconds(4));
    store.appendLog(run.id(), second, LogLevel.INFO, "Wrote part 1", T0.plusSeconds(5));
    store.appendLog(other.id(), second, LogLevel.INFO, "other run", T0.plusSeconds(5));

    assertThat(messages(run, LogQuery.builder().levels(List.of(LogLevel.WARNING, LogLevel.ERROR)).build()))
        .containsExactly("Export failed: timeout", "Retrying after a TIMEOUT");
    assertThat(messages(run, LogQuery.builder().search("timeout").build()))
        .containsExactly("Export failed: timeout", "Retrying after a TIMEOUT");
    assertThat(messages(run, LogQuery.builder().search("100%").build())).containsExactly("Wrote part 0 (100% done_ish)");
    assertThat(messages(run, LogQuery.builder().search("0 (1__%").build())).isEmpty();
    assertThat(messages(run, LogQuery.builder().search("e_i").build())).containsExactly("Wrote part 0 (100% done_ish)");
    assertThat(messages(run, LogQuery.builder().instanceId(second).build()))
        .containsExactly("Wrote part 1", "Export failed: timeout");
    assertThat(messages(run, LogQuery.builder().after(T0.plusSeconds(2)).before(T0.plusSeconds(5)).build()))
        .containsExactly("Export failed: timeout", "Retrying after a TIMEOUT");
    assertThat(messages(run, LogQuery.builder().limit(2).build())).containsExactly("Wrote part 1", "Export failed: timeout");
    assertThat(store.logs(run.id(), LogQuery.builder().limit(2).build()).count()).isEqualTo(5);
    assertThat(store.logs(run.id(), LogQuery.builder().levels(Set.of(LogLevel.INFO)).instanceId(first).build()).count())
        .isEqualTo(1);
    assertThat(messages(run, LogQuery.builder().search("nothing like this").build())).isEmpty();
    assertThat(store.logs(RunId.random(), LogQuery.NEWEST).count()).isZero();
  }

  @Test
  void logBoundsBeyondWhatTheStoreHoldsSelectEverythingInsteadOfOverflowing() {
    RunRecord run = insert(TEAM, T0);
    store.appendLog(run.id(), AttemptId.random(), LogLevel.INFO, "the only line", T0.plusSeconds(1));

    assertThat(messages(run, LogQuery.builder().after(Instant.MIN).before(Instant.MAX).build()))
        .containsExactly("the only line");
    assertThat(messages(run, LogQuery.builder().after(Instant.parse("-999999999-01-01T00:00:00Z")).build()))
        .containsExactly("the only line");
    assertThat(messages(run, LogQuery.builder().after(Instant.MAX).build())).isEmpty();
    assertThat(messages(run, LogQuery.builder().before(Instant.MIN).build())).isEmpty();
  }

  private List<String> messages(RunRecord run, LogQuery query) {
    return store.logs(run.id(), query).items().stream().map(RunLogEntry::message).toList();
  }
}
