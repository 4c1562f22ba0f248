package dev.fdbe.it;

import static dev.fdbe.it.Harness.CALLER;
import static dev.fdbe.it.Harness.TEAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fdbe.ExportEngine;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.LogQuery;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.TimeRange;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process in the middle of an export: nothing is listed, and an engine started later
 * on the same run store takes the run over once the lease expires and completes it exactly once,
 * leaving no orphan objects.
 */
class CrashRecoveryIT {
  private static final TimeRange DAY =
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));

  @TempDir
  Path directory;

  @Test
  void aKilledProcessesRunIsTakenOverAndCompletedExactlyOnce() throws Exception {
    List<Map<String, Object>> rows = new Data(11).rows(Model.EVENTS, TEAM, DAY, 20_000);
    Harness before = new Harness(directory);
    before.insert(TEAM, Model.EVENTS, rows);
    before.shutdownDatabase();

    Process child = startChild(before);
    RunId id;
    try {
      id = RunId.parse(awaitRunLine(child));
      await().atMost(Duration.ofSeconds(60)).until(() -> before.storedKeys().size() >= 2);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    List<Path> leftovers = before.filesOnDisk();
    assertThat(leftovers).as("the killed process left parts behind").hasSizeGreaterThanOrEqualTo(2);

    try (Harness after = new Harness(directory)) {
      ExportEngine api = after.engine().recordSource(RecordSources.jdbc(after.dataSource)).build();
      RunSnapshot orphaned = api.retrieve(CALLER, id);
      assertThat(orphaned.status()).isEqualTo(RunStatus.RUNNING);
      assertThat(orphaned.files()).as("nothing is listed after the crash").isEmpty();
      assertThat(after.runStore.files(id)).isEmpty();

      ExportEngine survivor = after.started(after.engine().recordSource(RecordSources.jdbc(after.dataSource))
          .instanceName("survivor").build());
      RunSnapshot run = after.await(survivor, id);

      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
      List<Map<String, Object>> read = after.read(run);
      assertThat(read).extracting(r -> r.get("uuid")).doesNotHaveDuplicates();
      assertThat(read).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, DAY, List.of(), List.of()));
      assertThat(after.runStore.files(id)).allMatch(f -> f.key().contains("/attempt-2/"));
      assertThat(after.filesOnDisk()).as("no orphan objects or temporary files")
          .hasSameSizeAs(run.files())
          .allMatch(p -> p.toString().contains("attempt-2"));
      assertThat(survivor.logs(CALLER, id, LogQuery.builder().limit(500).build()).items())
          .extracting(RunLogEntry::message)
          .anyMatch(m -> m.startsWith("Taking the export over from an engine whose lease expired at "))
          .noneMatch(m -> m.contains("doomed-child"));
    }
  }

  private Process startChild(Harness harness) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), harness.databaseUrl, harness.storageRoot.toUri().toString());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
    return builder.start();
  }

  private String awaitRunLine(Process child) throws Exception {
    Path log = Files.createTempFile(directory, "child", ".log");
    CompletableFuture<String> runLine = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
          if (line.startsWith("RUN ")) {
            runLine.complete(line.substring(4).trim());
          }
        }
        runLine.completeExceptionally(new IllegalStateException("the child exited without a run: " + Files.readString(log)));
      } catch (IOException e) {
        runLine.completeExceptionally(e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    return runLine.get(60, TimeUnit.SECONDS);
  }
}
