package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar's command line as an operator meets it: {@code --help} and {@code --version} exit 0
 * with the usage and the manifest's version, and {@code serve} takes its options from environment
 * variables, refusing a bad one by name.
 */
class CommandLineIT {
  @TempDir
  Path directory;

  @Test
  void helpAndVersionExitZeroForEveryCommand() throws Exception {
    for (List<String> args : List.of(List.of("--help"), List.of("serve", "--help"), List.of("keys", "create", "--help"),
        List.of("keys", "list", "-h"), List.of("example-export", "--help"), List.of("help"))) {
      ServerProcess.Finished help = ServerProcess.run(args.toArray(String[]::new));
      assertThat(help.exitCode()).as("%s: %s", args, help.output()).isZero();
      assertThat(help.output()).as("%s", args).startsWith("usage: java -jar fdbe-server.jar");
    }
    ServerProcess.Finished serveHelp = ServerProcess.run("serve", "--help");
    assertThat(serveHelp.output()).contains("--port N  (FDBE_PORT)  default 8000")
        .contains("--metrics true|false  (FDBE_METRICS)  default true");

    String version = System.getProperty("fdbe.version");
    assertThat(version).as("failsafe passes the project's version").isNotBlank();
    for (List<String> args : List.of(List.of("--version"), List.of("version"), List.of("keys", "revoke", "-V"))) {
      ServerProcess.Finished shown = ServerProcess.run(args.toArray(String[]::new));
      assertThat(shown.exitCode()).as("%s: %s", args, shown.output()).isZero();
      assertThat(shown.output()).as("from the jar's manifest").isEqualTo("fdbe-server " + version + "\n");
    }
  }

  @Test
  void serveTakesItsOptionsFromTheEnvironmentAndNamesABadVariable() throws Exception {
    int port = TestServer.freePort();
    Map<String, String> env = Map.of("FDBE_PORT", Integer.toString(port), "FDBE_DATA_DIR", directory.toString(),
        "FDBE_DEMO_ROWS", "0", "FDBE_WORKERS", "1", "FDBE_METRICS", "false");
    try (ServerProcess server = ServerProcess.serve(env)) {
      assertThat(server.output()).contains("(port " + port + ", data in " + directory.toRealPath());
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + port);
      assertThat(http.send(HttpRequest.newBuilder(base.resolve("/_health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).as("FDBE_METRICS=false").isEqualTo(404);
    }

    ServerProcess.Finished refused = ServerProcess.run(Map.of("FDBE_PORT", "70000",
        "FDBE_DATA_DIR", directory.resolve("unused").toString()));
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.output()).contains("FDBE_PORT: '70000' is not an integer between 0 and 65535");
    assertThat(directory.resolve("unused")).doesNotExist();
  }
}
