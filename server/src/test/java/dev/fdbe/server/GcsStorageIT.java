package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fdbe.storage.gcs.GcsStub;
import dev.fdbe.storage.gcs.SigningKeys;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar with a {@code gs://} store, against the loopback {@link GcsStub}: the shaded jar
 * must hold everything Google's client needs for its HTTP transport, which leaves the gRPC one out.
 * {@code serve} starts, reports ready (a look-up in the bucket), exports into the bucket through
 * resumable uploads authorized with a service-account key, and redirects a download to a link
 * signed with that key, which serves the file.
 */
class GcsStorageIT {
  private static final String KEY = "fdbe_gcs_storage_test_key_0123456789abcdef";

  @TempDir
  Path directory;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theJarHoldsGooglesHttpTransportAndNotItsGrpcOne() throws Exception {
    List<String> entries;
    try (ZipFile jar = new ZipFile(Path.of("target", "fdbe-server.jar").toFile())) {
      entries = jar.stream().map(ZipEntry::getName).toList();
    }
    assertThat(entries).contains("com/google/cloud/storage/spi/v1/HttpStorageRpc.class",
        "com/google/api/client/http/javanet/NetHttpTransport.class",
        // OpenCensus keeps the span of every HTTP request in io.grpc.Context (grpc-api).
        "io/grpc/Context.class");
    assertThat(entries).noneMatch(name -> name.startsWith("io/grpc/netty/") || name.startsWith("io/grpc/xds/")
        || name.startsWith("org/conscrypt/") || name.startsWith("io/opentelemetry/sdk/")
        || name.startsWith("com/google/cloud/monitoring/"));
  }

  @Test
  void serveWithAGsStoreExportsIntoTheBucketAndRedirectsToASignedLink() throws Exception {
    try (GcsStub gcs = GcsStub.start()) {
      Path key = Files.writeString(directory.resolve("key.json"), SigningKeys.keyFileJson(gcs.tokenUri().toString()));
      String storage = "gs://" + GcsStub.BUCKET + "/exports?projectId=" + GcsStub.PROJECT
          + "&endpoint=" + URLEncoder.encode(gcs.endpoint().toString(), StandardCharsets.UTF_8)
          + "&credentialsFile=" + URLEncoder.encode(key.toString(), StandardCharsets.UTF_8);
      int port = TestServer.freePort();
      URI base = URI.create("http://127.0.0.1:" + port);
      try (ServerProcess server = ServerProcess.serve(Map.of("FDBE_API_KEY", KEY), "--data-dir",
          directory.resolve("data").toString(), "--port", Integer.toString(port), "--demo-rows", "2000",
          "--workers", "1", "--storage", storage)) {
        assertThat(send(HttpRequest.newBuilder(base.resolve("/_ready"))).statusCode()).as(server.output())
            .isEqualTo(200);
        assertThat(gcs.calls(GcsStub.Call.GET_OBJECT)).as("readiness looked into the bucket").isPositive();

        Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
        URI runs = base.resolve("/api/projects/1/file_download_batch_exports/");
        String body = "{\"model\": \"events\", \"file\": {\"format\": \"CSV\", \"compression\": \"gzip\"}, "
            + "\"data_interval_start\": \"" + end.minus(Duration.ofDays(6)) + "\", \"data_interval_end\": \""
            + end + "\"}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(runs).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = TestServer.json(created).get("id").asText();

        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode run;
        do {
          Thread.sleep(100);
          run = TestServer.json(send(HttpRequest.newBuilder(runs.resolve(id + "/")).GET()));
        } while (!run.get("status").asText().matches("Completed|Failed|Cancelled") && System.nanoTime() < deadline);
        assertThat(run.get("status").asText()).as("%s\n%s", run, server.output()).isEqualTo("Completed");

        assertThat(gcs.objectNames()).isNotEmpty()
            .allSatisfy(name -> assertThat(name).startsWith("exports/1/" + id + "/"));
        assertThat(gcs.finalizedUploads()).containsAll(gcs.objectNames());
        assertThat(gcs.authorizations()).as("requests carried the key's token")
            .containsExactly("Bearer " + GcsStub.ACCESS_TOKEN);

        HttpResponse<String> download = send(HttpRequest.newBuilder(runs.resolve(id + "/download/")).GET());
        assertThat(download.statusCode()).as(download.body()).isEqualTo(302);
        URI link = URI.create(download.headers().firstValue("Location").orElseThrow());
        assertThat(link.toString()).startsWith(gcs.endpoint() + "/" + GcsStub.BUCKET + "/exports/1/" + id + "/")
            .contains("X-Goog-Algorithm=GOOG4-RSA-SHA256")
            .contains("X-Goog-Credential=" + URLEncoder.encode(SigningKeys.EMAIL, StandardCharsets.UTF_8));
        HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(link).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        String csv = new String(new GZIPInputStream(new java.io.ByteArrayInputStream(file.body())).readAllBytes(),
            StandardCharsets.UTF_8);
        assertThat(csv.lines().findFirst()).hasValueSatisfying(header -> assertThat(header).contains("uuid"));
        assertThat(csv.lines().count()).as("a header and rows").isGreaterThan(1);
        assertThat(server.output()).doesNotContain("ClassNotFoundException").doesNotContain("NoClassDefFoundError");
      }
    }
  }
}
