package com.example.exports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fdbe.DownloadLink;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole service once: insert, export, and the download link fetched over HTTP. */
class EmbeddedServiceTest {
  @Test
  void servesTheExportedFileThroughItsSignedLink(@TempDir Path directory) throws Exception {
    try (EmbeddedService service = EmbeddedService.start(directory)) {
      assertEquals(3, service.insertEvents());

      RunSnapshot run = service.exportDay();
      assertEquals(RunStatus.COMPLETED, run.status(), () -> "error: " + run.error());

      DownloadLink link = service.download(run.id());
      assertEquals("127.0.0.1", link.uri().getHost());
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<byte[]> response =
          client.send(HttpRequest.newBuilder(link.uri()).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, response.statusCode());
      assertEquals("attachment; filename=\"" + link.fileName() + "\"",
          response.headers().firstValue("Content-Disposition").orElse(""));
      assertArrayEquals(service.fileBytes(run.id()), response.body());

      String text = new String(response.body(), StandardCharsets.UTF_8);
      assertTrue(text.contains("0190a1b2-0000-7000-8000-000000000001"), text);
      assertTrue(text.contains("0190a1b2-0000-7000-8000-000000000002"), text);
      assertTrue(!text.contains("0190a1b2-0000-7000-8000-000000000003"), "the next day's event: " + text);

      // A link whose signature was changed is refused.
      URI tampered = URI.create(link.uri().toString().replace("signature=", "signature=x"));
      HttpResponse<Void> refused =
          client.send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.discarding());
      assertEquals(403, refused.statusCode());
    }
  }
}
