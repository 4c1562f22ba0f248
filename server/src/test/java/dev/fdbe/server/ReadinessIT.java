package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fdbe.testing.TestDatabases;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /_health} is liveness; {@code /_ready} answers 503 when a store is gone, saying which. */
class ReadinessIT {
  @TempDir
  Path directory;

  private static HttpResponse<String> probe(TestServer server, String path) {
    return server.send(HttpRequest.newBuilder(server.uri(path)).GET().build());
  }

  /** Probes until the cached answer has expired and the new one has the status. */
  private static JsonNode awaitReady(TestServer server, int status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> response;
    do {
      response = probe(server, "/_ready");
      if (response.statusCode() == status) {
        return TestServer.json(response);
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("/_ready still answers " + response.statusCode() + ": " + response.body());
  }

  @Test
  void readinessFollowsTheBlobStore() throws Exception {
    try (TestServer server = new TestServer(directory, 100, 1)) {
      assertThat(awaitReady(server, 200).get("status").asText()).isEqualTo("ready");

      Path files = directory.resolve("files");
      try (Stream<Path> all = Files.walk(files)) {
        all.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
      JsonNode unavailable = awaitReady(server, 503);
      assertThat(unavailable.get("status").asText()).isEqualTo("unavailable");
      assertThat(unavailable.get("reason").asText()).isEqualTo("the blob store does not answer");
      assertThat(unavailable.toString()).doesNotContain(directory.toString());
      assertThat(probe(server, "/_health").statusCode()).as("liveness is not readiness").isEqualTo(200);

      Files.createDirectories(files);
      awaitReady(server, 200);
    }
  }

  @Test
  @Tag("postgres")
  void readinessFollowsTheRunStore() throws Exception {
    TestDatabases.PostgresSchema schema = TestDatabases.postgres();
    try (TestServer server = new TestServer(directory, 100, 1, schema.url())) {
      awaitReady(server, 200);
      schema.drop();
      JsonNode unavailable = awaitReady(server, 503);
      assertThat(unavailable.get("reason").asText()).isEqualTo("the run store does not answer");
      assertThat(probe(server, "/_health").statusCode()).isEqualTo(200);
    }
  }
}
