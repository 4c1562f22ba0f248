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
import java.util.Arrays;
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

      // One range of bytes, as a download manager resuming with the file's entity tag asks for it.
      byte[] whole = response.body();
      String tag = response.headers().firstValue("ETag").orElseThrow();
      HttpResponse<byte[]> part = client.send(HttpRequest.newBuilder(link.uri())
          .header("Range", "bytes=10-").header("If-Range", tag).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(206, part.statusCode());
      assertEquals("bytes 10-" + (whole.length - 1) + "/" + whole.length,
          part.headers().firstValue("Content-Range").orElse(""));
      assertArrayEquals(Arrays.copyOfRange(whole, 10, whole.length), part.body());

      // A HEAD has the headers of the GET and no body.
      HttpResponse<byte[]> head = client.send(HttpRequest.newBuilder(link.uri())
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, head.statusCode());
      assertEquals(Long.toString(whole.length), head.headers().firstValue("Content-Length").orElse(""));
      assertEquals(0, head.body().length);

      // A link whose signature was changed is refused, in the error envelope of fdbe's HTTP API.
      URI tampered = URI.create(link.uri().toString().replace("signature=", "signature=x"));
      HttpResponse<String> refused =
          client.send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, refused.statusCode());
      assertTrue(refused.body().contains("\"code\": \"invalid_link\""), refused.body());
    }
  }
}
