package dev.fdbe.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.DownloadLink;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.ManifestFile;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunManifest;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.ExportException;
import dev.fdbe.TeamId;
import dev.fdbe.format.ExportFiles;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.testing.ForwardingCursor;
import dev.fdbe.spi.SourceQuery;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole exports through the real engine into a {@link GcsBlobStore} whose client talks HTTP to the
 * loopback {@link GcsStub}: every format split into several parts, read back and compared with the
 * source rows; cancel mid-upload; transient and permanent upload failures.
 */
class GcsExportTest {
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = Instant.parse("2026-11-21T00:00:00Z");
  private static final int ROWS = 2500;
  private static final String PREFIX = "fdbe";

  private final GcsStub gcs = start();
  private final List<Map<String, Object>> rows = rows(ROWS);
  private final List<ExportEngine> engines = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void closeEngines() {
    engines.forEach(ExportEngine::close);
    gcs.close();
  }

  private static GcsStub start() {
    try {
      return GcsStub.start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Events whose properties are 1 KB of random hex each, so that the files do not compress below several MiB. */
  private static List<Map<String, Object>> rows(int count) {
    Random random = new Random(42);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] pad = new byte[500];
      random.nextBytes(pad);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("uuid", String.format("0190a1b2-0000-7000-8000-%012d", i));
      row.put("event", i % 3 == 0 ? "$pageview" : "signup, \"quoted\"");
      row.put("properties", "{\"pad\":\"" + HexFormat.of().formatHex(pad) + "\",\"n\":" + i + "}");
      row.put("distinct_id", i % 7 == 0 ? null : "user-" + i);
      row.put("timestamp", START.plusSeconds(i * 30L).plusNanos((i % 1000) * 1000L));
      rows.add(row);
    }
    return rows;
  }

  /** The source rows as the readers return them: every column, in the source's order. */
  private List<Map<String, Object>> expected() {
    List<Map<String, Object>> expected = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Map<String, Object> read = new LinkedHashMap<>();
      Model.EVENTS.schema().columns().forEach(c -> read.put(c.name(), row.get(c.name())));
      expected.add(read);
    }
    expected.sort(Comparator.comparing((Map<String, Object> r) -> (Instant) r.get("timestamp"))
        .thenComparing(r -> (String) r.get("uuid")));
    return expected;
  }

  private GcsBlobStore store() {
    return store(GcsStub.BUCKET);
  }

  private GcsBlobStore store(String bucket) {
    return GcsBlobStore.create(GcsStorageConfig.builder(bucket).keyPrefix(PREFIX)
        .storage(gcs.client()).chunkSizeBytes(GcsStorageConfig.CHUNK_SIZE_GRANULARITY_BYTES)
        .linkSigner(SigningKeys.credentials()).build());
  }

  private ExportEngine engine(GcsBlobStore store, RecordSource source) {
    ExportEngine engine = ExportEngine.builder()
        .runStore(RunStores.inMemory())
        .blobStore(store)
        .recordSource(source)
        .pollInterval(Duration.ofMillis(20))
        .retries(4, Duration.ofMillis(10), Duration.ofMillis(50))
        .build();
    engines.add(engine);
    engine.start();
    return engine;
  }

  private RecordSource source() {
    return RecordSources.inMemory().addAll(TEAM, Model.EVENTS, rows).build();
  }

  private static RunId create(ExportEngine engine, FileFormat format, long maxSizeMb) {
    return engine.create(CALLER, ExportRequest.builder(Model.EVENTS, START, END)
        .file(new FileConfig(format, Compression.NONE, maxSizeMb))
        .build());
  }

  private static RunSnapshot finished(ExportEngine engine, RunId id) {
    RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60));
    assertThat(run.status().isTerminal()).as("run ended, but is %s", run.status()).isTrue();
    return run;
  }

  // ------------------------------------------------------------------ whole exports

  @ParameterizedTest
  @EnumSource(FileFormat.class)
  void exportsEveryFormatInSeveralPartsThatReadBackAsTheSourceRows(FileFormat format) throws Exception {
    GcsBlobStore store = store();
    ExportEngine engine = engine(store, source());

    RunId id = create(engine, format, 1);
    RunSnapshot run = finished(engine, id);

    assertThat(run.status()).as("error: %s", run.error()).isEqualTo(RunStatus.COMPLETED);
    RunManifest manifest = engine.manifest(CALLER, id);
    assertThat(manifest.files()).as("parts").hasSizeGreaterThanOrEqualTo(3);
    assertThat(manifest.files()).allSatisfy(f -> assertThat(f.bytes()).isLessThanOrEqualTo(FileConfig.BYTES_PER_MB));
    assertThat(gcs.objectNames()).hasSize(manifest.files().size())
        .allSatisfy(name -> assertThat(name).startsWith(PREFIX + "/1/" + id + "/attempt-1/"));

    List<Map<String, Object>> read = new ArrayList<>();
    for (int i = 0; i < manifest.files().size(); i++) {
      try (InputStream in = engine.openFile(CALLER, id, i)) {
        byte[] bytes = in.readAllBytes();
        ManifestFile file = manifest.files().get(i);
        assertThat(bytes).hasSize((int) file.bytes());
        Files.write(dir.resolve(file.name()), bytes);
        read.addAll(ExportFiles.readAll(new java.io.ByteArrayInputStream(bytes), format, Compression.NONE,
            Model.EVENTS.schema()));
      }
    }
    assertThat(read).hasSize(ROWS).isEqualTo(expected());
    assertThat(duckDbUuids(format)).as("read by DuckDB").isEqualTo(expected().stream().map(r -> r.get("uuid")).sorted()
        .toList());

    DownloadLink link = engine.download(CALLER, id, 1);
    assertThat(link.uri().toString())
        .startsWith(gcs.endpoint() + "/" + GcsStub.BUCKET + "/" + PREFIX + "/1/" + id + "/attempt-1/")
        // the engine's default link lifetime, an hour, measured again by the store a moment later
        .containsPattern("X-Goog-Expires=(3599|3600)&")
        .contains("response-content-disposition=attachment%3B%20filename%3D%22" + manifest.files().get(1).name()
            + "%22");
    HttpResponse<byte[]> followed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(link.uri()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(followed.statusCode()).isEqualTo(200);
    assertThat(followed.body()).isEqualTo(Files.readAllBytes(dir.resolve(manifest.files().get(1).name())));
    assertThat(followed.headers().firstValue("Content-Disposition"))
        .contains("attachment; filename=\"" + manifest.files().get(1).name() + "\"");
  }

  /** The uuids of every part file in the directory, as DuckDB reads them, sorted. */
  private List<String> duckDbUuids(FileFormat format) throws SQLException {
    String files = "'" + dir.toAbsolutePath() + "/*." + switch (format) {
      case PARQUET -> "parquet";
      case JSON_LINES -> "jsonl";
      case CSV -> "csv";
    } + "'";
    String from = switch (format) {
      case PARQUET -> "read_parquet(" + files + ")";
      case JSON_LINES -> "read_json(" + files + ", format = 'newline_delimited')";
      case CSV -> "read_csv(" + files + ", header = true)";
    };
    List<String> uuids = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT uuid FROM " + from + " ORDER BY uuid")) {
      while (rs.next()) {
        uuids.add(rs.getString(1));
      }
    }
    return uuids;
  }

  // ------------------------------------------------------------------ cancel

  @Test
  void cancelMidUploadFinalizesNothingAndLeavesNoObject() {
    GatedSource source = new GatedSource(source(), 2000);
    GcsBlobStore store = store();
    ExportEngine engine = engine(store, source);

    RunId id = create(engine, FileFormat.JSON_LINES, 0);
    await().atMost(Duration.ofSeconds(30)).until(() -> source.gateReached.getCount() == 0);
    // The part's first MiBs already went to the resumable session, chunk by chunk.
    await().atMost(Duration.ofSeconds(30)).until(() -> gcs.uploadRequests().size() >= 3);
    assertThat(gcs.startedUploads()).hasSize(1);

    assertThat(engine.cancel(CALLER, id).status()).isEqualTo(RunStatus.CANCELLED);
    RunSnapshot run = finished(engine, id);

    assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
    await().atMost(Duration.ofSeconds(30)).until(() -> !engine.executingRuns().contains(id));
    assertThat(gcs.finalizedUploads()).as("sessions finalized").isEmpty();
    assertThat(gcs.objectNames()).isEmpty();
    assertThat(store.list("")).isEmpty();
  }

  /** Passes rows through until {@code gateAt}, then blocks until the cursor is cancelled. */
  private static final class GatedSource implements RecordSource {
    final CountDownLatch gateReached = new CountDownLatch(1);
    private final RecordSource delegate;
    private final int gateAt;

    GatedSource(RecordSource delegate, int gateAt) {
      this.delegate = delegate;
      this.gateAt = gateAt;
    }

    @Override
    public RecordCursor open(SourceQuery query) {
      RecordCursor cursor = delegate.open(query);
      CountDownLatch cancelled = new CountDownLatch(1);
      AtomicInteger served = new AtomicInteger();
      return new ForwardingCursor(cursor) {
        @Override
        public boolean next() {
          if (served.get() == gateAt) {
            gateReached.countDown();
            try {
              cancelled.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new ExportException("reading was cancelled", false);
          }
          served.incrementAndGet();
          return cursor.next();
        }

        @Override
        public void cancel() {
          cancelled.countDown();
          cursor.cancel();
        }
      };
    }

    @Override
    public String describe() {
      return "gated in-memory source";
    }
  }

  // ------------------------------------------------------------------ failures

  @Test
  void transientUploadFailuresMidPartAreRetriedAndTheExportIsComplete() throws IOException {
    // The first two sessions to reach their third chunk answer 503 from then on, beyond the
    // client's retries: attempts 1 and 2 fail mid-part, attempt 3 gets through.
    gcs.breakSessions(2, 2L * GcsStorageConfig.CHUNK_SIZE_GRANULARITY_BYTES);
    GcsBlobStore store = store();
    ExportEngine engine = engine(store, source());

    RunId id = create(engine, FileFormat.PARQUET, 1);
    RunSnapshot run = finished(engine, id);

    assertThat(run.status()).as("error: %s", run.error()).isEqualTo(RunStatus.COMPLETED);
    assertThat(gcs.brokenSessions()).isEqualTo(2);
    assertThat(gcs.objectNames()).isNotEmpty()
        .allSatisfy(name -> assertThat(name).startsWith(PREFIX + "/1/" + id + "/attempt-3/"));
    List<Map<String, Object>> read = new ArrayList<>();
    for (int i = 0; i < run.files().size(); i++) {
      try (InputStream in = engine.openFile(CALLER, id, i)) {
        read.addAll(ExportFiles.readAll(in, FileFormat.PARQUET, Compression.NONE, Model.EVENTS.schema()));
      }
    }
    assertThat(read).isEqualTo(expected());
    assertThat(engine.logs(CALLER, id, dev.fdbe.LogQuery.NEWEST).items())
        .anySatisfy(entry -> assertThat(entry.message()).contains("Attempt 1 failed with a transient error")
            .contains("gs://" + GcsStub.BUCKET + "/" + PREFIX + "/1/" + id + "/attempt-1/"));
  }

  @Test
  void accessDeniedFailsTheRunNamingBucketAndObject() {
    gcs.fail(GcsStub.Call.START_UPLOAD, 403, "fdbe@p.iam.gserviceaccount.com does not have storage.objects.create "
        + "access", 1);
    GcsBlobStore store = store();
    ExportEngine engine = engine(store, source());

    RunId id = create(engine, FileFormat.CSV, 1);
    RunSnapshot run = finished(engine, id);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error())
        .contains("gs://" + GcsStub.BUCKET + "/" + PREFIX + "/1/" + id + "/attempt-1/")
        .contains(".csv")
        .contains("access denied (403)");
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void aMissingBucketFailsTheRunNamingIt() {
    GcsBlobStore store = store("no-such-bucket");
    ExportEngine engine = engine(store, source());

    RunId id = create(engine, FileFormat.JSON_LINES, 0);
    RunSnapshot run = finished(engine, id);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error()).contains("gs://no-such-bucket/" + PREFIX + "/1/" + id + "/attempt-1/")
        .contains("The specified bucket does not exist");
  }
}
