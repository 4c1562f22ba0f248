package dev.fdbe.it;

import static dev.fdbe.it.Harness.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.Model;
import dev.fdbe.TooManyRunsException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-team limit holds exactly when 50 threads create at once through the facade. */
class TeamLimitIT {
  @TempDir
  Path directory;

  @Test
  void fiftyConcurrentCreatesAdmitExactlyTheLimit() throws Exception {
    try (Harness harness = new Harness(directory)) {
      ExportEngine engine = harness.engine().recordSource(RecordSources.jdbc(harness.dataSource)).build();
      ExportRequest request = ExportRequest.builder(Model.EVENTS, Instant.parse("2026-11-20T00:00:00Z"),
          Instant.parse("2026-11-21T00:00:00Z")).file(FileConfig.of(FileFormat.JSON_LINES)).build();
      ExecutorService pool = Executors.newFixedThreadPool(50);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          results.add(pool.submit(() -> {
            start.await();
            try {
              engine.create(CALLER, request);
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
        assertThat(admitted).isEqualTo(ExportEngine.DEFAULT_MAX_ACTIVE_RUNS_PER_TEAM);
        assertThat(engine.list(CALLER, 100, 0).count()).isEqualTo(ExportEngine.DEFAULT_MAX_ACTIVE_RUNS_PER_TEAM);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
