package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.testing.LinesFormat;
import dev.fdbe.testing.UserTexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What users read about a run (its log and its error) names storage and files as they know them,
 * never a path, host or process of the machine that ran it, whatever the failing parts said.
 */
class UserFacingTextTest {
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
  private static final Caller CALLER = Caller.of(TeamId.of(1), Scope.ALL);
  private static final String SPOOL = "/srv/fdbe spool/part.tmp";

  private final RunStore runStore = RunStores.inMemory();
  private ExportEngine engine;

  @AfterEach
  void close() {
    engine.close();
  }

  /** An engine with the default instance name (host, process id) whose runs end after one attempt. */
  private void build(RecordSource source) {
    engine = ExportEngine.builder()
        .runStore(runStore)
        .recordSource(source)
        .blobStore(BlobStores.inMemory())
        .formats(List.of(new LinesFormat()))
        .pollInterval(Duration.ofMillis(20))
        .retries(1, Duration.ofMillis(10), Duration.ofMillis(10))
        .build();
  }

  private RunId create() {
    return engine.create(CALLER, ExportRequest.builder(Model.EVENTS, DAY, DAY.plus(Duration.ofDays(1)))
        .file(FileConfig.of(FileFormat.JSON_LINES)).build());
  }

  private RunSnapshot export() {
    engine.start();
    RunSnapshot run = engine.awaitTerminal(CALLER, create(), Duration.ofSeconds(20));
    assertThat(run.status().isTerminal()).as("run ended: %s", run).isTrue();
    return run;
  }

  private void assertNoMachineDetail(RunSnapshot run) {
    UserTexts.assertNoMachineDetail(UserTexts.of(engine, CALLER, run),
        runStore.find(run.id()).orElseThrow().leaseOwner(), "/srv/", "fdbe spool", "db.internal", "10.1.2.3");
  }

  /** A source that names itself so and fails so. */
  private static RecordSource failing(String description, RuntimeException failure) {
    return new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        throw failure;
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }

  @Test
  void aFailureWhoseExceptionsNameFilesIsDescribedByItsReasonAlone() {
    build(failing("PostgreSQL source at db.internal:5432 (10.1.2.3)", new UncheckedIOException(
        new IOException("cannot spool to " + SPOOL + ": No space left on device",
            new FileSystemException(SPOOL, null, "No space left on device")))));

    RunSnapshot run = export();

    assertThat(run.status()).isEqualTo(RunStatus.FAILED_RETRYABLE);
    assertThat(run.error()).isEqualTo("Transient errors outlasted 1 attempt; the last was: IOException: cannot "
        + "spool to <path>: No space left on device. Trying again later may work");
    assertThat(UserTexts.of(engine, CALLER, run)).anyMatch(m -> m.startsWith("Exporting events from 2026-11-20")
        && m.endsWith(" from PostgreSQL source at <host> (<host>) to in-memory storage under 1/" + run.id()
            + "/attempt-1/ (attempt 1)"));
    assertNoMachineDetail(run);
  }

  @Test
  void aFailureWhoseMessageNamesTheDatabaseHostIsRedacted() {
    build(failing("a source", new IllegalStateException("pool exhausted waiting for db.internal:5432 from "
        + "10.1.2.3 (pid 77)")));

    RunSnapshot run = export();

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error())
        .isEqualTo("IllegalStateException: pool exhausted waiting for <host> from <host> (pid <pid>)");
    assertNoMachineDetail(run);
  }

  @Test
  void theOperatorsTerminationReasonReachesUsersWithoutPathsOrHosts() {
    build(failing("a source", new IllegalStateException("not read")));
    RunId id = create();

    assertThat(engine.terminate(id, "disk /dev/sdb1 of 10.1.2.3 is failing")).isTrue();

    RunSnapshot run = engine.retrieve(CALLER, id);
    assertThat(run.error()).isEqualTo("disk <path> of <host> is failing");
    assertThat(UserTexts.of(engine, CALLER, run))
        .contains("Termination requested by the operator: disk <path> of <host> is failing");
  }
}
