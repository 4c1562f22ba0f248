package dev.fdbe.it;

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
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;

/**
 * The process {@link CrashRecoveryIT} kills: it creates a run and exports it up to row 5,000 (about
 * ten parts), where it stays until killed, printing {@code RUN <id>} once the run exists. It never
 * finishes first, however slow the test that kills it. Its short lease is the one the survivor waits
 * out; no other engine runs while it lives. Arguments: database URL, storage URI.
 */
public final class CrashChild {
  public static void main(String[] args) throws Exception {
    DataSource dataSource = RunStores.h2DataSource(args[0]);
    ExportEngine engine = ExportEngine.builder()
        .runStore(RunStores.jdbc(dataSource))
        .blobStore(BlobStores.fromUri(URI.create(args[1])))
        .recordSource(Sources.gated(RecordSources.jdbc(dataSource), 5_000, new CountDownLatch(1),
            new CountDownLatch(1)))
        .instanceName("doomed-child")
        .pollInterval(Duration.ofMillis(100))
        .leaseDuration(Duration.ofSeconds(2))
        .build();
    RunId id = engine.create(Caller.of(TeamId.of(1), Scope.ALL),
        ExportRequest.builder(Model.EVENTS, Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"))
            .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 1))
            .build());
    System.out.println("RUN " + id);
    System.out.flush();
    engine.start();
    Thread.sleep(Duration.ofMinutes(5).toMillis());
  }

  private CrashChild() {}
}
