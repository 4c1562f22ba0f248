package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {
  @TempDir
  Path directory;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String lastLine(String text) {
    List<String> lines = text.lines().toList();
    return lines.get(lines.size() - 1);
  }

  /** The serve command's settings from the arguments and the environment, as {@link Main} makes them. */
  static ServerApp.Settings settings(Map<String, String> env, String... args) {
    return Main.settings(Options.parse(List.of(args), Commands.SERVE_OPTIONS, env), env);
  }

  private ApiKeys keys() {
    return new ApiKeys(ServerDatabase.embedded(directory).dataSource, Clock.systemUTC());
  }

  @Test
  void createPrintsTheKeyLastAndStoresOnlyItsHash() {
    assertThat(run("keys", "create", "--data-dir", directory.toString(), "--team", "1,2", "--scopes",
        "batch_export:read,batch_export:write", "--label", "ci")).isZero();
    String key = lastLine(output());

    assertThat(key).startsWith(ApiKeys.KEY_PREFIX).hasSize(ApiKeys.KEY_PREFIX.length() + 40);
    ApiKey stored = keys().authenticate(key).orElseThrow();
    assertThat(stored.teams()).containsExactlyInAnyOrder(TeamId.of(1), TeamId.of(2));
    assertThat(stored.scopes()).containsExactlyInAnyOrder(Scope.READ, Scope.WRITE);
    assertThat(stored.label()).isEqualTo("ci");
    assertThat(keys().authenticate(key + "x")).isEmpty();
    assertThat(ApiKeys.hash(key)).hasSize(64).doesNotContain(key.substring(5));

    assertThat(run("keys", "list", "--data-dir", directory.toString())).isZero();
    assertThat(output()).contains(stored.prefix()).contains("teams 1,2").doesNotContain(key);

    assertThat(run("keys", "revoke", "--data-dir", directory.toString(), "--id", stored.prefix())).isZero();
    assertThat(keys().authenticate(key)).isEmpty();
    assertThat(run("keys", "list", "--data-dir", directory.toString())).isZero();
    assertThat(output()).contains("revoked");
  }

  @Test
  void badKeyCommandsExplainThemselves() {
    assertThat(run("keys", "create", "--data-dir", directory.toString(), "--team", "1", "--scopes", "admin")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown scope 'admin'");
    assertThat(run("keys", "create", "--data-dir", directory.toString(), "--scopes", "*")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'--team' is required");
    assertThat(run("keys", "create", "--data-dir", directory.toString(), "--team", "zero", "--scopes", "*"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a valid team id: 'zero'");
    assertThat(run("keys", "create", "--data-dir", directory.toString(), "--team", "1", "--scopes", "*", "--label",
        "l".repeat(ApiKeys.MAX_LABEL_LENGTH + 1))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("label must be at most 200 characters");
    assertThat(run("keys", "revoke", "--data-dir", directory.toString(), "--id", "fdbe_nothing")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no active API key");
    assertThat(run("keys")).isEqualTo(2);
    assertThat(run("keys", "rotate", "--data-dir", directory.toString())).isEqualTo(2);
  }

  @Test
  void anOperatorKeyIsRegisteredAndUpdated() {
    ApiKeys keys = keys();
    keys.register("operator-key-0123456789", java.util.Set.of(TeamId.of(1)), java.util.EnumSet.of(Scope.READ), "op");
    keys.register("operator-key-0123456789", java.util.Set.of(TeamId.of(1), TeamId.of(5)),
        java.util.EnumSet.of(Scope.ALL), "op");

    ApiKey key = keys.authenticate("operator-key-0123456789").orElseThrow();
    assertThat(key.teams()).contains(TeamId.of(5));
    assertThat(key.scopes()).containsExactly(Scope.ALL);
    assertThat(keys.list()).hasSize(1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.register("short", java.util.Set.of(TeamId.of(1)),
        java.util.EnumSet.of(Scope.ALL), "x")).hasMessageContaining("at least 16");
  }

  @Test
  void serveSettingsComeFromOptionsAndEnvironment() {
    ServerApp.Settings settings = settings(Map.of("FDBE_API_KEY", "k".repeat(20), "FDBE_API_KEY_TEAMS", "1,7"),
        "--port", "9000", "--host", "0.0.0.0", "--public-url", "https://exports.example.com/fdbe");

    assertThat(settings.port()).isEqualTo(9000);
    assertThat(settings.publicUrl()).hasToString("https://exports.example.com/fdbe");
    assertThat(settings.apiKey()).isEqualTo("k".repeat(20));
    assertThat(settings.apiKeyTeams()).containsExactlyInAnyOrder(TeamId.of(1), TeamId.of(7));
    assertThat(settings.storage()).isNull();
    assertThat(settings(Map.of(), "--storage", "s3://bucket/exports?region=eu-west-1").storage())
        .hasToString("s3://bucket/exports?region=eu-west-1");
    assertThat(settings(Map.of("FDBE_STORAGE", "gs://b/p")).storage()).hasToString("gs://b/p");
    assertThat(run("--storage", "no-scheme", "--data-dir", directory.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--storage must be a URI with a scheme");
    assertThat(run("--storage", "ftp://x/y", "--data-dir", directory.toString(), "--demo-rows", "0",
        "--port", "0")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no blob store handles 'ftp://x/y'");
    assertThat(run("--port", "99999")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'--port' must be between 0 and 65535");
    assertThatThrownBy(() -> settings(Map.of("FDBE_API_KEY", "short key")))
        .isInstanceOf(Options.UsageException.class)
        .hasMessage("FDBE_API_KEY: an API key must be at least 16 printable ASCII characters without spaces");
  }

  @Test
  void theLimitsOnSlowAndGreedyClientsComeFromOptionsAndAWrongOneIsNamed() {
    ServerApp.Settings defaults = settings(Map.of());
    assertThat(defaults.requestDeadline()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(defaults.maxConnectionsPerAddress()).isEqualTo(64);
    ServerApp.Settings given = settings(Map.of(), "--request-deadline", "3", "--max-connections-per-address", "500");
    assertThat(given.requestDeadline()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(given.maxConnectionsPerAddress()).isEqualTo(500);

    assertThat(run("--request-deadline", "0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'--request-deadline' must be between 1 and 3600");
    assertThat(run("--request-deadline", "10s")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'--request-deadline' must be an integer, got '10s'");
    assertThat(run("--max-connections-per-address", "0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("'--max-connections-per-address' must be between 1 and 1024");
    assertThat(run("--max-connections-per-address", "1025")).isEqualTo(2);
  }

  @Test
  void theDatabaseUrlComesFromTheOptionOrTheEnvironmentAndAWrongOneIsNamedWithoutItsPassword() {
    ServerApp.Settings settings = settings(
        Map.of("FDBE_DATABASE_URL", "jdbc:postgresql://db:5432/fdbe", "FDBE_DATABASE_PASSWORD", "pw"), "--workers", "6");
    assertThat(settings.databaseUrl()).isEqualTo("jdbc:postgresql://db:5432/fdbe");
    assertThat(settings.maxConnections()).as("workers x 3 + 2").isEqualTo(20);
    assertThat(settings.databaseEnv()).containsExactly(Map.entry("FDBE_DATABASE_PASSWORD", "pw"));
    assertThat(settings(Map.of()).databaseUrl()).isNull();

    assertThat(run("--database-url", "postgres://db/fdbe?password=hush", "--data-dir", directory.toString()))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--database-url must be a JDBC URL")
        .contains("password=***").doesNotContain("hush");
    assertThat(run("--max-connections", "1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'--max-connections' must be between 2 and 10000");

    assertThat(run("keys", "list", "--database-url", "jdbc:postgresql://127.0.0.1:1/none?password=hush")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("cannot connect to the database at jdbc:postgresql://127.0.0.1:1/none?password=***")
        .doesNotContain("hush");
  }
}
