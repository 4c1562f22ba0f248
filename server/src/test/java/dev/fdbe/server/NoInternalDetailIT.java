package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything an API caller reads about a run over HTTP (retrieve, logs, manifest, and the errors of
 * download links) names destinations and parts, never this machine's paths, process id or host.
 */
class NoInternalDetailIT {
  private static final String RUNS = "/api/projects/1/file_download_batch_exports/";

  @TempDir
  Path directory;

  @Test
  void callersSeeNoPathProcessIdOrHostName() throws Exception {
    List<String> bodies = new ArrayList<>();
    try (TestServer server = new TestServer(directory, 2_000, 1)) {
      String id = server.create("projects", "events", "{\"format\": \"CSV\", \"compression\": \"gzip\"}");
      JsonNode run = server.awaitTerminal("projects", id);
      assertThat(run.get("status").asText()).isEqualTo("Completed");
      bodies.add(run.toString());
      bodies.add(server.get(RUNS + id + "/logs/?limit=500", server.key).body());
      bodies.add(server.get(RUNS + id + "/manifest/", server.key).body());
      assertThat(bodies.get(1)).contains("local storage");

      String link = server.get(RUNS + id + "/download/", server.key).headers().firstValue("Location").orElseThrow();
      HttpResponse<String> tampered = server.send(HttpRequest.newBuilder(URI.create(link.replace("signature=",
          "signature=AA"))).GET().build());
      assertThat(tampered.statusCode()).isEqualTo(403);
      bodies.add(tampered.body());
      HttpResponse<String> otherFile = server.send(HttpRequest.newBuilder(URI.create(
          link.replaceFirst("-00000\\.csv\\.gz", "-00001.csv.gz"))).GET().build());
      assertThat(otherFile.statusCode()).isEqualTo(403);
      bodies.add(otherFile.body());
      try (Stream<Path> files = Files.walk(directory.resolve("files"))) {
        for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".csv.gz")).toList()) {
          Files.delete(file);
        }
      }
      HttpResponse<String> gone = server.send(HttpRequest.newBuilder(URI.create(link)).GET().build());
      assertThat(gone.statusCode()).isEqualTo(404);
      bodies.add(gone.body());
    }

    String pid = Long.toString(ProcessHandle.current().pid());
    String host = System.getenv("HOSTNAME");
    for (String body : bodies) {
      assertThat(body).doesNotContain(directory.toString()).doesNotContain(directory.toRealPath().toString())
          .doesNotContain("/tmp/").doesNotContain("/files/");
      // The pid as the old instance names showed it (host/pid/random) or as "pid N": a bare number
      // could be a record count.
      assertThat(body).doesNotContain("/" + pid + "/").doesNotContain("pid " + pid).doesNotContain(pid + "@");
      if (host != null && !host.isBlank()) {
        assertThat(Pattern.compile("(?<![\\w.-])" + Pattern.quote(host) + "(?![\\w-])").matcher(body).find())
            .as(body).isFalse();
      }
    }
  }
}
