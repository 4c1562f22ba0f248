package dev.fdbe.testing;

import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.RunId;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Runs inside a class loader that holds core and its required dependencies only (see
 * {@code OptionalDependenciesTest}): what a host meets when it adds nothing optional. Returns, by
 * name, the message of each error an optional part raises, and the status of one whole export.
 */
public final class CoreAloneProbe implements Callable<Map<String, String>> {
  @Override
  public Map<String, String> call() {
    Map<String, String> seen = new LinkedHashMap<>();
    seen.put("h2", messageOf(() -> RunStores.h2DataSource("jdbc:h2:mem:probe")));
    for (String location : List.of("file:///tmp/fdbe-probe", "s3://bucket/prefix/", "gs://bucket/prefix/",
        "ftp://host/x")) {
      seen.put(location, messageOf(() -> BlobStores.fromUri(URI.create(location))));
    }
    Caller caller = Caller.of(TeamId.of(1), Scope.ALL);
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    try (ExportEngine engine = ExportEngine.builder()
        .runStore(RunStores.inMemory())
        .recordSource(RecordSources.inMemory().add(TeamId.of(1), Model.EVENTS, Map.of(
            "uuid", UUID.randomUUID().toString(), "event", "pageview", "timestamp", start.plusSeconds(60))).build())
        .blobStore(BlobStores.inMemory())
        .formats(List.of(new LinesFormat()))
        .pollInterval(Duration.ofMillis(20))
        .build()) {
      RunId id = engine.create(caller, ExportRequest.builder(Model.EVENTS, start, start.plus(Duration.ofDays(1)))
          .file(FileConfig.of(FileFormat.JSON_LINES)).build());
      engine.start();
      seen.put("export", engine.awaitTerminal(caller, id, Duration.ofSeconds(60)).status().name());
    }
    return seen;
  }

  private static String messageOf(Runnable action) {
    try {
      action.run();
      return "(no error)";
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
