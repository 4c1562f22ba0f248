package dev.fdbe.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreContractTest;
import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The blob store contract and the store's own behaviour, on Google's in-memory Cloud Storage
 * ({@link FakeGcs}), with 256 KiB chunks so that uploads span several.
 */
class GcsBlobStoreTest extends BlobStoreContractTest {
  private static final int CHUNK = GcsStorageConfig.CHUNK_SIZE_GRANULARITY_BYTES;
  private static final String PREFIX = "exports/test";

  private FakeGcs gcs;

  @Override
  protected BlobStore newStore() {
    gcs = new FakeGcs();
    return store(gcs.storage);
  }

  private static GcsBlobStore store(Storage client) {
    return GcsBlobStore.create(GcsStorageConfig.builder(FakeGcs.BUCKET).keyPrefix(PREFIX).storage(client)
        .chunkSizeBytes(CHUNK).build());
  }

  // ------------------------------------------------------------------ layout

  @Test
  void objectsLieUnderTheKeyPrefixAndListingStripsIt() {
    put(store, "1/run/a.csv", bytes(10));
    gcs.putRaw("exports/testx/1/run/b.csv", bytes(3));
    gcs.putRaw("elsewhere/1/run/c.csv", bytes(3));

    assertThat(gcs.objectNames()).contains("exports/test/1/run/a.csv");
    assertThat(store.list("")).extracting(BlobInfo::key).containsExactly("1/run/a.csv");
    assertThat(store.list("1/")).extracting(BlobInfo::key).containsExactly("1/run/a.csv");
  }

  @Test
  void describeNamesBucketAndPrefix() {
    assertThat(store.describe()).isEqualTo("Google Cloud Storage gs://fdbe-test-bucket/exports/test/");
  }

  @Test
  void storeWithoutPrefixUsesKeysAsObjectNames() {
    GcsBlobStore top = GcsBlobStore.create(GcsStorageConfig.builder(FakeGcs.BUCKET).storage(gcs.storage).build());
    put(top, "a/b.csv", bytes(5));

    assertThat(gcs.objectNames()).containsExactly("a/b.csv");
    assertThat(top.list("")).extracting(BlobInfo::key).containsExactly("a/b.csv");
    assertThat(top.describe()).isEqualTo("Google Cloud Storage gs://fdbe-test-bucket/");
  }

  // ------------------------------------------------------------------ streaming

  @Test
  void uploadStreamsInChunksOfTheConfiguredSizeBeforeCommit() throws IOException {
    byte[] data = bytes(10 * CHUNK + 1234);
    BlobUpload upload = store.beginUpload("big/x.parquet");
    for (int off = 0; off < data.length; off += 64 * 1024) {
      upload.stream().write(data, off, Math.min(64 * 1024, data.length - off));
    }

    // Before commit: all but the last partial chunk went out, none larger than one chunk.
    assertThat(gcs.uploadRequests).as("chunks sent before commit").hasSizeGreaterThanOrEqualTo(9);
    assertThat(gcs.uploadRequests).allSatisfy(r -> assertThat(r.bodyBytes()).isLessThanOrEqualTo(CHUNK));
    assertThat(gcs.objectNames()).isEmpty();

    BlobInfo info = upload.commit();
    assertThat(info.sizeBytes()).isEqualTo(data.length);
    assertThat(read(store, "big/x.parquet")).isEqualTo(data);
    assertThat(gcs.uploadRequests.stream().mapToLong(FakeGcs.UploadRequest::bodyBytes).sum()).isEqualTo(data.length);
  }

  @Test
  void singleByteWritesAreAllStored() throws IOException {
    BlobUpload upload = store.beginUpload("bytes.bin");
    for (int i = 0; i < 3000; i++) {
      upload.stream().write(i);
    }
    assertThat(upload.commit().sizeBytes()).isEqualTo(3000);
    assertThat(read(store, "bytes.bin")[2999]).isEqualTo((byte) 2999);
  }

  @Test
  void closingTheStreamDoesNotEndTheUpload() throws IOException {
    BlobUpload upload = store.beginUpload("closed.csv");
    upload.stream().write(new byte[] {1, 2, 3});
    upload.stream().close();

    assertThat(gcs.objectNames()).isEmpty();
    assertThat(upload.commit().sizeBytes()).isEqualTo(3);
  }

  @Test
  void theChannelGetsTheConfiguredChunkSize() throws IOException {
    FakeGcs.UploadHook none = new FakeGcs.UploadHook() {};
    BlobStore hooked = store(gcs.storage(none));
    put(hooked, "c.csv", bytes(10));

    assertThat(gcs.uploads.chunkSizes).containsExactly(CHUNK);
  }

  // ------------------------------------------------------------------ commit and abort

  @Test
  void commitTwiceIsAnIllegalStateAndAbortAfterCommitKeepsTheObject() {
    BlobUpload upload = store.beginUpload("twice.csv");
    upload.commit();

    assertThatThrownBy(upload::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("twice.csv");
    upload.abort();
    assertThat(store.stat("twice.csv")).isPresent();
  }

  @Test
  void writeAndCommitAfterAbortFailAndNothingIsFinalized() throws IOException {
    FakeGcs.UploadHook none = new FakeGcs.UploadHook() {};
    BlobStore hooked = store(gcs.storage(none));
    BlobUpload upload = hooked.beginUpload("a/x.csv");
    upload.stream().write(bytes(3 * CHUNK));
    upload.abort();

    assertThatThrownBy(() -> upload.stream().write(1)).isInstanceOf(IOException.class).hasMessageContaining("aborted");
    assertThatThrownBy(upload::commit)
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/a/x.csv was aborted");
    assertThat(gcs.uploads.started).containsExactly("exports/test/a/x.csv");
    assertThat(gcs.uploads.finished).as("sessions finalized").isEmpty();
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void abortFromAnotherThreadWhileAWriteIsBlockedReturnsAtOnceAndTheUploadNeverFinishes() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BlobStore hooked = store(gcs.storage(new FakeGcs.UploadHook() {
      @Override
      public void beforeWrite(String name, long writtenBefore, int length) {
        if (writtenBefore > 0) {
          blocked.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }));
    BlobUpload upload = hooked.beginUpload("slow/x.csv");
    upload.stream().write(bytes(100));
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        upload.stream().write(bytes(100));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(blocked.await(60, TimeUnit.SECONDS)).isTrue();

    // Does not wait for the write: the write stays blocked until release, after this line, so an
    // abort that waited for it would time out however long the limit; 60 s suits a loaded machine.
    CompletableFuture.runAsync(upload::abort).get(60, TimeUnit.SECONDS);
    assertThat(writer).isNotDone();
    release.countDown();

    assertThatThrownBy(() -> writer.get(60, TimeUnit.SECONDS)).hasRootCauseInstanceOf(ExportException.class)
        .hasMessageContaining("aborted");
    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class).hasMessageContaining("aborted");
    assertThat(gcs.uploads.finished).isEmpty();
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void abortDuringCommitDeletesWhatTheCommitCreated() throws IOException {
    BlobUpload[] upload = new BlobUpload[1];
    BlobStore hooked = store(gcs.storage(new FakeGcs.UploadHook() {
      @Override
      public void beforeFinish(String name) {
        upload[0].abort(); // as if a cancel came while the final request was under way
      }
    }));
    upload[0] = hooked.beginUpload("late/x.csv");
    upload[0].stream().write(bytes(1000));

    assertThatThrownBy(upload[0]::commit).isExactlyInstanceOf(ExportException.class).hasMessageContaining("aborted");
    assertThat(gcs.uploads.finished).containsExactly("exports/test/late/x.csv");
    assertThat(gcs.objectNames()).as("the finalized object was deleted").isEmpty();
  }

  @Test
  void aChecksumMismatchDeletesTheObjectAndIsRetryable() throws IOException {
    // The service's view of the object: same size, another CRC32C.
    Storage lying = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(gcs.storage, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("get") && result instanceof Blob blob && args[0] instanceof BlobId) {
            return blob.toBuilder().setCrc32c("AAAAAA==").build();
          }
          return result;
        });
    BlobUpload upload = store(lying).beginUpload("crc/x.csv");
    upload.stream().write(bytes(5000));

    assertThatThrownBy(upload::commit)
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/crc/x.csv")
        .hasMessageContaining("CRC32C")
        .hasMessageContaining("AAAAAA==")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isTrue());
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void matchingChecksumsReportedByTheServiceAreAccepted() throws IOException {
    byte[] data = bytes(5000);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(data);
    String crcText = java.util.Base64.getEncoder().encodeToString(
        java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    String md5Text;
    try {
      md5Text = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    Storage honest = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(gcs.storage, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("get") && result instanceof Blob blob && args[0] instanceof BlobId) {
            return blob.toBuilder().setCrc32c(crcText).setMd5(md5Text).build();
          }
          return result;
        });
    BlobUpload upload = store(honest).beginUpload("crc/ok.csv");
    upload.stream().write(data);

    assertThat(upload.commit().sizeBytes()).isEqualTo(5000);
    assertThat(gcs.objectNames()).containsExactly("exports/test/crc/ok.csv");
  }

  // ------------------------------------------------------------------ errors and retries

  @Test
  void aTransientFailureStartingTheSessionIsRetriedByTheClient() {
    gcs.failRpc("open", FakeGcs.serviceError(503, "Service Unavailable"));

    put(store, "retry/x.csv", bytes(10));

    assertThat(gcs.rpcCalls("open")).isEqualTo(2);
    assertThat(store.stat("retry/x.csv")).isPresent();
  }

  @Test
  void aTransientFailureOfAChunkIsRetriedByTheClientAndTheObjectIsIntact() throws IOException {
    byte[] data = bytes(4 * CHUNK + 10);
    BlobUpload upload = store.beginUpload("retry/chunks.csv");
    upload.stream().write(data, 0, 2 * CHUNK);
    gcs.failUploadRequest(503);
    upload.stream().write(data, 2 * CHUNK, data.length - 2 * CHUNK);
    upload.commit();

    assertThat(gcs.uploadRequests).extracting(FakeGcs.UploadRequest::method).contains("PUT failed 503");
    assertThat(read(store, "retry/chunks.csv")).isEqualTo(data);
  }

  @Test
  void aForbiddenSessionIsAPermanentErrorNamingBucketAndObject() {
    gcs.failRpc("open", FakeGcs.serviceError(403, "fdbe@example.iam.gserviceaccount.com does not have "
        + "storage.objects.create access"));

    assertThatThrownBy(() -> store.beginUpload("1/run/a.csv"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/1/run/a.csv")
        .hasMessageContaining("access denied (403)")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
    assertThat(gcs.rpcCalls("open")).as("not retried").isEqualTo(1);
  }

  @Test
  void aMissingBucketIsAPermanentErrorNamingIt() {
    gcs.failRpc("open", FakeGcs.serviceError(404, "The specified bucket does not exist."));

    assertThatThrownBy(() -> store.beginUpload("1/run/a.csv"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/1/run/a.csv")
        .hasMessageContaining("The specified bucket does not exist")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
  }

  @Test
  void aFailedWriteFailsTheStreamWithTheMappedErrorAndTheCommit() throws IOException {
    BlobStore hooked = store(gcs.storage(new FakeGcs.UploadHook() {
      @Override
      public void beforeWrite(String name, long writtenBefore, int length) {
        throw FakeGcs.serviceError(503, "Backend Error");
      }
    }));
    BlobUpload upload = hooked.beginUpload("w/x.csv");
    OutputStream out = upload.stream();

    assertThatThrownBy(() -> out.write(bytes(10)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/w/x.csv")
        .hasCauseInstanceOf(ExportException.class)
        .satisfies(e -> assertThat(((ExportException) e.getCause()).isRetryable()).isTrue());
    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class);
    assertThat(gcs.uploads.finished).isEmpty();
  }

  @Test
  void errorsAreRetryableExactlyWhenTryingAgainMayWork() {
    for (int code : new int[] {408, 429, 500, 502, 503, 504}) {
      assertThat(GcsBlobStore.isRetryable(FakeGcs.serviceError(code, "x"))).as("%s", code).isTrue();
    }
    for (int code : new int[] {400, 401, 403, 404, 409, 412}) {
      assertThat(GcsBlobStore.isRetryable(FakeGcs.serviceError(code, "x"))).as("%s", code).isFalse();
    }
    assertThat(GcsBlobStore.isRetryable(new com.google.cloud.storage.StorageException(new IOException("reset"))))
        .isTrue();
  }

  // ------------------------------------------------------------------ deletion

  @Test
  void deleteByPrefixDeletesInBatches() {
    for (int i = 0; i < GcsBlobStore.DELETE_BATCH_SIZE + 5; i++) {
      gcs.putRaw(PREFIX + "/many/" + i + ".csv", bytes(1));
    }
    gcs.putRaw(PREFIX + "/other/keep.csv", bytes(1));

    store.deleteByPrefix("many/");

    assertThat(gcs.batchDeletes()).isEqualTo(GcsBlobStore.DELETE_BATCH_SIZE + 5);
    assertThat(gcs.objectNames()).containsExactly(PREFIX + "/other/keep.csv");
  }

  @Test
  void deleteByPrefixRetriesObjectsThatFailedTransientlyInTheBatch() {
    put(store, "d/a.csv", bytes(1));
    put(store, "d/b.csv", bytes(1));
    gcs.failRpc("batchDelete", FakeGcs.serviceError(503, "Backend Error"));

    store.deleteByPrefix("d/");

    assertThat(store.list("")).isEmpty();
  }

  @Test
  void deleteByPrefixFailsOnAPermanentErrorNamingTheObject() {
    put(store, "d/a.csv", bytes(1));
    gcs.failRpc("batchDelete", FakeGcs.serviceError(403, "Forbidden"));

    assertThatThrownBy(() -> store.deleteByPrefix("d/"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/d/a.csv")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
  }

  @Test
  void expiryIsNullWithoutALifecycleRule() {
    assertThat(put(store, "e/a.csv", bytes(1)).expiresAt()).isNull();
    assertThat(store.list("e/")).extracting(BlobInfo::expiresAt).containsOnlyNulls();
  }

  @Test
  void expiryFollowsTheBucketsLifecycleDeleteRule() {
    gcs.deleteAfterDays(3);

    BlobInfo committed = put(store, "e/a.csv", bytes(10));

    java.time.OffsetDateTime created = gcs.storage.get(BlobId.of(FakeGcs.BUCKET, PREFIX + "/e/a.csv"))
        .getCreateTimeOffsetDateTime();
    assertThat(committed.expiresAt()).isEqualTo(created.toInstant().plus(java.time.Duration.ofDays(3)));
    assertThat(store.stat("e/a.csv")).contains(committed);
    assertThat(store.list("e/")).containsExactly(committed);
  }

  @Test
  void theBucketsSettingsAreReadOnceForManyObjects() {
    gcs.deleteAfterDays(3);
    int before = gcs.rpcCalls("get");
    for (int i = 0; i < 5; i++) {
      put(store, "e/" + i + ".csv", bytes(10));
    }
    store.list("e/");

    // per object: one get after the upload; the bucket once
    assertThat(gcs.rpcCalls("get") - before).isEqualTo(5 + 1);
  }
}
