package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The runnable jar in a child process, its output collected: {@link #serve} waits until it serves,
 * {@link #run} runs a command to its end. Limits are generous: the machine may be busy.
 */
final class ServerProcess implements AutoCloseable {
  final Process process;
  private final StringBuilder output = new StringBuilder();
  private final Thread reader;

  private ServerProcess(Process process, CompletableFuture<Void> serving) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          if (line.startsWith("fdbe serves the API")) {
            serving.complete(null);
          }
        }
        serving.completeExceptionally(new IllegalStateException("the server exited: " + output()));
      } catch (IOException e) {
        serving.completeExceptionally(e);
      }
    }, "server-output");
    reader.setDaemon(true);
    reader.start();
  }

  private static ProcessBuilder jar(Map<String, String> env, List<String> args) {
    Path jar = Path.of("target", "fdbe-server.jar").toAbsolutePath();
    assertThat(jar).as("mvn package builds the jar before the integration tests").exists();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return builder;
  }

  /** Starts {@code serve} with the arguments and waits until it serves. */
  static ServerProcess serve(Map<String, String> env, String... args) throws Exception {
    CompletableFuture<Void> serving = new CompletableFuture<>();
    ServerProcess server = new ServerProcess(jar(env, List.of(args)).start(), serving);
    try {
      serving.get(180, TimeUnit.SECONDS);
    } catch (Exception e) {
      server.process.destroyForcibly();
      throw e;
    }
    return server;
  }

  /** A command that ran to its end: its exit code and output. */
  record Finished(int exitCode, String output) {}

  /** Runs the jar with the arguments to its end (at most three minutes). */
  static Finished run(String... args) throws Exception {
    return run(Map.of(), args);
  }

  /** Runs the jar with the arguments and these environment variables to its end (at most three minutes). */
  static Finished run(Map<String, String> env, String... args) throws Exception {
    Process process = jar(env, List.of(args)).start();
    CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("'" + String.join(" ", args) + "' did not end: " + text.getNow(""));
    }
    return new Finished(process.exitValue(), text.get(10, TimeUnit.SECONDS));
  }

  String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  long pid() {
    return process.pid();
  }

  /** Sends SIGTERM (keeping the output readable) and waits for the exit; true when it exited. */
  boolean terminate() throws InterruptedException {
    process.toHandle().destroy();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    reader.join(10_000);
    return exited;
  }

  @Override
  public void close() throws InterruptedException {
    if (!terminate()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
