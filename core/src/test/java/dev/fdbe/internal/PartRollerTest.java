package dev.fdbe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.AttemptId;
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
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.testing.LinesFormat;
import dev.fdbe.testing.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The part lifecycle as the engine drives it: rows in, parts stored and registered in index order. */
class PartRollerTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final TeamId TEAM = TeamId.of(1);
  private static final TimeRange DAY =
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));
  private static final int KIB = 1024;
  private static final long MIB = FileConfig.BYTES_PER_MB;

  private final MutableClock clock = new MutableClock(NOW);
  private final RunStore store = RunStores.inMemory();
  private final InMemoryBlobStore blobs = new InMemoryBlobStore();
  private RunRecord run;
  private Lease lease;

  /** A roller for a claimed run of JSONLines (one line per row) in parts of at most {@code maxSizeMb} MiB. */
  private PartRoller roller(long maxSizeMb) {
    run = RunRecord.starting(RunId.random(), TEAM, ExportRequest.builder(Model.EVENTS, DAY)
        .file(FileConfig.of(FileFormat.JSON_LINES).withMaxSizeMb(maxSizeMb)).build(), NOW);
    store.insert(run, 10);
    lease = store.claim(run.id(), 0, AttemptId.random(), "engine-a", NOW, NOW.plusSeconds(30)).orElseThrow();
    ActiveRun active = new ActiveRun(run, lease, NOW.plus(Duration.ofHours(1)), NOW);
    RunLog log = new RunLog(store, clock, new Redactor(List.of("engine-a")));
    return new PartRoller(store, blobs, new LinesFormat(), run, active, lease, log, clock);
  }

  private static void write(PartRoller roller, int... rowBytes) throws IOException {
    for (int bytes : rowBytes) {
      roller.write(TextRow.ofBytes(bytes));
    }
  }

  private List<BlobInfo> stored() {
    return blobs.list(PartKey.runPrefix(TEAM, run.id()));
  }

  private boolean anyUploadOpen() {
    return blobs.openUploadCount(PartKey.runPrefix(TEAM, run.id())) > 0;
  }

  @Test
  void noRowsStoreNoPart() throws IOException {
    PartRoller roller = roller(1);

    assertThat(roller.finish()).isEmpty();
    assertThat(stored()).isEmpty();
    assertThat(anyUploadOpen()).isFalse();
  }

  @Test
  void withoutALimitEveryRowGoesToOnePart() throws IOException {
    PartRoller roller = roller(0);
    write(roller, 600 * KIB, 600 * KIB, 600 * KIB);

    List<PartRecord> parts = roller.finish();

    assertThat(parts).extracting(PartRecord::records).containsExactly(3L);
    assertThat(parts.get(0).sizeBytes()).isEqualTo(1800L * KIB);
  }

  @Test
  void partsRollBeforeARowWouldCrossTheLimit() throws IOException {
    PartRoller roller = roller(1);
    write(roller, 300 * KIB, 300 * KIB, 300 * KIB, 300 * KIB, 300 * KIB, 300 * KIB, 300 * KIB);

    List<PartRecord> parts = roller.finish();

    assertThat(parts).extracting(PartRecord::records).containsExactly(3L, 3L, 1L);
    assertThat(parts).extracting(PartRecord::index).containsExactly(0, 1, 2);
    assertThat(parts).allSatisfy(part -> assertThat(part.sizeBytes()).isLessThanOrEqualTo(MIB));
    assertThat(parts).extracting(PartRecord::key).isSorted();
    assertThat(store.parts(run.id(), lease.epoch())).as("registered as committed").isEqualTo(parts);
    assertThat(stored()).extracting(BlobInfo::key).containsExactlyElementsOf(parts.stream().map(PartRecord::key).toList());
    assertThat(anyUploadOpen()).isFalse();
  }

  @Test
  void aPartExactlyAtTheLimitKeepsItsLastRow() throws IOException {
    PartRoller roller = roller(1);
    write(roller, 256 * KIB, 256 * KIB, 256 * KIB, 256 * KIB, 1);

    List<PartRecord> parts = roller.finish();

    assertThat(parts).extracting(PartRecord::records).containsExactly(4L, 1L);
    assertThat(parts.get(0).sizeBytes()).isEqualTo(MIB);
  }

  @Test
  void aRowLargerThanTheLimitGetsAPartOfItsOwn() throws IOException {
    PartRoller roller = roller(1);
    write(roller, 10, (int) MIB + 10, 10);

    List<PartRecord> parts = roller.finish();

    assertThat(parts).extracting(PartRecord::records).containsExactly(1L, 1L, 1L);
    assertThat(parts.get(1).sizeBytes()).isEqualTo(MIB + 10);
  }

  @Test
  void abortDiscardsThePartInProgressAndLeavesStoredPartsToTheCleanUp() throws IOException {
    PartRoller roller = roller(1);
    write(roller, 300 * KIB, 300 * KIB, 300 * KIB, 300 * KIB);

    roller.abort();

    assertThat(store.parts(run.id(), lease.epoch())).extracting(PartRecord::index).containsExactly(0);
    assertThat(stored()).hasSize(1);
    assertThat(anyUploadOpen()).as("the upload of part 1 is aborted").isFalse();
  }
}
