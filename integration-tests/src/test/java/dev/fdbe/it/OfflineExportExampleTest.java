package dev.fdbe.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.format.ExportFiles;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example of testing export logic offline in docs/library.md: no database, no disk. DocsTest keeps the two in step. */
class OfflineExportExampleTest {
  // example:start offline
  @Test
  void exportsOnlyThePageviewsOfTheDay() throws Exception {
    TeamId team = TeamId.of(1);
    RecordSource source = RecordSources.inMemory()
        .add(team, Model.EVENTS, Map.of("uuid", "0190a1b2-0000-7000-8000-000000000001", "event", "$pageview",
            "timestamp", Instant.parse("2026-11-20T09:30:00Z"), "properties", "{\"$browser\": \"Firefox\"}"))
        .add(team, Model.EVENTS, Map.of("uuid", "0190a1b2-0000-7000-8000-000000000002", "event", "$autocapture",
            "timestamp", Instant.parse("2026-11-20T09:31:00Z")))
        .add(team, Model.EVENTS, Map.of("uuid", "0190a1b2-0000-7000-8000-000000000003", "event", "$pageview",
            "timestamp", Instant.parse("2026-11-21T00:00:00Z"))) // the next day: outside the interval
        .build();

    try (ExportEngine engine = ExportEngine.builder()
        .runStore(RunStores.inMemory())
        .blobStore(BlobStores.inMemory())
        .recordSource(source)
        .build()) {
      engine.start();
      Caller caller = Caller.of(team, Scope.ALL);
      RunId id = engine.create(caller, ExportRequest.builder(Model.EVENTS,
              Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"))
          .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 0))
          .include(List.of("$pageview"))
          .build());

      RunSnapshot run = engine.awaitTerminal(caller, id, Duration.ofMinutes(1));
      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);

      try (InputStream file = engine.openFile(caller, id, 0)) {
        List<Map<String, Object>> rows =
            ExportFiles.readAll(file, FileFormat.JSON_LINES, Compression.NONE, Model.EVENTS.schema());
        assertThat(rows).extracting(row -> row.get("uuid")).containsExactly("0190a1b2-0000-7000-8000-000000000001");
        assertThat(rows.get(0).get("properties")).isEqualTo("{\"$browser\":\"Firefox\"}");
      }
    }
  }
  // example:end offline
}
