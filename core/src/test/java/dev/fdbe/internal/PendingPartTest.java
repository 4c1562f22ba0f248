package dev.fdbe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.AttemptId;
import dev.fdbe.Compression;
import dev.fdbe.ExportException;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunStores;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.internal.blob.InMemoryBlobStore;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.WriterContext;
import dev.fdbe.testing.LinesFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PendingPartTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final TeamId TEAM = TeamId.of(1);
  private static final TimeRange DAY =
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));

  private final RunStore store = RunStores.inMemory();
  private final InMemoryBlobStore blobs = new InMemoryBlobStore();
  private RunRecord run;
  private Lease lease;
  private PartKey key;

  @BeforeEach
  void claimARun() {
    run = RunRecord.starting(RunId.random(), TEAM,
        ExportRequest.builder(Model.EVENTS, DAY).file(FileConfig.of(FileFormat.JSON_LINES)).build(), NOW);
    store.insert(run, 10);
    lease = store.claim(run.id(), 0, AttemptId.random(), "engine-a", NOW, NOW.plusSeconds(30)).orElseThrow();
    key = PartKey.of(TEAM, run.id(), lease.epoch(), DAY, 0, run.request().file());
  }

  private PendingPart pending(BlobUpload upload, String text) throws IOException {
    InProgressPart part = InProgressPart.open(key, upload, new LinesFormat(), Model.EVENTS, Compression.NONE,
        WriterContext.NONE);
    part.stage(new TextRow(text));
    part.append();
    return part.closeForCommit();
  }

  private void loseTheLease() {
    store.release(lease, NOW);
    store.claim(run.id(), lease.epoch(), AttemptId.random(), "engine-b", NOW, NOW.plusSeconds(30)).orElseThrow();
  }

  @Test
  void commitStoresThePartAndRegistersItUnderTheLease() throws Exception {
    PendingPart pending = pending(blobs.beginUpload(key.key()), "alpha");

    PartRecord part = pending.commit(store, lease);

    assertThat(part).isEqualTo(new PartRecord(run.id(), lease.epoch(), 0, key.key(), key.fileName(), 6, 1,
        InProgressPartTest.sha256Hex("alpha\n"), null));
    assertThat(blobs.stat(key.key())).map(BlobInfo::sizeBytes).contains(6L);
    assertThat(store.parts(run.id(), lease.epoch())).containsExactly(part);
  }

  @Test
  void aLostLeaseStopsTheAttemptAndRegistersNothing() throws IOException {
    PendingPart pending = pending(blobs.beginUpload(key.key()), "alpha");
    loseTheLease();

    assertThatThrownBy(() -> pending.commit(store, lease)).isInstanceOfSatisfying(AttemptStoppedException.class,
        e -> assertThat(e.reason()).isEqualTo(StopReason.LEASE_LOST));
    assertThat(store.parts(run.id(), lease.epoch())).isEmpty();
  }

  @Test
  void aStoredSizeOtherThanWrittenIsARetryableFailure() {
    BlobUpload truncating = new BlobUpload() {
      private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      @Override
      public OutputStream stream() {
        return bytes;
      }

      @Override
      public BlobInfo commit() {
        return new BlobInfo(key.key(), bytes.size() - 1);
      }

      @Override
      public void abort() {}
    };

    assertThatThrownBy(() -> pending(truncating, "alpha").commit(store, lease))
        .isInstanceOfSatisfying(ExportException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageContaining("is 5 bytes but 6 were written");
    assertThat(store.parts(run.id(), lease.epoch())).isEmpty();
  }

  @Test
  void abortBeforeCommitDiscardsThePart() throws IOException {
    PendingPart pending = pending(blobs.beginUpload(key.key()), "alpha");

    pending.abort();
    pending.abort();

    assertThat(blobs.stat(key.key())).isEmpty();
    assertThat(blobs.openUploadCount(PartKey.runPrefix(TEAM, run.id()))).isZero();
  }

  @Test
  void abortAfterTheStoreLeavesThePartToTheAttemptsCleanUp() throws IOException {
    AtomicInteger aborts = new AtomicInteger();
    BlobUpload upload = blobs.beginUpload(key.key());
    BlobUpload counting = new BlobUpload() {
      @Override
      public OutputStream stream() {
        return upload.stream();
      }

      @Override
      public BlobInfo commit() {
        return upload.commit();
      }

      @Override
      public void abort() {
        aborts.incrementAndGet();
        upload.abort();
      }
    };
    PendingPart pending = pending(counting, "alpha");
    loseTheLease();
    assertThatThrownBy(() -> pending.commit(store, lease)).isInstanceOf(AttemptStoppedException.class);

    pending.abort();

    assertThat(aborts).as("a stored upload is not aborted").hasValue(0);
    assertThat(blobs.stat(key.key())).isPresent();
  }
}
