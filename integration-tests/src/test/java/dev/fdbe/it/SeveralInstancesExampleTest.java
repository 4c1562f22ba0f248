package dev.fdbe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.ManifestFile;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.RunId;
import dev.fdbe.RunManifest;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine of docs/several-instances.md, built as it is shown: two instances on one database and
 * one storage directory export the slices of one run between them. (H2 in one JVM stands in for
 * PostgreSQL here; {@code ScaleOutIT} runs engines in separate JVMs on PostgreSQL.)
 */
class SeveralInstancesExampleTest {
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");

  @TempDir
  Path directory;

  /** One instance: its engine and its connection pool. */
  private record Instance(ExportEngine engine, HikariDataSource db) implements AutoCloseable {
    @Override
    public void close() {
      engine.close();
      db.close();
    }
  }

  private static Instance instance(String databaseUrl, URI storage) {
    // example:start several-instances
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(databaseUrl);            // e.g. jdbc:postgresql://db.internal:5432/fdbe
    config.setMaximumPoolSize(4 * 3 + 2);      // workers × 3 + 2
    HikariDataSource db = new HikariDataSource(config);
    ExportEngine engine = ExportEngine.builder()
        .runStore(RunStores.jdbc(db))
        .recordSource(RecordSources.jdbc(db))
        .blobStore(BlobStores.fromUri(storage))  // e.g. gs://acme-exports/fdbe
        .workers(4)
        .sliceLength(Duration.ofHours(6))      // optional: long runs in parallel slices
        .build();
    // example:end several-instances
    return new Instance(engine, db);
  }

  @Test
  void twoInstancesExportTheSlicesOfADay() {
    String databaseUrl = "jdbc:h2:" + directory.toAbsolutePath().resolve("shared");
    URI storage = directory.resolve("files").toUri();
    try (Instance first = instance(databaseUrl, storage); Instance second = instance(databaseUrl, storage)) {
      RecordSources.createReferenceTables(first.db());
      List<Map<String, Object>> events = new ArrayList<>();
      for (int i = 0; i < 240; i++) { // ten an hour
        events.add(Map.of("uuid", String.format("0190a1b2-0000-7000-8000-%012d", i), "event", "$pageview",
            "timestamp", DAY.plus(Duration.ofMinutes(6L * i))));
      }
      RecordSources.insertReferenceRows(first.db(), TeamId.of(1), Model.EVENTS, events);
      first.engine().start();
      second.engine().start();

      Caller caller = Caller.of(TeamId.of(1), Scope.ALL);
      RunId id = first.engine().create(caller, ExportRequest.builder(Model.EVENTS, DAY, DAY.plus(Duration.ofDays(1)))
          .file(FileConfig.of(FileFormat.CSV)).build());
      RunSnapshot run = second.engine().awaitTerminal(caller, id, Duration.ofMinutes(2));

      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(run.recordsCompleted()).isEqualTo(240);
      RunManifest manifest = second.engine().manifest(caller, id);
      assertThat(manifest.records()).isEqualTo(240);
      assertThat(manifest.files()).as("one file for each 6-hour slice, in time order").extracting(ManifestFile::records)
          .containsExactly(60L, 60L, 60L, 60L);
    }
  }
}
