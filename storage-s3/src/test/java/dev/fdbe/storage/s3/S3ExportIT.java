package dev.fdbe.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fdbe.AttemptId;
import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.DownloadLink;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.format.ExportFiles;
import dev.fdbe.format.csv.CsvFormat;
import dev.fdbe.format.jsonl.JsonLinesFormat;
import dev.fdbe.format.parquet.ParquetFormat;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole exports through the real engine into S3Proxy: files of several S3 parts downloaded through
 * pre-signed links and read with DuckDB, cancel mid-upload, UploadPart failures retried, access
 * denied, and the janitor aborting the upload of a crashed attempt.
 */
class S3ExportIT {
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final int PAYLOAD = 4000;

  private static S3ProxyServer server;

  @TempDir
  Path directory;

  private final RunStore runStore = RunStores.inMemory();
  private String bucket;
  private S3BlobStore store;
  private ExportEngine engine;

  @BeforeAll
  static void startS3() throws Exception {
    server = S3ProxyServer.inMemory();
  }

  @AfterAll
  static void stopS3() throws Exception {
    server.close();
  }

  @BeforeEach
  void createBucket() {
    server.backend.reset();
    bucket = server.newBucket();
    store = S3BlobStore.create(server.config(bucket).keyPrefix("exports").build());
  }

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.close();
    }
    server.backend.reset();
    store.close();
  }

  private ExportEngine start(S3BlobStore blobs, RecordSource source) {
    engine = ExportEngine.builder().runStore(runStore).blobStore(blobs).recordSource(source)
        .formats(List.of(new ParquetFormat(), new JsonLinesFormat(), new CsvFormat()))
        // No test here expects a takeover: a lease far longer than any stall of a busy machine.
        .pollInterval(Duration.ofMillis(50)).leaseDuration(Duration.ofSeconds(60))
        .maintenanceInterval(Duration.ofMillis(100)).shutdownGrace(Duration.ofSeconds(5)).build();
    engine.start();
    return engine;
  }

  private static ExportRequest request(FileFormat format, long maxSizeMb) {
    return ExportRequest.builder(Model.EVENTS, GeneratedEvents.DAY, GeneratedEvents.DAY.plus(Duration.ofDays(1)))
        .file(new FileConfig(format, Compression.NONE, maxSizeMb)).build();
  }

  private RunSnapshot finish(RunId id) {
    return engine.awaitTerminal(CALLER, id, Duration.ofSeconds(120));
  }

  @Test
  void aMultiPartExportIsReadBackWithDuckDbThroughItsPreSignedLinks() throws Exception {
    int rows = 8000;
    RunId id = start(store, new GeneratedEvents(rows, PAYLOAD)).create(CALLER, request(FileFormat.PARQUET, 12));

    RunSnapshot run = finish(id);

    assertThat(run.status()).as("error: %s", run.error()).isEqualTo(RunStatus.COMPLETED);
    List<FileRecord> files = runStore.files(id);
    assertThat(files).as("12 MiB files of about 32 MiB").hasSizeGreaterThanOrEqualTo(3);
    Map<String, Set<Integer>> parts = server.backend.partsStored;
    for (FileRecord file : files.subList(0, files.size() - 1)) {
      assertThat(file.sizeBytes()).isLessThanOrEqualTo(12L << 20).isGreaterThan(2 * S3StorageConfig.MIN_PART_BYTES);
      assertThat(parts.get("exports/" + file.key())).as("S3 parts of %s", file.key()).containsExactly(1, 2, 3);
    }
    HttpClient http = HttpClient.newHttpClient();
    int row = 0;
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      for (int i = 0; i < files.size(); i++) {
        DownloadLink link = engine.download(CALLER, id, i);
        assertThat(link.uri().getScheme()).isEqualTo("http");
        assertThat(link.uri().getQuery()).contains("X-Amz-Signature=");
        Path local = directory.resolve(link.fileName());
        HttpResponse<Path> response = http.send(HttpRequest.newBuilder(link.uri()).build(),
            HttpResponse.BodyHandlers.ofFile(local));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Disposition"))
            .hasValue("attachment; filename=\"" + files.get(i).fileName() + "\"");
        assertThat(Files.size(local)).isEqualTo(files.get(i).sizeBytes());
        try (PreparedStatement query = duck.prepareStatement(
            "SELECT uuid, event, properties, distinct_id, epoch_us(\"timestamp\") FROM read_parquet(?)")) {
          query.setString(1, local.toString());
          try (ResultSet result = query.executeQuery()) {
            while (result.next()) {
              assertThat(result.getString(1)).isEqualTo(GeneratedEvents.uuid(row));
              assertThat(result.getString(2)).isEqualTo("$pageview");
              assertThat(result.getString(3)).isEqualTo(GeneratedEvents.properties(row, PAYLOAD));
              assertThat(result.getString(4)).isEqualTo("user-" + (row % 100));
              assertThat(result.getLong(5)).isEqualTo(GeneratedEvents.micros(row));
              row++;
            }
          }
        }
      }
    }
    assertThat(row).as("every row, in order, across the files").isEqualTo(rows);
    assertThat(server.openUploads(bucket)).isEmpty();
    assertThat(runStore.uploads(10)).isEmpty();
  }

  @Test
  void cancellingMidUploadLeavesNoObjectAndNoOpenMultipartUpload() throws Exception {
    GeneratedEvents source = new GeneratedEvents(100_000, PAYLOAD, 3000);
    RunId id = start(store, source).create(CALLER, request(FileFormat.JSON_LINES, 0));
    await().atMost(Duration.ofSeconds(60)).until(() -> source.paused.getCount() == 0);
    // The writer follows the source's read-ahead: it may still be writing the rows read before the pause.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(server.openUploads(bucket)).as("12 MB written: a multipart upload is open").hasSize(1);
      assertThat(runStore.uploads(10)).as("and recorded in the run store").hasSize(1);
    });

    engine.cancel(CALLER, id);

    assertThat(engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60)).status()).isEqualTo(RunStatus.CANCELLED);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(engine.executingRuns()).doesNotContain(id);
      assertThat(server.openUploads(bucket)).as("ListMultipartUploads").isEmpty();
      assertThat(server.objects(bucket)).isEmpty();
      assertThat(runStore.uploads(10)).isEmpty();
    });
  }

  @Test
  void uploadPartsAnsweredWith500AreRetriedAndTheExportIsComplete() throws Exception {
    server.backend.failUploadParts(call -> call == 1 || call == 3 || call == 6);
    int rows = 5000;
    RunId id = start(store, new GeneratedEvents(rows, PAYLOAD)).create(CALLER, request(FileFormat.JSON_LINES, 0));

    RunSnapshot run = finish(id);

    assertThat(run.status()).as("error: %s", run.error()).isEqualTo(RunStatus.COMPLETED);
    assertThat(server.backend.failedUploadParts).as("three UploadPart calls failed with 500").hasValue(3);
    List<Map<String, Object>> read;
    try (InputStream in = engine.openFile(CALLER, id, 0)) {
      read = ExportFiles.readAll(in, FileFormat.JSON_LINES, Compression.NONE, Model.EVENTS.schema());
    }
    assertThat(read).hasSize(rows);
    for (int row = 0; row < rows; row++) {
      assertThat(read.get(row).get("uuid")).isEqualTo(GeneratedEvents.uuid(row));
      assertThat(read.get(row).get("properties").toString()).contains(
          GeneratedEvents.properties(row, PAYLOAD).substring(12, 40));
    }
    assertThat(runStore.files(id).get(0).sizeBytes()).isGreaterThan(4 * S3StorageConfig.MIN_PART_BYTES);
  }

  @Test
  void accessDeniedFailsTheRunNamingBucketAndKey() {
    S3BlobStore denied = S3BlobStore.create(S3StorageConfig.builder(bucket).endpoint(server.endpoint)
        .region(S3ProxyServer.REGION).pathStyle(true).credentials(S3ProxyServer.IDENTITY, "wrong-secret")
        .keyPrefix("exports").build());
    try {
      RunId id = start(denied, new GeneratedEvents(10, 100)).create(CALLER, request(FileFormat.JSON_LINES, 0));

      RunSnapshot run = finish(id);

      assertThat(run.status()).isEqualTo(RunStatus.FAILED);
      assertThat(run.error()).contains("s3://" + bucket + "/exports/" + TEAM + "/" + id + "/")
          .contains("SignatureDoesNotMatch").contains("check the credentials");
    } finally {
      engine.close();
      engine = null;
      denied.close();
    }
  }

  @Test
  void aMissingBucketFailsTheRunNamingIt() {
    S3BlobStore missing = S3BlobStore.create(server.config("fdbe-no-such-bucket").build());
    try {
      RunId id = start(missing, new GeneratedEvents(10, 100)).create(CALLER, request(FileFormat.JSON_LINES, 0));

      RunSnapshot run = finish(id);

      assertThat(run.status()).isEqualTo(RunStatus.FAILED);
      assertThat(run.error()).contains("s3://fdbe-no-such-bucket/" + TEAM + "/" + id + "/").contains("NoSuchBucket");
    } finally {
      engine.close();
      engine = null;
      missing.close();
    }
  }

  @Test
  void theJanitorAbortsTheRecordedUploadOfACrashedAttempt() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    RunRecord run = RunRecord.starting(RunId.random(), TEAM, request(FileFormat.JSON_LINES, 0), now);
    runStore.insert(run, 10);
    Lease crashed = runStore.claim(run.id(), 0, AttemptId.random(), "crashed-engine", now.minusSeconds(60),
        now.minusSeconds(30)).orElseThrow();
    String key = TEAM + "/" + run.id() + "/attempt-1/part.jsonl";
    BlobUpload upload = store.beginUpload(key,
        runStore.uploadJournal(crashed.runId(), crashed.epoch(), InstantSource.fixed(now)));
    upload.stream().write(new byte[(int) S3StorageConfig.MIN_PART_BYTES + 1]);
    assertThat(server.openUploads(bucket)).as("a real multipart upload, left open by the crash").hasSize(1);
    assertThat(runStore.uploads(10)).hasSize(1);

    start(store, new GeneratedEvents(10, 100));

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(server.openUploads(bucket)).isEmpty();
      assertThat(runStore.uploads(10)).isEmpty();
    });
    assertThat(engine.awaitTerminal(CALLER, run.id(), Duration.ofSeconds(60)).status())
        .isEqualTo(RunStatus.COMPLETED);
  }
}
