package dev.fdbe.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pre-signed download links, fetched with a plain HTTP client from S3Proxy, which checks SigV4
 * query signatures and their expiry (X-Amz-Date + X-Amz-Expires) as S3 does.
 */
class S3SignedLinkTest {
  private static final String KEY = "1/run/attempt-1/2026-11-20T000000Z-2026-11-21T000000Z-00000.jsonl";
  private static final String NAME = "2026-11-20T000000Z-2026-11-21T000000Z-00000.jsonl";
  private static final byte[] BODY = "{\"a\":1}\n{\"a\":2}\n".getBytes(StandardCharsets.UTF_8);

  private static S3ProxyServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private S3BlobStore store;

  @BeforeAll
  static void startS3() throws Exception {
    server = S3ProxyServer.inMemory();
  }

  @AfterAll
  static void stopS3() throws Exception {
    server.close();
  }

  @BeforeEach
  void putObject() throws IOException {
    store = S3BlobStore.create(server.config(server.newBucket()).keyPrefix("exports").build());
    BlobUpload upload = store.beginUpload(KEY);
    upload.stream().write(BODY);
    upload.commit();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aLinkDownloadsTheObjectAsAnAttachmentNamedAfterTheFile() throws Exception {
    URI link = store.signedLink(KEY, NAME, Instant.now().plus(Duration.ofHours(1)));

    HttpResponse<byte[]> response = get(link);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(BODY);
    assertThat(response.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"" + NAME + "\"");
    assertThat(link.getQuery()).contains("X-Amz-Signature=")
        .as("a signed link carries no secret").doesNotContain(S3ProxyServer.CREDENTIAL);
    // The hour asked for, less the time signing took, in whole seconds: 3599 on an idle machine.
    assertThat(Long.parseLong(parameter(link, "X-Amz-Expires"))).isBetween(3540L, 3599L);
    assertThat(link.getPath()).endsWith("/exports/" + KEY);
  }

  @Test
  void aTamperedLinkIsRefused() throws Exception {
    URI link = store.signedLink(KEY, NAME, Instant.now().plus(Duration.ofHours(1)));
    String text = link.toString();
    String signature = text.substring(text.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length());
    String flipped = signature.substring(0, signature.length() - 1) + (signature.endsWith("0") ? "1" : "0");

    URI otherSignature = URI.create(text.replace(signature, flipped));
    URI otherName = URI.create(text.replace("00000.jsonl%22", "00001.jsonl%22"));
    URI longer = URI.create(text.replace("X-Amz-Expires=" + parameter(link, "X-Amz-Expires"), "X-Amz-Expires=7200"));
    URI otherObject = URI.create(text.replace("-00000.jsonl?", "-00001.jsonl?"));

    assertThat(get(link).statusCode()).as("the untouched link works").isEqualTo(200);
    for (URI tampered : new URI[] {otherSignature, otherName, longer, otherObject}) {
      assertThat(tampered).isNotEqualTo(link);
      HttpResponse<byte[]> response = get(tampered);
      assertThat(response.statusCode()).as(tampered.toString()).isEqualTo(403);
      assertThat(new String(response.body(), StandardCharsets.UTF_8)).as(tampered.toString())
          .contains("SignatureDoesNotMatch");
    }
  }

  @Test
  void anExpiredLinkIsRefused() throws Exception {
    // Long enough that the first download comes before expiry even when a loaded machine stalls
    // this thread for seconds; the test waits that long for the link to expire.
    Instant expiresAt = Instant.now().plusSeconds(10);
    URI link = store.signedLink(KEY, NAME, expiresAt);
    Instant linkEnd = signedAt(link).plusSeconds(Long.parseLong(parameter(link, "X-Amz-Expires")));
    assertThat(linkEnd).as("the link never outlives what was asked, rounded down to seconds")
        .isBeforeOrEqualTo(expiresAt).isAfter(expiresAt.minusSeconds(2));
    assertThat(get(link).statusCode()).isEqualTo(200);

    // Time must pass for a link to expire: poll until S3Proxy refuses it, then check when that was.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> get(link).statusCode() == 403);

    assertThat(Instant.now()).as("refused only once it expired").isAfterOrEqualTo(linkEnd);
    HttpResponse<byte[]> refused = get(link);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("AccessDenied").contains("expired");
  }

  private static String parameter(URI link, String name) {
    for (String part : link.getRawQuery().split("&")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no " + name + " in " + link);
  }

  private static Instant signedAt(URI link) {
    return java.time.LocalDateTime.parse(parameter(link, "X-Amz-Date"),
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(java.time.ZoneOffset.UTC);
  }

  @Test
  void linksOutsideSigV4sLifetimeOrWithUnsafeFileNamesAreRefused() {
    Instant inAnHour = Instant.now().plus(Duration.ofHours(1));
    assertThatThrownBy(() -> store.signedLink(KEY, NAME, Instant.now().minusSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiresAt");
    assertThatThrownBy(() -> store.signedLink(KEY, NAME, Instant.now().plus(Duration.ofDays(8))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 days");
    for (String name : new String[] {"", "a\"b.csv", "a/b.csv", "a\\b.csv", "line\nbreak.csv", "caf\u00e9.csv"}) {
      assertThatThrownBy(() -> store.signedLink(KEY, name, inAnHour)).as(name)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fileName");
    }
    assertThatThrownBy(() -> store.signedLink("../x", NAME, inAnHour)).isInstanceOf(IllegalArgumentException.class);
  }
}
