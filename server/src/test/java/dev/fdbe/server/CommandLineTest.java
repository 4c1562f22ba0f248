package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --help} and {@code --version} of every command, and how the command line reports a bad variable. */
class CommandLineTest {
  @TempDir
  Path directory;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, List<String> args) {
    out.reset();
    err.reset();
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
  }

  private int run(String... args) {
    return run(Map.of(), List.of(args));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyCommandPrintsItsUsageForHelpAndExitsZero() {
    for (Commands.Command command : Commands.ALL) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(command.words());
        args.add(flag);
        assertThat(run(Map.of(), args)).as("%s", args).isZero();
        assertThat(output()).as("%s", args).startsWith("usage: java -jar fdbe-server.jar " + command.name());
        assertThat(errors()).as("%s", args).isEmpty();
        for (Options.Spec spec : command.options()) {
          assertThat(output()).as("%s", args).contains(spec.flagName() + " " + spec.value());
          if (spec.fromEnvironment()) {
            assertThat(output()).as("%s", args).contains(spec.variable());
          }
        }
      }
    }
  }

  @Test
  void helpAnywhereWinsAndTheBareHelpListsEveryCommandAndServesOptions() {
    for (List<String> args : List.of(List.of("--help"), List.of("-h"), List.of("help"),
        List.of("--port", "1", "--help"))) {
      assertThat(run(Map.of(), args)).as("%s", args).isZero();
      assertThat(output()).as("%s", args).startsWith("usage: java -jar fdbe-server.jar [command] [options]");
      Commands.ALL.forEach(command -> assertThat(output()).contains("  " + command.name() + " "));
      assertThat(output()).contains("--port N  (FDBE_PORT)  default 8000");
    }
    assertThat(run("keys", "--help")).isZero();
    assertThat(output()).contains("keys create").contains("keys list").contains("keys revoke");
    assertThat(run("help", "keys", "revoke")).isZero();
    assertThat(output()).startsWith("usage: java -jar fdbe-server.jar keys revoke").contains("--id ID  required");
    assertThat(run("keys", "create", "--team", "1", "--help")).as("no key is created").isZero();
    assertThat(output()).startsWith("usage:");
  }

  @Test
  void everyCommandPrintsTheVersionAndExitsZero() {
    for (Commands.Command command : Commands.ALL) {
      for (String flag : List.of("--version", "-V")) {
        List<String> args = new ArrayList<>(command.words());
        args.add(flag);
        assertThat(run(Map.of(), args)).as("%s", args).isZero();
        assertThat(output()).as("run from classes").isEqualTo("fdbe-server dev" + System.lineSeparator());
        assertThat(errors()).isEmpty();
      }
    }
    assertThat(run("--version")).isZero();
    assertThat(run("version")).isZero();
    assertThat(output()).isEqualTo("fdbe-server dev" + System.lineSeparator());
  }

  @Test
  void wrongCommandsAreUsageErrors() {
    assertThat(run("bogus", "--help")).isEqualTo(2);
    assertThat(errors()).contains("unknown command 'bogus'").contains("java -jar fdbe-server.jar --help");
    assertThat(run("keys")).isEqualTo(2);
    assertThat(errors()).contains("keys needs a subcommand").contains("keys --help");
    assertThat(run("keys", "rotate", "--help")).isEqualTo(2);
    assertThat(errors()).contains("unknown keys subcommand 'rotate'");
    assertThat(run("help", "bogus")).isEqualTo(2);
    assertThat(output()).isEmpty();
  }

  @Test
  void aBadVariableStopsServeWithExitCodeTwoNamingIt() {
    assertThat(run(Map.of("FDBE_PORT", "70000"), List.of())).isEqualTo(2);
    assertThat(errors()).startsWith("fdbe-server: FDBE_PORT: '70000' is not an integer between 0 and 65535")
        .contains("java -jar fdbe-server.jar serve --help");
    assertThat(run(Map.of("FDBE_DATA_DIR", directory.toString(), "FDBE_TEAM", "x"), List.of("keys", "create",
        "--scopes", "*"))).as("FDBE_TEAM is not read").isEqualTo(2);
    assertThat(errors()).contains("option '--team' is required");
  }

  @Test
  void h2sObjectCacheIsTurnedOffUnlessTheOperatorChose() {
    String before = System.getProperty(Main.H2_OBJECT_CACHE);
    try {
      System.clearProperty(Main.H2_OBJECT_CACHE);
      Main.tuneH2();
      assertThat(System.getProperty(Main.H2_OBJECT_CACHE)).isEqualTo("false");

      System.setProperty(Main.H2_OBJECT_CACHE, "true");
      Main.tuneH2();
      assertThat(System.getProperty(Main.H2_OBJECT_CACHE)).isEqualTo("true");
    } finally {
      if (before == null) {
        System.clearProperty(Main.H2_OBJECT_CACHE);
      } else {
        System.setProperty(Main.H2_OBJECT_CACHE, before);
      }
    }
  }
}
