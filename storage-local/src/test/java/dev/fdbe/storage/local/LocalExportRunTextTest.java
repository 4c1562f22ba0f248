package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Caller;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RecordSources;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.spi.RunStore;
import dev.fdbe.testing.LinesFormat;
import dev.fdbe.testing.UserTexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports through the engine to local storage under a temporary directory and reads what a user
 * reads about the run: its log and its error must name "local storage" and keys, never the
 * directory, the host or the process the engine runs in.
 */
class LocalExportRunTextTest {
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final String FILE_NAME = "2026-11-20T000000Z-2026-11-21T000000Z-00000.jsonl";

  private final RunStore runStore = RunStores.inMemory();
  private LocalBlobStore local;
  private ExportEngine engine;

  @TempDir
  Path dir;

  @BeforeEach
  void createEngine() {
    local = LocalBlobStore.create(LocalStorageConfig.builder(dir.resolve("files")).build());
    RecordSources.InMemoryBuilder rows = RecordSources.inMemory();
    for (int i = 0; i < 3; i++) {
      rows.add(TEAM, Model.EVENTS, Map.of("uuid", UUID.randomUUID().toString(), "event", "$pageview",
          "timestamp", DAY.plusSeconds(60L * i)));
    }
    // The default instance name, which holds the host name and the process id.
    engine = ExportEngine.builder()
        .runStore(runStore)
        .recordSource(rows.build())
        .blobStore(local)
        .formats(List.of(new LinesFormat()))
        .pollInterval(Duration.ofMillis(20))
        .retries(1, Duration.ofMillis(10), Duration.ofMillis(10))
        .build();
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  private RunId create() {
    return engine.create(CALLER, ExportRequest.builder(Model.EVENTS, DAY, DAY.plus(Duration.ofDays(1)))
        .file(FileConfig.of(FileFormat.JSON_LINES)).build());
  }

  /**
   * Runs the export to its end. awaitTerminal also waits for this engine's worker to finish, so the
   * run's last log line is there when it returns.
   */
  private RunSnapshot runToEnd(RunId id) {
    engine.start();
    RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60));
    assertThat(run.status().isTerminal()).as("run ended: %s", run).isTrue();
    return run;
  }

  private void assertNoMachineDetail(RunId id, List<String> texts) throws IOException {
    UserTexts.assertNoMachineDetail(texts, runStore.find(id).orElseThrow().leaseOwner(), dir.toString(),
        dir.toRealPath().toString());
  }

  @Test
  void aCompletedRunsLogNamesLocalStorageAndKeysOnly() throws IOException {
    RunId id = create();

    RunSnapshot run = runToEnd(id);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    List<String> texts = UserTexts.of(engine, CALLER, run);
    assertThat(texts)
        .anyMatch(m -> m.startsWith("Exporting events from 2026-11-20T00:00:00Z")
            && m.endsWith(" to local storage under 1/" + id + "/attempt-1/ (attempt 1)"))
        .anyMatch(m -> m.startsWith("Wrote part 0 (1/" + id + "/attempt-1/" + FILE_NAME + "): 3 records"));
    assertNoMachineDetail(id, texts);
  }

  @Test
  void aFailingLocalStoreFailsTheRunWithoutNamingAPath() throws IOException {
    RunId id = create();
    // A directory where the part goes: the rename that publishes it fails, naming both files.
    Files.createDirectories(local.root().resolve("1/" + id + "/attempt-1/" + FILE_NAME + "/in-the-way"));

    RunSnapshot run = runToEnd(id);

    assertThat(run.status()).isIn(RunStatus.FAILED, RunStatus.FAILED_RETRYABLE);
    assertThat(run.error()).contains("cannot commit '1/" + id + "/attempt-1/" + FILE_NAME + "' in local storage: ");
    List<String> texts = UserTexts.of(engine, CALLER, run);
    assertThat(texts).anyMatch(m -> m.startsWith("Export failed") && m.endsWith(run.error()));
    assertNoMachineDetail(id, texts);
  }
}
