package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code example-export}: a whole run on the embedded defaults printing plain lines when its output
 * is not a terminal, and the progress bar it draws on one, moved by retrieve up to the total.
 */
class ExampleExportIT {
  @TempDir
  Path directory;

  @Test
  void printsPlainLinesWithoutABarWhenTheOutputIsNotATerminal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    int code = Main.run(List.of("example-export", "--data-dir", directory.toString(), "--demo-rows", "3000"), out,
        out, Map.of());

    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(output).isZero();
    assertThat(output).contains("Completed: ").doesNotContain("\r").doesNotContain("%");
    assertThat(ExportProgress.isTerminal(null)).isFalse();
  }

  @Test
  void theBarFollowsTheRunToItsCountedTotal() {
    TeamId team = TeamId.of(1);
    Caller caller = Caller.of(team, Scope.ALL);
    Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    RecordSources.InMemoryBuilder rows = RecordSources.inMemory();
    for (int i = 0; i < 1_234; i++) {
      rows.add(team, Model.EVENTS, Map.of("uuid", UUID.randomUUID().toString(), "event", "e",
          "timestamp", start.plusSeconds(i)));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ExportEngine engine = ExportEngine.builder().runStore(RunStores.inMemory()).recordSource(rows.build())
        .blobStore(BlobStores.inMemory()).pollInterval(Duration.ofMillis(20)).build()) {
      engine.start();
      RunId id = engine.create(caller, ExportRequest.builder(Model.EVENTS, start, start.plus(Duration.ofDays(1)))
          .file(FileConfig.of(FileFormat.CSV)).build());

      RunSnapshot run = ExampleExport.follow(engine, caller, id,
          ExportProgress.drawingOn(new PrintStream(bytes, true, StandardCharsets.UTF_8), 120));

      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(run.recordsTotal()).isEqualTo(1_234);
    }
    String drawn = bytes.toString(StandardCharsets.UTF_8);
    assertThat(drawn).startsWith("\r").contains("Exporting").contains("100%").contains("1234/1234 records")
        .endsWith(System.lineSeparator());
  }

  @Test
  void theBarEndsItsLineEvenWhenTheRunEndsBeforeItsFirstRedraw() throws Exception {
    // The bar library redraws every bar on one shared thread. Hold that thread in another bar's
    // first draw, so that ours is closed before it was ever drawn.
    java.util.concurrent.CountDownLatch drawing = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    me.tongfei.progressbar.ProgressBar holder = new me.tongfei.progressbar.ProgressBarBuilder()
        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), 80) {
          @Override
          public void accept(String rendered) {
            drawing.countDown();
            try {
              release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }).build();
    assertThat(drawing.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExportProgress progress = ExportProgress.drawingOn(new PrintStream(bytes, true, StandardCharsets.UTF_8), 120);
    Thread closing = new Thread(progress::close, "closing-test");
    closing.start();
    release.countDown();
    closing.join(java.util.concurrent.TimeUnit.SECONDS.toMillis(30));
    assertThat(closing.isAlive()).isFalse();
    holder.close();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Exporting").endsWith(System.lineSeparator());
  }
}
