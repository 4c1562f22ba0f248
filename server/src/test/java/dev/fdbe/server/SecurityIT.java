package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker on the network tries against a running server: links steered by a forged
 * {@code Host}, keys guessed fast, the key administration without its token.
 */
class SecurityIT {
  private static final String RUNS = "/api/projects/1/file_download_batch_exports/";

  @TempDir
  static Path directory;

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(directory, 2_000, 1);
    // Three runs, so that a page of one has both a next and a previous link.
    for (int i = 0; i < 3; i++) {
      server.create("projects", "events", "{\"format\": \"CSV\"}");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static InetAddress address(String text) throws IOException {
    return InetAddress.getByName(text);
  }

  private static JsonNode json(RawHttp.Response response) {
    try {
      return JsonBodies.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  @Test
  void aForgedHostHeaderNeverShapesALink() throws Exception {
    for (String family : new String[] {"projects", "environments"}) {
      RawHttp.Response page = RawHttp.get(server.base, address("127.0.0.1"),
          "/api/" + family + "/1/file_download_batch_exports/?limit=1&offset=1",
          "Host: evil.example.com", "X-Forwarded-Host: evil.example.com", "Authorization: Bearer " + server.key);

      assertThat(page.status()).as(page.body()).isEqualTo(200);
      String expected = server.base + "/api/" + family + "/1/file_download_batch_exports/";
      assertThat(json(page).get("next").asText()).isEqualTo(expected + "?limit=1&offset=2");
      assertThat(json(page).get("previous").asText()).isEqualTo(expected + "?limit=1&offset=0");
      assertThat(page.body()).doesNotContain("evil");
    }
  }

  @Test
  void failedAuthenticationsAreThrottledPerAddressAndSuccessfulOnesAreNot() throws Exception {
    InetAddress guesser = address("127.0.0.2");
    InetAddress honest = address("127.0.0.3");

    // Successful requests take nothing from an address's budget.
    for (int i = 0; i < AuthThrottle.DEFAULT_LIMIT_PER_MINUTE * 2; i++) {
      assertThat(RawHttp.get(server.base, honest, RUNS, "Authorization: Bearer " + server.key).status())
          .isEqualTo(200);
    }

    for (int i = 0; i < AuthThrottle.DEFAULT_LIMIT_PER_MINUTE; i++) {
      RawHttp.Response guess = RawHttp.get(server.base, guesser, RUNS, "Authorization: Bearer fdbe_guess" + i);
      assertThat(guess.status()).as("guess %d: %s", i, guess.body()).isEqualTo(401);
    }
    RawHttp.Response refused = RawHttp.get(server.base, guesser, RUNS, "Authorization: Bearer fdbe_one_more");
    assertThat(refused.status()).as(refused.body()).isEqualTo(429);
    assertThat(json(refused).get("type").asText()).isEqualTo("throttled_error");
    assertThat(json(refused).get("code").asText()).isEqualTo("too_many_failed_authentications");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
    // While throttled, even a right key is not looked at: the guesser learns nothing more.
    assertThat(RawHttp.get(server.base, guesser, RUNS, "Authorization: Bearer " + server.key).status())
        .isEqualTo(429);

    // Other addresses are unaffected.
    assertThat(RawHttp.get(server.base, honest, RUNS, "Authorization: Bearer " + server.key).status())
        .isEqualTo(200);
    assertThat(server.get(RUNS, server.key).statusCode()).isEqualTo(200);
    assertThat(RawHttp.get(server.base, honest, RUNS, "Authorization: Bearer fdbe_typo").status()).isEqualTo(401);
  }

  @Test
  void theKeyAdministrationNeedsTheTokenOnlyTheDataDirectorysOwnerCanRead() throws Exception {
    InetAddress local = address("127.0.0.4");
    RawHttp.Response noToken = RawHttp.send(server.base, local, "POST " + KeyAdminEndpoint.PATH + "list HTTP/1.1\r\n"
        + "Host: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.body()).doesNotContain("fdbe_");

    RawHttp.Response wrongToken = RawHttp.send(server.base, local, "POST " + KeyAdminEndpoint.PATH
        + "list HTTP/1.1\r\nHost: x\r\n" + KeyAdminEndpoint.TOKEN_HEADER + ": " + "0".repeat(64)
        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assertThat(wrongToken.status()).isEqualTo(401);

    String token = DataDirectory.readHolder(directory.toAbsolutePath()).orElseThrow().adminToken();
    RawHttp.Response listed = RawHttp.send(server.base, local, "POST " + KeyAdminEndpoint.PATH
        + "list HTTP/1.1\r\nHost: x\r\n" + KeyAdminEndpoint.TOKEN_HEADER + ": " + token
        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    assertThat(json(listed).get("keys").size()).isPositive();
    assertThat(listed.body()).as("only prefixes, never a secret or a hash").doesNotContain(TestServer.KEY)
        .doesNotContain(ApiKeys.hash(TestServer.KEY));
  }
}
