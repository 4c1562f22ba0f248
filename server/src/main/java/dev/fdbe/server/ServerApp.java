package dev.fdbe.server;

import dev.fdbe.RecordSources;
import dev.fdbe.ExportEngine;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.storage.local.LocalDownloadHandler;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The server on its embedded defaults, assembled: data directory, demo data on first start, API
 * keys, the engine, the HTTP server and its metrics ({@link HttpMetrics}). {@link #close()} shuts down in the order that loses
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
   * @param publicUrl the base URL clients reach the server at, for every absolute link ({@code next},
   *     {@code previous}, local download links); null for {@code http://<host>:<port>}, allowed only
   *     when the server listens on loopback
   * @param linkBaseUrl the URL the links of local storage under the data directory start with; null
   *     for {@code <publicUrl>/fdbe/local-downloads}. The server serves them at
   *     {@code /fdbe/local-downloads/} whatever it is
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
   * @param authFailuresPerMinute failed authentications a client address may make a minute
   *     ({@link AuthThrottle}); 0 turns the limit off
   * @param requestDeadline how long a request's line and headers may take from its first byte, the
   *     whole request twice that ({@link ClientLimits})
   * @param maxConnectionsPerAddress the most connections one client address may have open
   *     ({@link ClientLimits})
   * @param metrics whether to keep metrics and serve them at {@code GET /metrics} ({@link HttpMetrics})
   */
  record Settings(Path dataDir, String host, int port, @Nullable URI publicUrl, @Nullable URI linkBaseUrl,
      int demoRows, int workers,
      Duration shutdownGrace, @Nullable String apiKey, Set<TeamId> apiKeyTeams, @Nullable URI storage,
      @Nullable String databaseUrl, int maxConnections, Map<String, String> databaseEnv, int authFailuresPerMinute,
      Duration requestDeadline, int maxConnectionsPerAddress, boolean metrics) {
    Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(requestDeadline, "requestDeadline");
      apiKeyTeams = Set.copyOf(apiKeyTeams);
      databaseEnv = Map.copyOf(databaseEnv);
    }

    /** The connections the engine can use at once: a source read and a run-store write per worker, plus two. */
    static int defaultMaxConnections(int workers) {
      return workers * 3 + 2;
    }
  }

  final EmbeddedDefaults defaults;
  final ApiKeys keys;
  final ExportEngine engine;
  /** The base URL of every absolute link: {@code --public-url}, or the loopback address listened on. */
  final URI publicUrl;
  private final FdbeServer server;
  private final Readiness readiness;
  private final @Nullable DataDirectory claim;
  private final @Nullable PrometheusMeterRegistry metrics;
  private boolean closed;

  private ServerApp(EmbeddedDefaults defaults, ApiKeys keys, ExportEngine engine, URI publicUrl, FdbeServer server,
      Readiness readiness, @Nullable DataDirectory claim, @Nullable PrometheusMeterRegistry metrics) {
    this.defaults = defaults;
    this.keys = keys;
    this.engine = engine;
    this.publicUrl = publicUrl;
    this.server = server;
    this.readiness = readiness;
    this.claim = claim;
    this.metrics = metrics;
  }

  /**
   * Starts the server: claims the data directory (with the embedded database, which only one
   * process may open), listens, sets the database up, starts the engine and serves.
   *
   * @throws DataDirectory.HeldException when another process holds the data directory
   */
  static ServerApp start(Settings settings, PrintStream out) throws Exception {
    Clock clock = Clock.systemUTC();
    // With the embedded database this process must be the data directory's only user; a shared
    // PostgreSQL database lets several servers share one directory of local files.
    DataDirectory claim = settings.databaseUrl() == null ? DataDirectory.claim(settings.dataDir(), "serve", out)
        : null;
    if (claim == null) {
      DataDirectory.makePrivate(settings.dataDir(), out);
    }
    FdbeServer server = new FdbeServer(settings.host(), settings.port(), settings.requestDeadline(),
        settings.maxConnectionsPerAddress());
    ServerDatabase database = null;
    EmbeddedDefaults defaults = null;
    Readiness readiness = null;
    // The engine publishes to Micrometer's global registry; /metrics shows it from this one.
    PrometheusMeterRegistry metrics = settings.metrics() ? HttpMetrics.newRegistry() : null;
    if (metrics != null) {
      Metrics.addRegistry(metrics);
    }
    try {
      try {
        server.bind();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + " ("
            + e.getMessage() + "); is another server running there? Choose another port with --port", e);
      }
      URI publicUrl = settings.publicUrl() != null ? settings.publicUrl()
          : localUrl(settings.host(), server.port());
      URI linkBase = settings.linkBaseUrl() != null ? settings.linkBaseUrl() : URI.create(
          publicUrl.toString().replaceAll("/+$", "") + HttpApi.LOCAL_DOWNLOADS_PATH.replaceAll("/+$", ""));
      database = ServerDatabase.open(settings.dataDir(), settings.databaseUrl(), settings.maxConnections(),
          settings.databaseEnv());
      defaults = new EmbeddedDefaults(settings.dataDir(), linkBase, settings.storage(), database);
      EmbeddedDefaults ready = defaults;
      // Instances starting together on one PostgreSQL database take turns, so tables are created,
      // demo data generated and a first key made once.
      ApiKeys keys = database.setUp(() -> {
        RecordSources.createReferenceTables(ready.dataSource);
        if (settings.demoRows() > 0 && !DemoData.present(ready.dataSource)) {
          out.println("Generating demo data: " + settings.demoRows() + " events, with persons and sessions, for teams"
              + " 1 and 2 over the last 7 days ...");
          DemoData.generate(ready.dataSource, settings.demoRows(), clock.instant(), 2026);
        }
        ApiKeys created = new ApiKeys(ready.dataSource, clock);
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
      String adminToken = claim == null ? null : KeyAdminEndpoint.newToken();
      readiness = new Readiness(defaults.runStore, defaults.blobStore, System::nanoTime);
      HttpApi api = new HttpApi(engine, keys, publicUrl,
          new AuthThrottle(settings.authFailuresPerMinute(), System::nanoTime), FdbeServer.MAX_BODY_BYTES,
          defaults.localStore == null ? null : new LocalDownloadHandler(defaults.localStore, clock),
          adminToken == null ? null : new KeyAdminEndpoint(keys, adminToken),
          readiness);
      server.start(metrics == null ? api : new HttpMetrics(api, metrics));
      engine.start();
      if (claim != null) {
        claim.record(new DataDirectory.Holder(ProcessHandle.current().pid(), "serve", clock.instant(),
            localUrl(settings.host(), server.port()), adminToken));
      }
      return new ServerApp(defaults, keys, engine, publicUrl, server, readiness, claim, metrics);
    } catch (Exception | Error e) {
      try {
        server.stop();
      } catch (Exception stopping) {
        e.addSuppressed(stopping);
      }
      if (readiness != null) {
        readiness.close();
      }
      if (defaults != null) {
        defaults.close();
      } else if (database != null) {
        database.close();
      }
      if (claim != null) {
        claim.close();
      }
      if (metrics != null) {
        Metrics.removeRegistry(metrics);
        metrics.close();
      }
      throw e;
    }
  }

  /** {@code http://<host>:<port>} of the listener, as this machine reaches it. */
  private static URI localUrl(String host, int port) {
    return URI.create("http://" + urlHost(host) + ":" + port);
  }

  /**
   * The host of a URL that reaches this machine's listener from this machine: the host itself, or
   * loopback for a wildcard address; IPv6 literals in brackets.
   */
  static String urlHost(String host) {
    if (host.equals("0.0.0.0") || host.isEmpty()) {
      return "127.0.0.1";
    }
    if (host.equals("::") || host.equals("[::]")) {
      return "[::1]";
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
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
    readiness.close();
    defaults.close();
    if (claim != null) {
      claim.close();
    }
    if (metrics != null) {
      Metrics.removeRegistry(metrics);
      metrics.close();
    }
  }
}
