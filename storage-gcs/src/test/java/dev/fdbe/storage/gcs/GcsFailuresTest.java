package dev.fdbe.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failures below the client, injected by the loopback {@link GcsStub} as HTTP answers, so that the
 * client's own retries over its HTTP transport apply before the store sees anything: what the
 * client heals, and how the store reports what it does not. The client retries a few milliseconds
 * apart ({@link GcsStub#client()}).
 */
class GcsFailuresTest {
  private static final int CHUNK = GcsStorageConfig.CHUNK_SIZE_GRANULARITY_BYTES;
  private static final String PREFIX = "exports/test";

  private final GcsStub gcs = start();
  private final GcsBlobStore store = GcsBlobStore.create(GcsStorageConfig.builder(GcsStub.BUCKET).keyPrefix(PREFIX)
      .storage(gcs.client()).chunkSizeBytes(CHUNK).build());

  private static GcsStub start() {
    try {
      return GcsStub.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterEach
  void stopStub() {
    gcs.close();
  }

  private static byte[] bytes(int size) {
    byte[] data = new byte[size];
    ThreadLocalRandom.current().nextBytes(data);
    return data;
  }

  private BlobInfo put(String key, byte[] data) throws IOException {
    BlobUpload upload = store.beginUpload(key);
    upload.stream().write(data);
    return upload.commit();
  }

  private byte[] read(String key) throws IOException {
    try (InputStream in = store.open(key)) {
      return in.readAllBytes();
    }
  }

  // ------------------------------------------------------------------ healed by the client

  @Test
  void aTransientFailureStartingTheSessionIsRetriedByTheClient() throws IOException {
    gcs.fail(GcsStub.Call.START_UPLOAD, 503, "Service Unavailable", 1);

    put("retry/x.csv", bytes(10));

    assertThat(gcs.calls(GcsStub.Call.START_UPLOAD)).isEqualTo(2);
    assertThat(store.stat("retry/x.csv")).isPresent();
  }

  @Test
  void aTransientFailureOfAChunkIsRetriedByTheClientAndTheObjectIsIntact() throws IOException {
    byte[] data = bytes(4 * CHUNK + 10);
    BlobUpload upload = store.beginUpload("retry/chunks.csv");
    upload.stream().write(data, 0, 2 * CHUNK);
    gcs.fail(GcsStub.Call.UPLOAD, 503, "Backend Error", 1);
    upload.stream().write(data, 2 * CHUNK, data.length - 2 * CHUNK);
    upload.commit();

    assertThat(gcs.uploadRequests()).extracting(GcsStub.UploadRequest::status).contains(503);
    assertThat(gcs.calls(GcsStub.Call.UPLOAD_STATUS)).as("the client asked what was persisted").isPositive();
    assertThat(read("retry/chunks.csv")).isEqualTo(data);
  }

  @Test
  void aDownloadCutShortIsResumedByTheClientFromWhereItStopped() throws IOException {
    byte[] data = bytes(3 * CHUNK);
    put("cut/x.bin", data);
    gcs.cutNextDownload(CHUNK + 5);

    assertThat(read("cut/x.bin")).isEqualTo(data);
    assertThat(gcs.calls(GcsStub.Call.DOWNLOAD)).as("the first request and its resumption").isEqualTo(2);
  }

  @Test
  void aTransientFailureInABatchDeleteIsRetriedAndEveryObjectGoes() throws IOException {
    put("d/a.csv", bytes(1));
    put("d/b.csv", bytes(1));
    gcs.fail(GcsStub.Call.BATCH_DELETE, 503, "Backend Error", 1);

    store.deleteByPrefix("d/");

    assertThat(store.list("")).isEmpty();
    assertThat(gcs.objectNames()).isEmpty();
  }

  // ------------------------------------------------------------------ reported by the store

  @Test
  void aForbiddenSessionIsAPermanentErrorNamingBucketAndObject() {
    gcs.fail(GcsStub.Call.START_UPLOAD, 403, "fdbe@example.iam.gserviceaccount.com does not have "
        + "storage.objects.create access", 1);

    assertThatThrownBy(() -> store.beginUpload("1/run/a.csv"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/1/run/a.csv")
        .hasMessageContaining("access denied (403)")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
    assertThat(gcs.calls(GcsStub.Call.START_UPLOAD)).as("not retried").isEqualTo(1);
  }

  @Test
  void aMissingBucketIsAPermanentErrorNamingIt() {
    GcsBlobStore elsewhere = GcsBlobStore.create(GcsStorageConfig.builder("no-such-bucket").storage(gcs.client())
        .build());

    assertThatThrownBy(() -> elsewhere.beginUpload("1/run/a.csv"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://no-such-bucket/1/run/a.csv")
        .hasMessageContaining("The specified bucket does not exist")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
  }

  @Test
  void aSessionThatKeepsFailingFailsTheStreamRetryablyAndTheCommit() throws IOException {
    BlobUpload upload = store.beginUpload("w/x.csv");
    gcs.breakSessions(1, 0);
    OutputStream out = upload.stream();

    assertThatThrownBy(() -> out.write(bytes(2 * CHUNK)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/w/x.csv")
        .hasCauseInstanceOf(ExportException.class)
        .satisfies(e -> assertThat(((ExportException) e.getCause()).isRetryable()).isTrue());
    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class);
    assertThat(gcs.finalizedUploads()).isEmpty();
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void aPermanentErrorInABatchDeleteFailsNamingTheObject() throws IOException {
    put("d/a.csv", bytes(1));
    gcs.fail(GcsStub.Call.BATCH_DELETE, 403, "Forbidden", 1);

    assertThatThrownBy(() -> store.deleteByPrefix("d/"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/d/a.csv")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
  }

  @Test
  void bucketSettingsThatCannotBeReadGiveNoExpiry() throws IOException {
    gcs.deleteAfterDays(3);
    gcs.fail(GcsStub.Call.GET_BUCKET, 403, "storage.buckets.get denied", 1);

    assertThat(put("e/a.csv", bytes(10)).expiresAt()).isNull();
  }

  @Test
  void errorsAreRetryableExactlyWhenTryingAgainMayWork() {
    for (int code : new int[] {408, 429, 500, 502, 503, 504}) {
      assertThat(GcsBlobStore.isRetryable(new com.google.cloud.storage.StorageException(code, "x"))).as("%s", code)
          .isTrue();
    }
    for (int code : new int[] {400, 401, 403, 404, 409, 412}) {
      assertThat(GcsBlobStore.isRetryable(new com.google.cloud.storage.StorageException(code, "x"))).as("%s", code)
          .isFalse();
    }
    assertThat(GcsBlobStore.isRetryable(new com.google.cloud.storage.StorageException(new IOException("reset"))))
        .isTrue();
  }

  // ------------------------------------------------------------------ abort racing a request

  @Test
  void abortFromAnotherThreadWhileAChunkIsInFlightReturnsAtOnceAndTheUploadNeverFinishes() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    gcs.beforeNext(GcsStub.Call.UPLOAD, () -> {
      arrived.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    BlobUpload upload = store.beginUpload("slow/x.csv");
    upload.stream().write(bytes(100));
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        upload.stream().write(bytes(CHUNK)); // fills the first chunk: its request is held by the stub
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    assertThat(arrived.await(60, TimeUnit.SECONDS)).isTrue();

    // Does not wait for the request: it is held until release, after this line, so an abort that
    // waited for it would time out however long the limit; 60 s suits a loaded machine.
    CompletableFuture.runAsync(upload::abort).get(60, TimeUnit.SECONDS);
    assertThat(writer).isNotDone();
    release.countDown();

    assertThatThrownBy(() -> writer.get(60, TimeUnit.SECONDS)).hasRootCauseInstanceOf(ExportException.class)
        .hasMessageContaining("aborted");
    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class).hasMessageContaining("aborted");
    assertThat(gcs.finalizedUploads()).isEmpty();
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void abortDuringCommitDeletesWhatTheCommitCreated() throws IOException {
    BlobUpload upload = store.beginUpload("late/x.csv");
    upload.stream().write(bytes(1000));
    // As if a cancel came while the final request was under way.
    gcs.beforeNext(GcsStub.Call.UPLOAD, upload::abort);

    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class).hasMessageContaining("aborted");
    assertThat(gcs.finalizedUploads()).containsExactly("exports/test/late/x.csv");
    assertThat(gcs.objectNames()).as("the finalized object was deleted").isEmpty();
    assertThat(gcs.calls(GcsStub.Call.DELETE)).isEqualTo(1);
  }
}
