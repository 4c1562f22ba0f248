package dev.fdbe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The server jar started on S3 with {@code --storage s3://...} and credentials in the environment,
 * against S3Proxy in this JVM: an export created over HTTP lands in the bucket and downloads
 * through a pre-signed link. Also: the jar holds the GCS provider, which names a wrong parameter.
 */
class ServerOnS3IT {
  private static final String KEY = "fdbe_server_on_s3_test_key_0123456789";
  private static final String IDENTITY = "fdbe-it-key";
  private static final String SECRET = "fdbe-it-secret";
  private static final String BUCKET = "fdbe-server-it";

  @TempDir
  Path directory;

  private S3Proxy proxy;
  private URI endpoint;
  private S3Client admin;
  private Process server;
  private final StringBuilder output = new StringBuilder();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void startS3() throws Exception {
    proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V4, IDENTITY, SECRET)
        .build();
    proxy.start();
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    admin = S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, SECRET)))
        .httpClientBuilder(Apache5HttpClient.builder()).build();
    admin.createBucket(b -> b.bucket(BUCKET));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    admin.close();
    proxy.stop();
  }

  private static Path jar() {
    Path jar = Path.of("..", "server", "target", "fdbe-server.jar").toAbsolutePath().normalize();
    assertThat(jar).as("the reactor builds the server jar before the integration tests").exists();
    return jar;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private ProcessBuilder command(List<String> args) {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("FDBE_API_KEY", KEY);
    builder.environment().put("AWS_ACCESS_KEY_ID", IDENTITY);
    builder.environment().put("AWS_SECRET_ACCESS_KEY", SECRET);
    return builder;
  }

  /** Starts the jar and waits until it serves. */
  private void serve(int port, String storage) throws Exception {
    server = command(List.of("--data-dir", directory.resolve("data").toString(), "--port", Integer.toString(port),
        "--demo-rows", "20000", "--workers", "2", "--storage", storage)).start();
    CompletableFuture<Void> serving = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          if (line.startsWith("fdbe serves the API")) {
            serving.complete(null);
          }
        }
      } catch (IOException ignored) {
        // The process ended.
      }
      serving.completeExceptionally(new IllegalStateException("the server exited: " + output));
    });
    reader.setDaemon(true);
    reader.start();
    serving.get(90, TimeUnit.SECONDS);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anExportThroughTheServerLandsInS3AndDownloadsThroughAPresignedLink() throws Exception {
    int port = freePort();
    serve(port, "s3://" + BUCKET + "/exports?endpoint=" + endpoint + "&pathStyle=true&region=us-east-1");
    String base = "http://127.0.0.1:" + port + "/api/projects/1/file_download_batch_exports/";
    Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
    HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"events\", \"file\": {\"format\": \"JSONLines\"}, "
            + "\"data_interval_start\": \"" + end.minus(Duration.ofDays(1)) + "\", \"data_interval_end\": \"" + end
            + "\"}")));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = json.readTree(created.body()).get("id").asText();

    JsonNode run;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    do {
      Thread.sleep(100);
      run = json.readTree(send(HttpRequest.newBuilder(URI.create(base + id + "/")).GET()).body());
      assertThat(System.nanoTime()).as("run still %s; server output: %s", run, output).isLessThan(deadline);
    } while (run.get("status").asText().matches("Starting|Running"));
    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Completed");
    long records = run.get("records_completed").asLong();
    assertThat(records).isPositive();

    List<S3Object> objects = admin.listObjectsV2(b -> b.bucket(BUCKET).prefix("exports/")).contents();
    assertThat(objects).hasSize(1);
    assertThat(objects.get(0).size()).isEqualTo(run.get("bytes_exported").asLong());

    HttpResponse<String> redirect = send(HttpRequest.newBuilder(URI.create(base + id + "/download/")).GET());
    assertThat(redirect.statusCode()).isEqualTo(302);
    URI link = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    assertThat(link.toString()).startsWith(endpoint + "/" + BUCKET + "/exports/").contains("X-Amz-Signature=");
    HttpResponse<String> file = http.send(HttpRequest.newBuilder(link).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
    assertThat(file.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=");
    assertThat(file.body().lines().count()).isEqualTo(records);
  }

  @Test
  void theJarHoldsTheGcsStoreWhichNamesAWrongParameter() throws Exception {
    Process process = command(List.of("--data-dir", directory.resolve("gcs").toString(), "--port", "0",
        "--demo-rows", "0", "--storage", "gs://fdbe-bucket/exports?chunkSize=8")).start();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(text).isEqualTo(1);
    assertThat(text).contains("chunkSize").contains("chunkSizeMb");
  }
}
