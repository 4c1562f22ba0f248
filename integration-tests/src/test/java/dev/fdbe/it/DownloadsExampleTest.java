package dev.fdbe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.storage.local.DownloadResponse;
import dev.fdbe.storage.local.LocalBlobStore;
import dev.fdbe.storage.local.LocalDownloadHandler;
import dev.fdbe.storage.local.LocalStorageConfig;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/downloads.md's server for local download links, on the JDK's HttpServer, run as shown. */
class DownloadsExampleTest {
  @TempDir
  Path root;

  @Test
  void theJdkServerOfTheDocsServesALinkWholeAndInPartAndRefusesATamperedOne() throws Exception {
    // example:start downloads-jdk
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    URI linkBase = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/downloads");
    LocalBlobStore store = LocalBlobStore.create(LocalStorageConfig.builder(root).linkBaseUrl(linkBase).build());
    LocalDownloadHandler downloads = new LocalDownloadHandler(store, Clock.systemUTC());

    http.createContext("/downloads/", exchange -> {
      try (exchange) {
        String key = exchange.getRequestURI().getRawPath().substring("/downloads/".length());
        try (DownloadResponse answer = downloads.handle(exchange.getRequestMethod(), key,
            exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders()::getFirst)) {
          answer.headers().forEach(exchange.getResponseHeaders()::set);
          // -1 is "no body" to the JDK's server; 0 would mean a chunked body.
          exchange.sendResponseHeaders(answer.status(), answer.bodyLength() == 0 ? -1 : answer.bodyLength());
          try (OutputStream out = exchange.getResponseBody()) {
            answer.body().transferTo(out);
          }
        } catch (ExportException e) {
          exchange.sendResponseHeaders(500, -1); // the file system failed; log e
        }
      }
    });
    http.start();
    // example:end downloads-jdk
    try {
      BlobUpload upload = store.beginUpload("1/run/attempt/00000.csv");
      upload.stream().write("uuid,event\n1,pageview\n".getBytes(StandardCharsets.UTF_8));
      upload.commit();
      URI link = store.signedLink("1/run/attempt/00000.csv", "00000.csv", Instant.now().plus(Duration.ofHours(1)));
      HttpClient client = HttpClient.newHttpClient();

      HttpResponse<String> whole = client.send(HttpRequest.newBuilder(link).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.body()).isEqualTo("uuid,event\n1,pageview\n");
      assertThat(whole.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"00000.csv\"");
      assertThat(whole.headers().firstValue("ETag")).isPresent();

      HttpResponse<String> part = client.send(HttpRequest.newBuilder(link).header("Range", "bytes=11-").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.body()).isEqualTo("1,pageview\n");
      assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 11-21/22");

      URI tampered = URI.create(link.toString().replace("filename=00000.csv", "filename=other.csv"));
      HttpResponse<String> refused = client.send(HttpRequest.newBuilder(tampered).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("invalid_link");
    } finally {
      http.stop(0);
    }
  }
}
