package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as an operator runs it: it listens on its HTTP port and nowhere else, keeps its
 * data directory private, and stays the directory's only user: a second {@code serve} or
 * {@code example-export} is refused at once, naming the holder, while {@code keys} commands from
 * other processes go through the running server.
 */
class ListenersIT {
  private static final String KEY = "fdbe_listeners_test_key_0123456789";

  @TempDir
  Path directory;

  /** The TCP ports the process listens on, from its socket inodes and the kernel's socket tables. */
  static Set<Integer> listeningPorts(long pid) throws Exception {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (java.io.IOException e) {
          // closed meanwhile
        }
      }
    }
    Set<Integer> ports = new TreeSet<>();
    for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
      Path file = Path.of("/proc", Long.toString(pid), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      // Read once: the table lists every socket of the network namespace and changes between reads.
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] columns = line.strip().split("\\s+");
        boolean listening = table.startsWith("udp") || columns[3].equals("0A");
        if (listening && inodes.contains(columns[9])) {
          String local = columns[1];
          ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void theServerListensOnlyOnItsPortKeepsItsDataPrivateAndHoldsItsDirectoryAlone() throws Exception {
    int port = TestServer.freePort();
    try (ServerProcess server = ServerProcess.serve(Map.of("FDBE_API_KEY", KEY), "--data-dir", directory.toString(),
        "--port", Integer.toString(port), "--demo-rows", "5000", "--workers", "1")) {
      URI runs = URI.create("http://127.0.0.1:" + port + "/api/projects/1/file_download_batch_exports/");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(runs).header("Authorization", "Bearer " + KEY)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"model\": \"events\", \"file\": {\"format\": \"CSV\"}, \"data_interval_start\": \""
                  + TestServer.yesterday()[0] + "\", \"data_interval_end\": \"" + TestServer.yesterday()[1] + "\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(202);

      assertThat(listeningPorts(server.pid())).as("listening sockets of the server").containsExactly(port);

      assertThat(mode(directory)).isEqualTo("rwx------");
      assertThat(mode(directory.resolve("fdbe.mv.db"))).isEqualTo("rw-------");
      assertThat(mode(directory.resolve(DataDirectory.HOLDER_FILE))).isEqualTo("rw-------");

      // Another process on the same data directory.
      ServerProcess.Finished second = ServerProcess.run("serve", "--data-dir", directory.toString(), "--port",
          Integer.toString(TestServer.freePort()), "--demo-rows", "0");
      assertThat(second.exitCode()).as(second.output()).isEqualTo(1);
      assertThat(second.output()).contains("is in use by the fdbe server (pid " + server.pid());
      ServerProcess.Finished example = ServerProcess.run("example-export", "--data-dir", directory.toString());
      assertThat(example.exitCode()).as(example.output()).isEqualTo(1);
      assertThat(example.output()).contains("is in use by the fdbe server (pid " + server.pid());

      ServerProcess.Finished key = ServerProcess.run("keys", "create", "--data-dir", directory.toString(), "--team",
          "1", "--scopes", "batch_export:read", "--label", "from another process");
      assertThat(key.exitCode()).as(key.output()).isZero();
      List<String> lines = key.output().lines().toList();
      HttpResponse<String> listed = http.send(HttpRequest.newBuilder(runs)
          .header("Authorization", "Bearer " + lines.get(lines.size() - 1)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
      ServerProcess.Finished list = ServerProcess.run("keys", "list", "--data-dir", directory.toString());
      assertThat(list.output()).contains("(from another process)");

      assertThat(listeningPorts(server.pid())).as("still only the HTTP port").containsExactly(port);
      assertThat(server.output()).doesNotContain("Exception");
    }
    assertThat(directory.resolve(DataDirectory.HOLDER_FILE)).as("removed on a clean stop").doesNotExist();
    ServerProcess.Finished after = ServerProcess.run("keys", "list", "--data-dir", directory.toString());
    assertThat(after.exitCode()).as("with no server, keys opens the database itself: " + after.output()).isZero();
    assertThat(after.output()).contains("(from another process)");
  }
}
