package dev.fdbe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell blocks of README.md and docs/*.md marked {@code <!-- run:NAME -->}, run with bash against
 * the built jar, in a working directory of their own where {@code server/target/fdbe-server.jar} is
 * the jar the reactor built. A block runs as written, with two substitutions only: the key
 * placeholder {@code fdbe_...} is the key the server printed on its first start, and port 8000 is a
 * free port (the server runs on it, started as the README's first command starts it, with
 * {@code FDBE_PORT}), so that a server someone runs on 8000 is never touched. Each block is bounded
 * in time; what it prints and leaves behind is checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocShellExamplesIT {
  /** The names of the blocks this test runs; {@link DocsTest} holds the pages to exactly these. */
  static final Set<String> RUNS = Set.of("curl-walk-through", "openapi", "example-export");

  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @TempDir
  static Path serverDirectory;

  @TempDir
  static Path exportDirectory;

  private final ObjectMapper json = new ObjectMapper();
  private Process server;
  private final StringBuilder serverOutput = new StringBuilder();
  private int port;
  private String key;

  /** A directory to run blocks in, with the built jar where the docs say it is. */
  private static void prepare(Path directory) throws IOException {
    Path jar = Docs.ROOT.resolve("server/target/fdbe-server.jar");
    assertThat(jar).as("the reactor builds the server jar before the integration tests").exists();
    Files.createDirectories(directory.resolve("server/target"));
    Files.createSymbolicLink(directory.resolve("server/target/fdbe-server.jar"), jar);
  }

  private static ProcessBuilder inDirectory(Path directory, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
    // `java` in a block is the JVM running this test.
    builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
        + builder.environment().getOrDefault("PATH", "/usr/bin:/bin"));
    return builder;
  }

  /** The README's first command, {@code java -jar server/target/fdbe-server.jar}, on a free port. */
  @BeforeAll
  void startTheServer() throws Exception {
    prepare(serverDirectory);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder = inDirectory(serverDirectory, List.of("java", "-jar", "server/target/fdbe-server.jar"));
    builder.environment().put("FDBE_PORT", Integer.toString(port));
    server = builder.start();
    CompletableFuture<String> firstKey = new CompletableFuture<>();
    CompletableFuture<Void> serving = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
          StandardCharsets.UTF_8))) {
        boolean keyFollows = false;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          synchronized (serverOutput) {
            serverOutput.append(line).append('\n');
          }
          if (keyFollows) {
            firstKey.complete(line.strip());
          }
          keyFollows = line.contains("It is shown only this once:");
          if (line.startsWith("fdbe serves the API")) {
            serving.complete(null);
          }
        }
        serving.completeExceptionally(new IllegalStateException("the server exited: " + serverOutput()));
      } catch (IOException e) {
        serving.completeExceptionally(e);
      }
    }, "doc-server-output");
    reader.setDaemon(true);
    reader.start();
    serving.get(5, TimeUnit.MINUTES); // 100,000 demo events are generated first
    key = firstKey.getNow(null);
    assertThat(key).as("the first start prints a key: %s", serverOutput()).startsWith("fdbe_");
  }

  @AfterAll
  void stopTheServer() throws Exception {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(2, TimeUnit.MINUTES)) {
        server.destroyForcibly();
        server.waitFor(30, TimeUnit.SECONDS);
      }
    }
    // The links to the jar go before JUnit deletes the directories (it warns about links out of them).
    for (Path directory : List.of(serverDirectory, exportDirectory)) {
      Files.deleteIfExists(directory.resolve("server/target/fdbe-server.jar"));
    }
  }

  private String serverOutput() {
    synchronized (serverOutput) {
      return serverOutput.toString();
    }
  }

  /** A command that ran to its end: its exit code and what it printed. */
  private record Ran(int exitCode, String output) {}

  /** Runs the block with {@code bash -e} in the directory, with the two substitutions, for at most five minutes. */
  private Ran run(String name, Path directory) throws Exception {
    String script = Docs.runnable(name).replace("fdbe_...", key == null ? "fdbe_..." : key)
        .replace("127.0.0.1:8000", "127.0.0.1:" + port);
    Process bash = inDirectory(directory, List.of("bash", "-e", "-c", script)).start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
    if (!bash.waitFor(5, TimeUnit.MINUTES)) {
      bash.descendants().forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly();
      throw new AssertionError("block " + name + " did not end within 5 minutes: " + output.getNow(""));
    }
    Ran ran = new Ran(bash.exitValue(), output.get(1, TimeUnit.MINUTES));
    assertThat(ran.exitCode()).as("block %s: %s\nserver: %s", name, ran.output(), serverOutput()).isZero();
    return ran;
  }

  private JsonNode lineWith(List<String> lines, String text) throws IOException {
    String line = lines.stream().filter(candidate -> candidate.startsWith("{") && candidate.contains(text)).findFirst()
        .orElseThrow(() -> new AssertionError("no line with " + text + " in " + lines));
    return json.readTree(line);
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private Path downloaded(Path directory, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(file -> file.getFileName().toString().endsWith(suffix)).findFirst()
          .orElseThrow(() -> new AssertionError("no file *" + suffix + " in " + directory));
    }
  }

  @Test
  void curlWalkThrough() throws Exception {
    Path directory = serverDirectory.resolve("walk");
    Files.createDirectories(directory);
    String output = run("curl-walk-through", directory).output();
    List<String> lines = output.lines().toList();

    String id = lines.get(0);
    assertThat(id).as("the create's id, echoed").matches(UUID);

    JsonNode retrieved = lineWith(lines, "\"status\":\"Completed\"");
    assertThat(retrieved.get("id").asText()).isEqualTo(id);
    assertThat(retrieved.get("files").size()).as("yesterday in parts of 1 MiB").isGreaterThan(1);
    assertThat(retrieved.get("parts_completed").asInt()).isEqualTo(retrieved.get("files").size());

    Path first = downloaded(directory, "-00000.jsonl");
    Path second = downloaded(directory, "-00001.jsonl");
    assertThat(Files.size(first)).isBetween(1L, 1L << 20);
    assertThat(Files.size(second)).isBetween(1L, 1L << 20);
    String head = new String(Arrays.copyOf(Files.readAllBytes(second), 400), StandardCharsets.UTF_8)
        .replaceAll("\uFFFD+$", ""); // a character cut by head -c
    assertThat(output).as("head -c 400 of the second part").contains(head);
    assertThat(head).startsWith("{\"uuid\":\"");

    JsonNode manifest = lineWith(lines, "\"run_id\":\"" + id + "\"");
    assertThat(manifest.get("records").asLong()).isEqualTo(retrieved.get("records_completed").asLong());
    assertThat(manifest.get("files").get(0).get("name").asText()).isEqualTo(first.getFileName().toString());
    assertThat(manifest.get("files").get(0).get("sha256").asText()).isEqualTo(sha256(first));
    assertThat(manifest.get("files").get(1).get("sha256").asText()).isEqualTo(sha256(second));

    JsonNode logs = lineWith(lines, "\"log_source_id\":\"" + id + "\"");
    assertThat(logs.get("results").size()).isBetween(1, 5);
    logs.get("results").forEach(entry -> {
      assertThat(entry.get("level").asText()).isEqualTo("INFO");
      assertThat(entry.get("message").asText()).containsIgnoringCase("wrote");
    });

    JsonNode cancelled = lineWith(lines, "\"status\":\"Cancelled\"");
    String big = cancelled.get("id").asText();
    assertThat(big).isNotEqualTo(id);

    JsonNode list = json.readTree(lines.get(lines.size() - 1));
    assertThat(list.get("count").asInt()).isEqualTo(2);
    assertThat(list.get("results").get(0).get("id").asText()).as("newest first").isEqualTo(big);
    assertThat(list.get("next").asText()).as("an absolute link")
        .startsWith("http://127.0.0.1:" + port + "/api/projects/1/file_download_batch_exports/");
  }

  @Test
  void openApiDescription() throws Exception {
    Path directory = serverDirectory.resolve("openapi");
    Files.createDirectories(directory);
    run("openapi", directory);

    assertThat(Files.readString(directory.resolve("openapi.yaml"))).containsPattern("(?m)^openapi: 3\\.1\\.")
        .contains("\n  /api/projects/{project_id}/file_download_batch_exports/:\n");
    JsonNode document = json.readTree(directory.resolve("openapi.json").toFile());
    assertThat(document.get("openapi").asText()).startsWith("3.1.");
    assertThat(document.get("paths").has("/api/environments/{environment_id}/file_download_batch_exports/")).isTrue();
  }

  @Test
  void exampleExport() throws Exception {
    prepare(exportDirectory);
    String output = run("example-export", exportDirectory).output();

    Matcher completed = Pattern.compile("Completed: (\\d+) records in (\\d+) file").matcher(output);
    assertThat(completed.find()).as(output).isTrue();
    assertThat(Long.parseLong(completed.group(1))).isPositive();
    List<Path> files = output.lines().filter(line -> line.startsWith("  ") && line.contains(" records, "))
        .map(line -> exportDirectory.resolve(line.strip().split("  \\(")[0])).toList();
    assertThat(files).as(output).hasSize(Integer.parseInt(completed.group(2)));
    Path data = exportDirectory.toRealPath().resolve("fdbe-data");
    for (Path file : files) {
      assertThat(file).isRegularFile();
      assertThat(file.toRealPath()).as("in ./fdbe-data").startsWith(data);
    }
  }
}
