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
import dev.fdbe.TimeRange;
import dev.fdbe.spi.SourceQuery;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

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
    // A PostgreSQL source without pgjdbc reads through plain JDBC; the COPY cursor is never loaded.
    seen.put("postgres-source", messageOf(() -> RecordSources.jdbc(unreachablePostgres()).open(new SourceQuery(
        TeamId.of(1), Model.EVENTS, new TimeRange(start, start.plus(Duration.ofDays(1))), List.of(), List.of()))));
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

  /** Connections that say they are PostgreSQL's and refuse every statement. */
  private static DataSource unreachablePostgres() {
    InvocationHandler metaData = (proxy, method, args) -> method.getName().equals("getDatabaseProductName")
        ? "PostgreSQL" : null;
    InvocationHandler connection = (proxy, method, args) -> switch (method.getName()) {
      case "getMetaData" -> Proxy.newProxyInstance(CoreAloneProbe.class.getClassLoader(),
          new Class<?>[] {DatabaseMetaData.class}, metaData);
      case "getAutoCommit", "isWrapperFor" -> false;
      case "getTransactionIsolation" -> Connection.TRANSACTION_READ_COMMITTED;
      case "prepareStatement", "createStatement" -> throw new SQLException("no server behind this probe", "08001");
      default -> null;
    };
    InvocationHandler dataSource = (proxy, method, args) -> {
      if (method.getName().equals("getConnection")) {
        return Proxy.newProxyInstance(CoreAloneProbe.class.getClassLoader(), new Class<?>[] {Connection.class},
            connection);
      }
      throw new UnsupportedOperationException(method.getName());
    };
    return (DataSource) Proxy.newProxyInstance(CoreAloneProbe.class.getClassLoader(), new Class<?>[] {DataSource.class},
        dataSource);
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
