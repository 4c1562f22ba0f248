package dev.fdbe.server;

import dev.fdbe.ExportEngine;
import dev.fdbe.ReferenceTables;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The server on its embedded defaults, assembled: data directory, demo data on first start, API
 * keys, the engine and the HTTP server. {@link #close()} shuts down in the order that loses
 * nothing: stop accepting requests, let running exports finish up to the grace period, release the
 * rest for takeover, close the database.
 */
final class ServerApp implements AutoCloseable {
  /**
   * How to run.
   *
   * @param dataDir where the database and files live
   * @param host the interface to listen on
   * @param port the port (0 for any free one)
   * @param publicUrl the base URL clients reach the server at, for download links
   * @param demoRows events to generate on first start (0 for none)
   * @param workers runs executed at once
   * @param shutdownGrace how long shutdown waits for running exports
   * @param apiKey a key to register for {@code apiKeyTeams} with every scope, or null
   * @param apiKeyTeams the teams of {@code apiKey}
   * @param storage where files go ({@code s3://...}, {@code gs://...}, {@code file:...}), or null for
   *     local storage under the data directory
   * @param databaseUrl the JDBC URL of a shared database (PostgreSQL), or null for the embedded H2 file
   * @param maxConnections the bound of the database pool when {@code databaseUrl} is given
   * @param databaseEnv {@code FDBE_DATABASE_USER} and {@code FDBE_DATABASE_PASSWORD}, if set
   */
  record Settings(Path dataDir, String host, int port, URI publicUrl, int demoRows, int workers,
      Duration shutdownGrace, @Nullable String apiKey, Set<TeamId> apiKeyTeams, @Nullable URI storage,
      @Nullable String databaseUrl, int maxConnections, Map<String, String> databaseEnv) {
    Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(publicUrl, "publicUrl");
      apiKeyTeams = Set.copyOf(apiKeyTeams);
      databaseEnv = Map.copyOf(databaseEnv);
    }

    /** The connections the engine can use at once: a source read and a run-store write per worker, plus two. */
    static int defaultMaxConnections(int workers) {
      return workers * 2 + 2;
    }
  }

  final EmbeddedDefaults defaults;
  final ApiKeys keys;
  final ExportEngine engine;
  private final FdbeServer server;
  private boolean closed;

  private ServerApp(EmbeddedDefaults defaults, ApiKeys keys, ExportEngine engine, FdbeServer server) {
    this.defaults = defaults;
    this.keys = keys;
    this.engine = engine;
    this.server = server;
  }

  static ServerApp start(Settings settings, PrintStream out) throws Exception {
    Clock clock = Clock.systemUTC();
    URI linkBase = URI.create(settings.publicUrl().toString().replaceAll("/+$", "") + "/fdbe/local-downloads");
    ServerDatabase database = ServerDatabase.open(settings.dataDir(), settings.databaseUrl(),
        settings.maxConnections(), settings.databaseEnv());
    EmbeddedDefaults defaults = new EmbeddedDefaults(settings.dataDir(), linkBase, settings.storage(), database);
    try {
      // Instances starting together on one PostgreSQL database take turns, so tables are created,
      // demo data generated and a first key made once.
      ApiKeys keys = database.setUp(() -> {
        ReferenceTables.create(defaults.dataSource);
        if (settings.demoRows() > 0 && !DemoData.present(defaults.dataSource)) {
          out.println("Generating demo data: " + settings.demoRows() + " events, with persons and sessions, for teams"
              + " 1 and 2 over the last 7 days ...");
          DemoData.generate(defaults.dataSource, settings.demoRows(), clock.instant(), 2026);
        }
        ApiKeys created = new ApiKeys(defaults.dataSource, clock);
        if (settings.apiKey() != null) {
          created.register(settings.apiKey(), settings.apiKeyTeams(), EnumSet.of(Scope.ALL), "FDBE_API_KEY");
          out.println("Registered FDBE_API_KEY for teams " + settings.apiKeyTeams() + " with every scope.");
        }
        if (!created.hasActiveKey()) {
          ApiKeys.Created first =
              created.create(Set.of(TeamId.of(1)), EnumSet.of(Scope.ALL), "generated on first start");
          out.println("Created a personal API key for team 1 with every scope. It is shown only this once:");
          out.println(first.secret());
        }
        return created;
      });
      ExportEngine engine = defaults.engine()
          .workers(settings.workers())
          .shutdownGrace(settings.shutdownGrace())
          .build();
      FdbeServer server = new FdbeServer(settings.host(), settings.port(), engine, keys,
          defaults.localStore == null ? null : new LocalDownloads(defaults.localStore, clock));
      try {
        server.start();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + " ("
            + e.getMessage() + "); is another server running there? Choose another port with --port", e);
      }
      engine.start();
      return new ServerApp(defaults, keys, engine, server);
    } catch (SQLException | RuntimeException e) {
      defaults.close();
      throw e;
    }
  }

  /** The port the HTTP server listens on. */
  int port() {
    return server.port();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.stop();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(ServerApp.class).warn("stopping the HTTP server failed", e);
    }
    engine.close();
    defaults.close();
  }
}
