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
import dev.fdbe.LogQuery;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.TimeRange;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.spi.RunRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker paused past its lease (its export and its heartbeats both stall) must not commit
 * anything after another engine took the run over.
 */
class FencingIT {
  private static final TimeRange DAY =
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));

  @TempDir
  Path directory;

  /**
   * The stalled engine's view of the run store: its poller hangs, and every fenced write it is
   * refused (a part, its live progress, the completion, a failure status, a new attempt) is counted.
   * Which one the stalled worker tries first depends on where it was: its progress once a second has
   * passed while it writes rows, its next part, or a failure because the takeover deleted its
   * half-written file.
   */
  private static final class StalledStore extends ForwardingRunStore {
    final CountDownLatch pollerReleased = new CountDownLatch(1);
    final AtomicInteger refusedCommits = new AtomicInteger();
    volatile boolean stalled;

    StalledStore(dev.fdbe.spi.RunStore delegate) {
      super(delegate);
    }

    private void hangWhileStalled() {
      if (stalled) {
        try {
          pollerReleased.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public List<RunRecord> findAll(Collection<dev.fdbe.RunId> ids) {
      hangWhileStalled();
      return super.findAll(ids);
    }

    @Override
    public boolean renew(Lease lease, Instant until) {
      hangWhileStalled();
      return super.renew(lease, until);
    }

    @Override
    public boolean registerPart(Lease lease, PartRecord part) {
      boolean registered = super.registerPart(lease, part);
      if (!registered) {
        refusedCommits.incrementAndGet();
      }
      return registered;
    }

    @Override
    public boolean reportProgress(Lease lease, long records, long bytes, Long recordsTotal) {
      boolean reported = super.reportProgress(lease, records, bytes, recordsTotal);
      if (!reported) {
        refusedCommits.incrementAndGet();
      }
      return reported;
    }

    @Override
    public boolean fail(Lease lease, dev.fdbe.RunStatus status, String error, Instant now) {
      boolean failed = super.fail(lease, status, error, now);
      if (!failed) {
        refusedCommits.incrementAndGet();
      }
      return failed;
    }

    @Override
    public java.util.Optional<Lease> reattempt(Lease current, dev.fdbe.AttemptId attemptId, Instant now,
        Instant leaseUntil) {
      java.util.Optional<Lease> next = super.reattempt(current, attemptId, now, leaseUntil);
      if (next.isEmpty()) {
        refusedCommits.incrementAndGet();
      }
      return next;
    }

    @Override
    public boolean complete(Lease lease, List<FileRecord> files, Instant now) {
      boolean completed = super.complete(lease, files, now);
      if (!completed) {
        refusedCommits.incrementAndGet();
      }
      return completed;
    }
  }

  @Test
  void aWorkerPausedPastItsLeaseCannotCommitAfterATakeover() throws Exception {
    try (Harness harness = new Harness(directory)) {
      List<Map<String, Object>> rows = new Data(3).rows(Model.EVENTS, TEAM, DAY, 20_000);
      harness.insert(TEAM, Model.EVENTS, rows);
      StalledStore stalledStore = new StalledStore(harness.runStore);
      CountDownLatch paused = new CountDownLatch(1);
      CountDownLatch resume = new CountDownLatch(1);
      ExportEngine stalled = dev.fdbe.ExportEngine.builder()
          .runStore(stalledStore)
          .blobStore(harness.blobStore)
          .recordSource(Sources.gated(RecordSources.jdbc(harness.dataSource), 12_000, paused, resume))
          .instanceName("stalled")
          .pollInterval(Duration.ofMillis(50))
          .leaseDuration(Duration.ofSeconds(1))
          .shutdownGrace(Duration.ZERO)
          .build();
      stalled.start();
      RunId id = stalled.create(CALLER, ExportRequest.builder(Model.EVENTS, DAY.start(), DAY.end())
          .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 1)).build());
      await().atMost(Duration.ofSeconds(60)).until(() -> paused.getCount() == 0);
      // The writer follows the source's read-ahead: the rows read before the pause may still be on their way.
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(stalled.retrieve(CALLER, id)
          .partsCompleted()).as("a part was committed before the pause").isPositive());
      stalledStore.stalled = true; // the whole process "pauses": no heartbeats, no polling

      ExportEngine healthy = harness.started(harness.engine().recordSource(RecordSources.jdbc(harness.dataSource))
          .instanceName("healthy").build());
      RunSnapshot run = harness.await(healthy, id);
      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);

      resume.countDown(); // the stalled worker wakes up and carries on writing
      await().atMost(Duration.ofSeconds(60)).until(() -> stalledStore.refusedCommits.get() > 0);
      await().atMost(Duration.ofSeconds(60)).until(() -> stalled.executingRuns().isEmpty());
      stalledStore.pollerReleased.countDown();
      stalled.close();

      RunSnapshot after = healthy.retrieve(CALLER, id);
      assertThat(after.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(after.files()).isEqualTo(run.files());
      assertThat(harness.read(after)).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, DAY, List.of(), List.of()));
      assertThat(harness.runStore.files(id)).allMatch(f -> f.key().contains("/attempt-2/"));
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(harness.filesOnDisk()).hasSameSizeAs(run.files()));
      assertThat(healthy.logs(CALLER, id, LogQuery.builder().limit(500).build()).items()).extracting(RunLogEntry::message)
          .anyMatch(m -> m.startsWith("Taking the export over from an engine whose lease expired at "))
          .noneMatch(m -> m.contains("stalled"))
          .anyMatch(m -> m.startsWith("Attempt 1 lost its lease"));
    }
  }
}
