package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Options from flags and environment variables: every {@code serve} option has its variable, a flag
 * wins over it, and a bad value names where it came from.
 */
class OptionsTest {
  /**
   * A value for each {@code serve} option that differs from its default. A new option needs one
   * here, so this test proves its variable works.
   */
  private static final Map<String, String> SAMPLES = Map.ofEntries(
      Map.entry("data-dir", "/srv/fdbe-data"),
      Map.entry("host", "localhost"),
      Map.entry("port", "9001"),
      Map.entry("public-url", "https://exports.example.com"),
      Map.entry("link-base-url", "https://downloads.example.com/fdbe"),
      Map.entry("auth-failures-per-minute", "7"),
      Map.entry("request-deadline", "3"),
      Map.entry("max-connections-per-address", "500"),
      Map.entry("demo-rows", "0"),
      Map.entry("workers", "2"),
      Map.entry("shutdown-grace", "5"),
      Map.entry("storage", "s3://bucket/exports?region=eu-west-1"),
      Map.entry("database-url", "jdbc:postgresql://db:5432/fdbe"),
      Map.entry("max-connections", "9"),
      Map.entry("metrics", "false"));

  private static ServerApp.Settings settings(Map<String, String> env, String... args) {
    return KeysCommandTest.settings(env, args);
  }

  @Test
  void everyServeOptionHasItsVariableAndTheVariableSetsIt() {
    ServerApp.Settings defaults = settings(Map.of());
    for (Options.Spec spec : Commands.SERVE_OPTIONS) {
      assertThat(spec.fromEnvironment()).as("%s has an environment variable", spec.flagName()).isTrue();
      assertThat(spec.variable()).isEqualTo("FDBE_" + spec.name().toUpperCase(Locale.ROOT).replace('-', '_'));
      assertThat(SAMPLES).as("a sample value for %s in this test", spec.flagName()).containsKey(spec.name());
      String value = SAMPLES.get(spec.name());

      ServerApp.Settings fromFlag = settings(Map.of(), spec.flagName(), value);
      ServerApp.Settings fromVariable = settings(Map.of(spec.variable(), value));

      assertThat(fromFlag).as("%s changes the settings", spec.flagName()).isNotEqualTo(defaults);
      assertThat(fromVariable).as("%s=%s sets what %s does", spec.variable(), value, spec.flagName())
          .isEqualTo(fromFlag);
    }
    assertThat(Commands.SERVE_OPTIONS).extracting(Options.Spec::name).containsExactlyInAnyOrderElementsOf(
        SAMPLES.keySet());
  }

  @Test
  void aFlagWinsOverItsVariable() {
    Map<String, String> env = Map.of("FDBE_PORT", "9001", "FDBE_WORKERS", "not a number", "FDBE_METRICS", "false");

    ServerApp.Settings settings = settings(env, "--port", "9002", "--workers", "3");

    assertThat(settings.port()).isEqualTo(9002);
    assertThat(settings.workers()).as("the flag wins, so the bad variable is not read").isEqualTo(3);
    assertThat(settings.metrics()).as("the variable stands in for the flag not given").isFalse();
  }

  @Test
  void aBadVariableIsAnErrorNamingTheVariable() {
    assertThatThrownBy(() -> settings(Map.of("FDBE_PORT", "70000"))).isInstanceOf(Options.UsageException.class)
        .hasMessage("FDBE_PORT: '70000' is not an integer between 0 and 65535");
    assertThatThrownBy(() -> settings(Map.of("FDBE_WORKERS", "four")))
        .hasMessage("FDBE_WORKERS: 'four' is not an integer between 1 and 256");
    assertThatThrownBy(() -> settings(Map.of("FDBE_METRICS", "off")))
        .hasMessage("FDBE_METRICS: 'off' is not true or false");
    assertThatThrownBy(() -> settings(Map.of("FDBE_STORAGE", "no-scheme")))
        .hasMessageStartingWith("FDBE_STORAGE must be a URI with a scheme");
    assertThatThrownBy(() -> settings(Map.of("FDBE_PUBLIC_URL", "ftp://example.com")))
        .hasMessageStartingWith("FDBE_PUBLIC_URL must be an absolute http or https URL");
    assertThatThrownBy(() -> settings(Map.of("FDBE_HOST", "0.0.0.0")))
        .hasMessageStartingWith("FDBE_HOST 0.0.0.0 listens beyond loopback, so --public-url is required");
    assertThatThrownBy(() -> settings(Map.of("FDBE_DATABASE_URL", "postgres://db/fdbe?password=hush")))
        .hasMessageStartingWith("FDBE_DATABASE_URL must be a JDBC URL").hasMessageNotContaining("hush");
    assertThatThrownBy(() -> settings(Map.of(), "--metrics", "off"))
        .hasMessage("option '--metrics' must be true or false, got 'off'");
  }

  @Test
  void anEmptyVariableCountsAsUnset() {
    assertThat(settings(Map.of("FDBE_PORT", "", "FDBE_STORAGE", "")))
        .isEqualTo(settings(Map.of()));
  }

  @Test
  void otherCommandsReadTheVariablesOfTheServeOptionsTheyShare() {
    Map<String, String> env = Map.of("FDBE_DATA_DIR", "/srv/fdbe-data", "FDBE_TEAM", "1", "FDBE_MODEL", "persons");

    Options keys = Options.parse(List.of(), Commands.KEYS_CREATE.options(), env);
    Options export = Options.parse(List.of(), Commands.EXAMPLE_EXPORT.options(), env);

    assertThat(keys.get("data-dir", null)).isEqualTo("/srv/fdbe-data");
    assertThat(keys.get("team", null)).as("a key's teams come from the command line only").isNull();
    assertThat(export.get("model", null)).isNull();
    for (Commands.Command command : Commands.ALL) {
      for (Options.Spec spec : command.options()) {
        assertThat(!spec.fromEnvironment() || Commands.SERVE_OPTIONS.contains(spec))
            .as("%s %s reads a variable only as serve's option of that name", command.name(), spec.flagName())
            .isTrue();
      }
    }
  }

  @Test
  void wrongCommandLinesAreNamed() {
    List<Options.Spec> known = Commands.KEYS_REVOKE.options();
    assertThatThrownBy(() -> Options.parse(List.of("--team", "1"), known, Map.of()))
        .hasMessageStartingWith("unknown option '--team'; known options: --id, --data-dir, --database-url");
    assertThatThrownBy(() -> Options.parse(List.of("--id", "a", "--id=b"), known, Map.of()))
        .hasMessage("option '--id' is given twice");
    assertThatThrownBy(() -> Options.parse(List.of("--id"), known, Map.of()))
        .hasMessage("option '--id' needs a value");
    assertThatThrownBy(() -> Options.parse(List.of("id"), known, Map.of()))
        .hasMessage("unexpected argument 'id'; options look like --name value");
    assertThat(Options.parse(List.of("--id=x"), known, Map.of()).get("id", null)).isEqualTo("x");
  }
}
