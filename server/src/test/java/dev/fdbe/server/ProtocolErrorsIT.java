package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the strict parser and Jetty refuse, over the wire: protocol errors are the client's
 * ({@code invalid_request}, never {@code server_error}), and loose numbers, ids and date-times that
 * once slipped through are refused, naming the field.
 */
class ProtocolErrorsIT {
  private static final String RUNS = "/api/projects/1/file_download_batch_exports/";

  @TempDir
  static Path directory;

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(directory, 500, 1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static RawHttp.Response raw(String requestLine) throws IOException {
    return RawHttp.send(server.base, InetAddress.getByName("127.0.0.1"), requestLine + "\r\nHost: x\r\nAuthorization: "
        + "Bearer " + server.key + "\r\nConnection: close\r\n\r\n");
  }

  private static JsonNode json(RawHttp.Response response) throws IOException {
    return JsonBodies.MAPPER.readTree(response.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET " + RUNS, "GET " + RUNS + " HTTP/0.9", "GET " + RUNS + " HTTP/9.9", "GET " + RUNS + " HTTP/2.0", "GET " + RUNS + " HTTP/1.2",
      "GET " + RUNS + " FTP/1.1", "GET " + RUNS + " HTTP/1.1 extra", "G\u0001T " + RUNS + " HTTP/1.1"})
  void protocolErrorsAreTheClients(String requestLine) throws Exception {
    RawHttp.Response response = raw(requestLine);

    assertThat(response.status()).as(response.body()).isIn(400, 426, 505);
    assertThat(json(response).get("type").asText()).isEqualTo("invalid_request");
    assertThat(response.body()).doesNotContain("server_error");
  }

  @Test
  void aBodyInACodingTheServerDoesNotDecodeIsRefusedNotMisread() throws Exception {
    Instant[] day = TestServer.yesterday();
    String json = "{\"model\": \"events\", \"data_interval_start\": \"" + day[0] + "\", \"data_interval_end\": \""
        + day[1] + "\"}";
    String head = "POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.key
        + "\r\nContent-Type: application/json\r\nConnection: close\r\n";
    String chunked = Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n";
    InetAddress local = InetAddress.getByName("127.0.0.1");

    RawHttp.Response gzip = RawHttp.send(server.base, local,
        head + "Content-Encoding: gzip\r\nContent-Length: " + json.length() + "\r\n\r\n" + json);
    RawHttp.Response transfer = RawHttp.send(server.base, local,
        head + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked);
    RawHttp.Response identity = RawHttp.send(server.base, local,
        head + "Content-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);

    assertThat(gzip.status()).as(gzip.body()).isEqualTo(400);
    assertThat(json(gzip).get("detail").asText()).contains("uncompressed, not with Content-Encoding 'gzip'");
    assertThat(transfer.status()).as(transfer.body()).isEqualTo(400);
    assertThat(json(transfer).get("detail").asText()).contains("not with Transfer-Encoding 'gzip'");
    assertThat(identity.status()).as(identity.body()).isEqualTo(202);
  }

  @Test
  void logTimesBeyondTheStoreAreA400NotAnOverflow() throws Exception {
    String id = server.create("projects", "events", "{\"format\": \"CSV\"}");
    for (String query : new String[] {"?before=-999999999-01-01T00:00:00Z", "?after=%2B294248-01-01T00:00:00Z",
        "?after=0000-01-01T00:00:00Z", "?before=10000-01-01"}) {
      var response = server.get(RUNS + id + "/logs/" + query, server.key);
      assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(400);
      assertThat(TestServer.json(response).get("attr").asText()).isIn("before", "after");
    }
    assertThat(server.get(RUNS + id + "/logs/?after=0001-01-01T00:00:00Z&before=9999-12-31T23:59:59Z", server.key)
        .statusCode()).isEqualTo(200);
  }

  @Test
  void looseNumbersAndOffsetsAreRefused() throws Exception {
    Instant[] day = TestServer.yesterday();
    String body = "{\"model\": \"events\", \"data_interval_start\": \"" + day[0].toString().replace("Z", "+14:00:01")
        + "\", \"data_interval_end\": \"" + day[1] + "\"}";
    var created = server.post(RUNS, server.key, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(400);
    assertThat(TestServer.json(created).get("attr").asText()).isEqualTo("data_interval_start");

    for (String team : new String[] {"01", "%2B1", "00000000001"}) {
      assertThat(server.get("/api/projects/" + team + "/file_download_batch_exports/", server.key).statusCode())
          .as("team %s", team).isEqualTo(404);
    }
    assertThat(server.get("/api/projects/%31/file_download_batch_exports/", server.key).statusCode())
        .as("%31 is 1 by RFC 3986").isEqualTo(200);
    for (String limit : new String[] {"%EF%BC%91", "%D9%A3", "01", "-1", "%2B5", "1.0"}) {
      var response = server.get(RUNS + "?limit=" + limit, server.key);
      assertThat(response.statusCode()).as("limit %s: %s", limit, response.body()).isEqualTo(400);
      assertThat(TestServer.json(response).get("attr").asText()).isEqualTo("limit");
    }
    String id = server.create("projects", "events", "{\"format\": \"CSV\"}");
    server.awaitTerminal("projects", id);
    for (String part : new String[] {"-0", "01", "0000000000"}) {
      var response = server.get(RUNS + id + "/download/" + part + "/", server.key);
      assertThat(response.statusCode()).as("part %s: %s", part, response.body()).isEqualTo(400);
      assertThat(TestServer.json(response).get("detail").asText()).isEqualTo("Invalid file id or index: '" + part + "'");
    }
  }
}
