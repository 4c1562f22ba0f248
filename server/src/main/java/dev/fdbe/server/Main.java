package dev.fdbe.server;

import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.spi.BlobStoreProvider;
import dev.fdbe.storage.local.LocalBlobStoreProvider;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The command line of {@code fdbe-server.jar}: {@code serve} (the default), {@code keys} and
 * {@code example-export}, whose options {@link Commands} lists. Exit codes: 0 success (also for
 * {@code --help} and {@code --version}), 1 the command failed, 2 the command line or an
 * environment variable standing in for an option is wrong.
 */
public final class Main {
  /** How long a {@code keys} command waits for a server that holds the data directory to start serving. */
  static final Duration KEYS_WAIT_FOR_SERVER = Duration.ofSeconds(120);

  static final String H2_OBJECT_CACHE = "h2.objectCache";

  public static void main(String[] args) {
    tuneH2();
    int code = run(Arrays.asList(args), System.out, System.err, System.getenv());
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Turns H2's object cache off unless the operator chose ({@code -Dh2.objectCache=...}), before H2
   * loads: the cache hashes every string H2 reads to share equal ones, which cost an export of the
   * embedded database about a fifth of its time (docs/benchmarks.md, "H2's object cache").
   */
  static void tuneH2() {
    if (System.getProperty(H2_OBJECT_CACHE) == null) {
      System.setProperty(H2_OBJECT_CACHE, "false");
    }
  }

  /**
   * Runs the command the arguments name ({@code serve} when they start with an option or are
   * empty). {@code --help} or {@code -h} anywhere prints the command's usage, {@code --version} or
   * {@code -V} the version, both to {@code out} with exit code 0.
   */
  static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
    boolean named = !args.isEmpty() && !args.get(0).startsWith("-");
    Commands.Command command = named ? Commands.find(args).orElse(null) : Commands.SERVE;
    try {
      if (command == null) {
        return keysWithoutSubcommand(args, out);
      }
      List<String> rest = args.subList(named ? command.words().size() : 0, args.size());
      if (rest.contains("--help") || rest.contains("-h")) {
        out.println(named ? Commands.usage(command) : Commands.usage());
        return 0;
      }
      if (rest.contains("--version") || rest.contains("-V") || command == Commands.VERSION) {
        out.println("fdbe-server " + Commands.version());
        return 0;
      }
      if (command == Commands.HELP) {
        Commands.Command about = rest.isEmpty() ? null : Commands.find(rest).orElseThrow(() ->
            new Options.UsageException("no command '" + String.join(" ", rest) + "'"));
        out.println(about == null ? Commands.usage() : Commands.usage(about));
        return 0;
      }
      Options options = Options.parse(rest, command.options(), env);
      if (command == Commands.SERVE) {
        return serve(options, out, env);
      }
      if (command == Commands.EXAMPLE_EXPORT) {
        return ExampleExport.run(options, out);
      }
      return keys(command.words().get(1), options, out, err, env);
    } catch (Options.UsageException e) {
      err.println("fdbe-server: " + e.getMessage());
      String about = command != null ? command.name() + " " : args.get(0).equals("keys") ? "keys " : "";
      err.println("See: java -jar fdbe-server.jar " + about + "--help");
      return 2;
    } catch (Exception e) {
      err.println("fdbe-server: " + e.getMessage());
      return 1;
    }
  }

  /** {@code keys} alone or with an unknown subcommand: its usage for {@code --help}, else a usage error. */
  private static int keysWithoutSubcommand(List<String> args, PrintStream out) {
    if (!args.get(0).equals("keys")) {
      throw new Options.UsageException("unknown command '" + args.get(0) + "'");
    }
    if (args.size() == 1 || args.get(1).startsWith("-")) {
      if (args.contains("--help") || args.contains("-h")) {
        out.println(Commands.usage(null));
        return 0;
      }
      throw new Options.UsageException("keys needs a subcommand: create, list or revoke");
    }
    throw new Options.UsageException("unknown keys subcommand '" + args.get(1) + "'");
  }

  /** The serve command's settings from options and environment. */
  static ServerApp.Settings settings(Options options, Map<String, String> env) {
    String host = options.get("host", "127.0.0.1");
    int port = options.getInt("port", 8000, 0, 65_535);
    URI publicUrl = publicUrl(options, host);
    URI linkBaseUrl = options.get("link-base-url", null) == null ? null : httpUrl(options, "link-base-url",
        "https://downloads.example.com/fdbe");
    Set<TeamId> teams;
    try {
      teams = ApiKeys.parseTeams(env.getOrDefault("FDBE_API_KEY_TEAMS", "1"));
    } catch (IllegalArgumentException e) {
      throw new Options.UsageException("FDBE_API_KEY_TEAMS: " + e.getMessage());
    }
    String apiKey = env.get("FDBE_API_KEY");
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null; // an empty variable counts as unset, as for every option's
    }
    if (apiKey != null) {
      try {
        ApiKeys.checkChosenSecret(apiKey);
      } catch (IllegalArgumentException e) {
        throw new Options.UsageException("FDBE_API_KEY: " + e.getMessage());
      }
    }
    String storageText = options.get("storage", null);
    URI storage = null;
    if (storageText != null && !storageText.isBlank()) {
      try {
        storage = URI.create(storageText.strip());
      } catch (IllegalArgumentException e) {
        throw new Options.UsageException(options.source("storage") + " is not a URI: " + e.getMessage());
      }
      if (storage.getScheme() == null) {
        throw new Options.UsageException(options.source("storage") + " must be a URI with a scheme (file:, s3:,"
            + " gs:), got '" + storageText + "'");
      }
    }
    if (linkBaseUrl != null && storage != null) {
      storage = withLinkBaseUrl(storage, linkBaseUrl, options);
    }
    int workers = options.getInt("workers", 4, 1, 256);
    String databaseUrl = databaseUrl(options);
    int maxConnections = options.getInt("max-connections", ServerApp.Settings.defaultMaxConnections(workers), 2,
        10_000);
    return new ServerApp.Settings(Path.of(options.get("data-dir", "fdbe-data")), host, port, publicUrl, linkBaseUrl,
        options.getInt("demo-rows", 100_000, 0, 100_000_000), workers,
        Duration.ofSeconds(options.getInt("shutdown-grace", 30, 0, 86_400)),
        apiKey, teams, storage, databaseUrl, maxConnections,
        databaseEnv(env), options.getInt("auth-failures-per-minute", AuthThrottle.DEFAULT_LIMIT_PER_MINUTE, 0,
        1_000_000),
        Duration.ofSeconds(options.getInt("request-deadline", (int) FdbeServer.DEFAULT_REQUEST_DEADLINE.toSeconds(),
            1, 3_600)),
        options.getInt("max-connections-per-address", FdbeServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1,
            FdbeServer.MAX_CONNECTIONS),
        options.getBoolean("metrics", true));
  }

  /**
   * {@code --public-url} checked, or null for the default {@code http://<host>:<port>}, which only a
   * server listening on loopback may use: beyond loopback nothing but the operator knows the URL
   * clients use, and the request's {@code Host} header is the client's to choose.
   */
  private static @Nullable URI publicUrl(Options options, String host) {
    String text = options.get("public-url", null);
    if (text == null) {
      if (!isLoopback(host, options.source("host"))) {
        throw new Options.UsageException(options.source("host") + " " + host + " listens beyond loopback, so"
            + " --public-url is required (or FDBE_PUBLIC_URL): the URL clients reach this server at (e.g."
            + " https://exports.example.com), from which every link in the API's answers is built");
      }
      return null;
    }
    return httpUrl(options, "public-url", "https://exports.example.com or http://127.0.0.1:8000");
  }

  /** The option's value as an absolute http or https URL without query, fragment or user; else a usage error. */
  private static URI httpUrl(Options options, String name, String examples) {
    String text = options.get(name, "");
    String source = options.source(name);
    URI url;
    try {
      url = new URI(text.strip());
    } catch (java.net.URISyntaxException e) {
      throw new Options.UsageException(source + " is not a URL: " + e.getMessage());
    }
    if (url.getScheme() == null || !(url.getScheme().equalsIgnoreCase("http") || url.getScheme().equalsIgnoreCase("https"))
        || url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null
        || url.getRawUserInfo() != null) {
      throw new Options.UsageException(source + " must be an absolute http or https URL without query, fragment"
          + " or user, such as " + examples + ", got '" + text + "'");
    }
    return url;
  }

  /**
   * A {@code file:} storage URI with {@code --link-base-url} as its {@code linkBaseUrl} parameter. The
   * option is for local storage only, and given once: not beside a storage URI that has its own.
   */
  private static URI withLinkBaseUrl(URI storage, URI linkBaseUrl, Options options) {
    String linkSource = options.source("link-base-url");
    if (!"file".equalsIgnoreCase(storage.getScheme())) {
      throw new Options.UsageException(linkSource + " applies to local storage only; " + options.source("storage")
          + " names " + storage.getScheme() + ": storage, whose links its own service makes");
    }
    Map<String, String> parameters;
    try {
      parameters = BlobStoreProvider.parameters(storage.getRawQuery());
    } catch (IllegalArgumentException e) {
      throw new Options.UsageException(options.source("storage") + " has a malformed query: " + e.getMessage());
    }
    if (parameters.containsKey(LocalBlobStoreProvider.LINK_BASE_URL_PARAMETER)) {
      throw new Options.UsageException(linkSource + " and the " + LocalBlobStoreProvider.LINK_BASE_URL_PARAMETER
          + " parameter of " + options.source("storage") + " both set the link base URL; give one of them");
    }
    return EmbeddedDefaults.withLinkBaseUrl(storage, linkBaseUrl);
  }

  /** Whether every address the host name stands for is a loopback address. */
  private static boolean isLoopback(String host, String source) {
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host.replaceAll("^\\[|\\]$", ""));
      return addresses.length > 0 && Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      throw new Options.UsageException(source + " " + host + " is not an address or host name of this machine");
    }
  }

  /** {@code --database-url} or {@code FDBE_DATABASE_URL}; null for the embedded H2 file. */
  private static @Nullable String databaseUrl(Options options) {
    String url = options.get("database-url", null);
    if (url == null || url.isBlank()) {
      return null;
    }
    url = url.strip();
    if (!url.startsWith("jdbc:")) {
      throw new Options.UsageException(options.source("database-url") + " must be a JDBC URL such as"
          + " jdbc:postgresql://host:5432/fdbe,"
          + " got '" + ServerDatabase.mask(url) + "'");
    }
    return url;
  }

  private static Map<String, String> databaseEnv(Map<String, String> env) {
    Map<String, String> picked = new HashMap<>();
    for (String name : List.of("FDBE_DATABASE_USER", "FDBE_DATABASE_PASSWORD")) {
      String value = env.get(name);
      if (value != null) {
        picked.put(name, value);
      }
    }
    return picked;
  }

  private static int serve(Options options, PrintStream out, Map<String, String> env) throws Exception {
    ServerApp.Settings settings = settings(options, env);
    ServerApp app = ServerApp.start(settings, out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable shutdown = () -> {
      out.println("Shutting down: no new requests; running exports get " + settings.shutdownGrace().toSeconds()
          + " s to finish, the rest restart on the next start ...");
      app.close();
      out.println("Stopped.");
      stopped.countDown();
    };
    // SIGTERM and SIGINT shut down before the JVM's shutdown hooks run, so that H2's own hook cannot
    // close the database while running exports are still being handed over.
    for (String signal : List.of("TERM", "INT")) {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), received -> new Thread(shutdown, "fdbe-shutdown").start());
    }
    out.println("fdbe serves the API at " + app.publicUrl + "/api/projects/<team>/file_download_batch_exports/"
        + " (port " + app.port() + ", data in " + app.defaults.dataDir + ")");
    stopped.await();
    return 0;
  }

  private static int keys(String command, Options options, PrintStream out, PrintStream err, Map<String, String> env)
      throws InterruptedException {
    Path dataDir = Path.of(options.get("data-dir", "fdbe-data"));
    String databaseUrl = databaseUrl(options);
    if (databaseUrl != null) {
      // A shared database: servers keep working whoever else connects to it.
      try (ServerDatabase database = ServerDatabase.open(dataDir, databaseUrl, 2, databaseEnv(env))) {
        runKeys(command, options, new ApiKeys(database.dataSource, Clock.systemUTC()), out);
      }
      return 0;
    }
    // The embedded database: directly when no process holds it, else through the server holding it.
    long deadline = System.nanoTime() + KEYS_WAIT_FOR_SERVER.toNanos();
    while (true) {
      DataDirectory claim;
      try {
        claim = DataDirectory.claim(dataDir, "keys " + command, err);
      } catch (DataDirectory.HeldException held) {
        DataDirectory.Holder holder = held.holder().orElse(null);
        if (holder != null && holder.adminUrl() != null && holder.adminToken() != null) {
          runKeys(command, options, new RemoteKeys(holder.adminUrl(), holder.adminToken()), out);
          return 0;
        }
        if (System.nanoTime() > deadline || (holder != null && !holder.command().equals("serve"))) {
          throw held;
        }
        Thread.sleep(200); // a server still starting: it records its address once it serves
        continue;
      }
      try (claim; ServerDatabase database = ServerDatabase.embedded(claim.path)) {
        runKeys(command, options, new ApiKeys(database.dataSource, Clock.systemUTC()), out);
      }
      return 0;
    }
  }

  private static void runKeys(String command, Options options, KeyAdmin keys, PrintStream out) {
    switch (command) {
      case "create" -> {
        Set<TeamId> teams = parse("--team", () -> ApiKeys.parseTeams(required(options, "team")));
        Set<Scope> scopes = parse("--scopes", () -> ApiKeys.parseScopes(required(options, "scopes")));
        ApiKeys.Created created = parse("--team", () -> keys.create(teams, scopes, options.get("label", "")));
        out.println("Created key " + created.key().id() + " for teams " + describeTeams(teams) + " with scopes "
            + describeScopes(scopes) + ". It is shown only this once:");
        out.println(created.secret());
      }
      case "list" -> {
        for (ApiKey key : keys.list()) {
          out.println(key.id() + "  " + key.prefix() + "...  teams " + describeTeams(key.teams()) + "  scopes "
              + describeScopes(key.scopes()) + "  created " + key.createdAt()
              + (key.revokedAt() == null ? "" : "  revoked " + key.revokedAt())
              + (key.label().isEmpty() ? "" : "  (" + key.label() + ")"));
        }
      }
      case "revoke" -> {
        ApiKey key = parse("--id", () -> keys.revoke(required(options, "id")));
        out.println("Revoked key " + key.id() + " (" + key.prefix() + "...)");
      }
      default -> throw new Options.UsageException("unknown keys subcommand '" + command + "'");
    }
  }

  private static String required(Options options, String name) {
    String value = options.get(name, null);
    if (value == null || value.isBlank()) {
      throw new Options.UsageException("option '--" + name + "' is required");
    }
    return value;
  }

  private static <T> T parse(String option, Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new Options.UsageException(option + ": " + e.getMessage());
    }
  }

  private static String describeTeams(Set<TeamId> teams) {
    return teams.stream().map(TeamId::toString).sorted().collect(Collectors.joining(","));
  }

  private static String describeScopes(Set<Scope> scopes) {
    return scopes.stream().map(Scope::wireName).sorted().collect(Collectors.joining(","));
  }

  private Main() {}
}
