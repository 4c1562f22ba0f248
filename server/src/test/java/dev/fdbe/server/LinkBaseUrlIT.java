package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose local download links start with {@code --link-base-url}, as behind a proxy that
 * maps another host and path to this server's {@code /fdbe/local-downloads/}: the links point
 * there, and this server still serves them at its own path.
 */
class LinkBaseUrlIT {
  private static final URI LINK_BASE = URI.create("https://downloads.example.com/exports");

  @TempDir
  Path directory;

  @Test
  void linksStartWithTheLinkBaseUrlAndAreServedAtTheServersOwnPath() throws Exception {
    try (TestServer server = new TestServer(directory, 2_000, 1, null, FdbeServer.DEFAULT_REQUEST_DEADLINE,
        FdbeServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, LINK_BASE)) {
      String id = server.create("projects", "events", "{\"format\": \"JSONLines\"}");
      JsonNode run = server.awaitTerminal("projects", id);
      assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Completed");

      String location = server.get("/api/projects/1/file_download_batch_exports/" + id + "/download/", server.key)
          .headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith(LINK_BASE + "/1/" + id + "/");

      // What the proxy does: the same path and query, at this server's own path.
      URI proxied = server.uri(HttpApi.LOCAL_DOWNLOADS_PATH + location.substring(LINK_BASE.toString().length() + 1));
      HttpResponse<String> file = server.send(HttpRequest.newBuilder(proxied).build());
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(file.body()).contains("\"uuid\"");
      HttpResponse<String> range = server.send(HttpRequest.newBuilder(proxied).header("Range", "bytes=0-0").build());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo("{");
    }
  }
}
