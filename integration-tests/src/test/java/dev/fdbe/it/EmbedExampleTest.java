package dev.fdbe.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.DownloadLink;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.RunId;
import dev.fdbe.RunManifest;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first engine, on an embedded H2 database and local storage, run as it is shown. */
class EmbedExampleTest {
  @TempDir
  Path data;

  private static Map<String, Object> event(String uuid, String name, String timestamp) {
    return Map.of("uuid", uuid, "event", name, "timestamp", Instant.parse(timestamp), "properties", "{}");
  }

  /** Rows in the reference tables, as a service's own data would be before the example runs. */
  private static void insertEvents(DataSource db) {
    RecordSources.createReferenceTables(db);
    RecordSources.insertReferenceRows(db, TeamId.of(1), Model.EVENTS, List.of(
        event("0190a1b2-0000-7000-8000-000000000001", "$pageview", "2026-11-20T09:30:00Z"),
        event("0190a1b2-0000-7000-8000-000000000002", "$pageview", "2026-11-20T12:00:00.000001Z"),
        event("0190a1b2-0000-7000-8000-000000000003", "$autocapture", "2026-11-20T12:01:00Z"),
        event("0190a1b2-0000-7000-8000-000000000004", "$pageview", "2026-11-21T00:00:00Z")));
    RecordSources.insertReferenceRows(db, TeamId.of(2), Model.EVENTS, List.of(
        event("0190a1b2-0000-7000-8000-000000000005", "$pageview", "2026-11-20T10:00:00Z")));
  }

  @Test
  void exportsTheDaysPageviewsOfTeamOneToLocalFiles() throws Exception {
    DataSource setUp = RunStores.h2DataSource("jdbc:h2:" + data.toAbsolutePath().resolve("fdbe"));
    insertEvents(setUp);

    // example:start embed
    DataSource db = RunStores.h2DataSource("jdbc:h2:" + data.toAbsolutePath().resolve("fdbe"));  // or a pooled PostgreSQL one
    RecordSources.createReferenceTables(db);   // only if you use the reference tables

    ExportEngine engine = ExportEngine.builder()
        .runStore(RunStores.jdbc(db))
        .recordSource(RecordSources.jdbc(db))
        .blobStore(BlobStores.fromUri(data.resolve("files").toUri()))
        .build();
    engine.start();   // starts the workers; without it the engine only serves the API

    Caller caller = Caller.of(TeamId.of(1), Scope.ALL);
    RunId id = engine.create(caller, ExportRequest.builder(Model.EVENTS,
            Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"))
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 100))   // parts of at most 100 MiB
        .include(List.of("$pageview"))
        .build());

    RunSnapshot run = engine.awaitTerminal(caller, id, Duration.ofMinutes(10));
    DownloadLink link = engine.download(caller, id, 0);   // the first file; or an index, or a FileId
    RunManifest manifest = engine.manifest(caller, id);   // every file with records, bytes, sha256
    engine.close();   // graceful: waits for running exports up to the grace period, then hands them over
    // example:end embed

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.recordsCompleted()).as("team 1's two pageviews of the day").isEqualTo(2);
    assertThat(manifest.records()).isEqualTo(2);
    assertThat(manifest.files()).singleElement().satisfies(file -> {
      assertThat(file.name()).isEqualTo("2026-11-20T000000Z-2026-11-21T000000Z-00000.jsonl");
      assertThat(file.sha256()).hasSize(64);
    });
    assertThat(link.fileName()).isEqualTo(manifest.files().get(0).name());
    assertThat(link.uri().toString()).as("the local store's default link base")
        .startsWith("http://127.0.0.1:8000/fdbe/local-downloads/");

    try (Stream<Path> files = Files.walk(data.resolve("files"))) {
      Path file = files.filter(path -> path.getFileName().toString().equals(link.fileName())).findFirst()
          .orElseThrow(() -> new AssertionError("no exported file under " + data.resolve("files")));
      assertThat(Files.readAllLines(file)).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"$pageview\""))
          .anySatisfy(line -> assertThat(line).contains("0190a1b2-0000-7000-8000-000000000001"))
          .anySatisfy(line -> assertThat(line).contains("0190a1b2-0000-7000-8000-000000000002"));
    }
    try (Connection connection = setUp.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    }
  }
}
