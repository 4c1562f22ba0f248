package dev.fdbe.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.HttpStorageOptions;
import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreContractTest;
import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blob store contract and the store's own behaviour, over the client's HTTP transport against
 * the loopback {@link GcsStub}, with a client the store builds itself from an endpoint (as a
 * {@code gs://...?endpoint=} location does), and 256 KiB chunks so that uploads span several.
 * Failures below the client are in {@link GcsFailuresTest}.
 */
class GcsBlobStoreTest extends BlobStoreContractTest {
  private static final int CHUNK = GcsStorageConfig.CHUNK_SIZE_GRANULARITY_BYTES;
  private static final String PREFIX = "exports/test";

  private GcsStub gcs;

  @Override
  protected BlobStore newStore() throws IOException {
    gcs = GcsStub.start();
    return GcsBlobStore.create(GcsStorageConfig.builder(GcsStub.BUCKET).keyPrefix(PREFIX)
        .endpoint(gcs.endpoint()).projectId(GcsStub.PROJECT).chunkSizeBytes(CHUNK).build());
  }

  @AfterEach
  void stopStub() {
    gcs.close();
  }

  // ------------------------------------------------------------------ the client

  @Test
  void theStoreBuildsAnHttpClientForTheEndpoint() {
    GcsBlobStore gcsStore = (GcsBlobStore) store;

    assertThat(gcsStore.storage().getOptions()).isInstanceOf(HttpStorageOptions.class);
    assertThat(gcsStore.storage().getOptions().getHost()).isEqualTo(gcs.endpoint().toString());
    put(store, "a.csv", bytes(10));
    assertThat(gcs.calls(GcsStub.Call.START_UPLOAD)).as("the upload went to the stub").isEqualTo(1);
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
  void objectsWhoseRestIsNotAValidKeyAreNotListed() {
    gcs.putRaw(PREFIX + "/ok/a.csv", bytes(1));
    gcs.putRaw(PREFIX + "/bad//a.csv", bytes(1));
    gcs.putRaw(PREFIX + "/bad/a b.csv", bytes(1));

    assertThat(store.list("")).extracting(BlobInfo::key).containsExactly("ok/a.csv");
  }

  @Test
  void describeNamesBucketAndPrefix() {
    assertThat(store.describe()).isEqualTo("Google Cloud Storage gs://fdbe-test-bucket/exports/test/");
  }

  @Test
  void storeWithoutPrefixUsesKeysAsObjectNames() {
    GcsBlobStore top = GcsBlobStore.create(GcsStorageConfig.builder(GcsStub.BUCKET).storage(gcs.client()).build());
    put(top, "a/b.csv", bytes(5));

    assertThat(gcs.objectNames()).containsExactly("a/b.csv");
    assertThat(top.list("")).extracting(BlobInfo::key).containsExactly("a/b.csv");
    assertThat(top.describe()).isEqualTo("Google Cloud Storage gs://fdbe-test-bucket/");
  }

  @Test
  void listingFollowsEveryPageOfTheService() {
    for (int i = 0; i < 95; i++) {
      gcs.putRaw(PREFIX + "/many/" + String.format("%03d", i) + ".csv", bytes(1));
    }

    List<BlobInfo> listed = store.list("many/");

    assertThat(listed).hasSize(95);
    assertThat(listed.get(94).key()).isEqualTo("many/094.csv");
    assertThat(gcs.calls(GcsStub.Call.LIST)).as("pages of 40").isEqualTo(3);
  }

  // ------------------------------------------------------------------ streaming

  @Test
  void uploadStreamsWholeChunksOfTheConfiguredSizeBeforeCommit() throws IOException {
    byte[] data = bytes(10 * CHUNK + 1234);
    BlobUpload upload = store.beginUpload("big/x.parquet");
    for (int off = 0; off < data.length; off += 64 * 1024) {
      upload.stream().write(data, off, Math.min(64 * 1024, data.length - off));
    }

    // Before commit: all but the last partial chunk went out, each exactly one chunk.
    List<GcsStub.UploadRequest> sent = gcs.uploadRequests();
    assertThat(sent).as("chunks sent before commit").hasSizeGreaterThanOrEqualTo(9);
    assertThat(sent).allSatisfy(r -> {
      assertThat(r.bodyBytes()).isEqualTo(CHUNK);
      assertThat(r.contentRange()).endsWith("/*");
    });
    assertThat(gcs.objectNames()).isEmpty();

    BlobInfo info = upload.commit();
    assertThat(info.sizeBytes()).isEqualTo(data.length);
    assertThat(gcs.bytes(PREFIX + "/big/x.parquet")).isEqualTo(data);
    assertThat(read(store, "big/x.parquet")).isEqualTo(data);
    assertThat(gcs.uploadRequests().stream().mapToLong(GcsStub.UploadRequest::bodyBytes).sum()).isEqualTo(data.length);
    assertThat(gcs.uploadRequests().get(gcs.uploadRequests().size() - 1).contentRange())
        .isEqualTo("bytes " + 10 * CHUNK + "-" + (data.length - 1) + "/" + data.length);
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
  void theSessionStartsWhenTheUploadBegins() {
    store.beginUpload("early/x.csv");

    assertThat(gcs.startedUploads()).containsExactly(PREFIX + "/early/x.csv");
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void aLargeObjectIsReadBackWhole() {
    byte[] data = bytes(3 * CHUNK + 17);
    put(store, "large.bin", data);

    assertThat(read(store, "large.bin")).isEqualTo(data);
    assertThat(gcs.calls(GcsStub.Call.DOWNLOAD)).isEqualTo(1);
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
    BlobUpload upload = store.beginUpload("a/x.csv");
    upload.stream().write(bytes(3 * CHUNK));
    upload.abort();

    assertThatThrownBy(() -> upload.stream().write(1)).isInstanceOf(IOException.class).hasMessageContaining("aborted");
    assertThatThrownBy(upload::commit)
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/a/x.csv was aborted");
    assertThat(gcs.startedUploads()).containsExactly("exports/test/a/x.csv");
    assertThat(gcs.finalizedUploads()).as("sessions finalized").isEmpty();
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void theServicesChecksumsOfTheObjectAreCheckedOnCommit() {
    byte[] data = bytes(5000);

    BlobInfo info = put(store, "crc/ok.csv", data);

    assertThat(info.sizeBytes()).isEqualTo(5000);
    // The stub reports the stored bytes' own CRC32C and MD5, as the service does; the store compared them.
    assertThat(gcs.calls(GcsStub.Call.GET_OBJECT)).isEqualTo(1);
    assertThat(gcs.objectNames()).containsExactly("exports/test/crc/ok.csv");
  }

  @Test
  void aCrc32cMismatchDeletesTheObjectAndIsRetryable() throws IOException {
    gcs.misreportCrc32c();
    BlobUpload upload = store.beginUpload("crc/x.csv");
    upload.stream().write(bytes(5000));

    assertThatThrownBy(upload::commit)
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/crc/x.csv")
        .hasMessageContaining("CRC32C")
        .hasMessageContaining("AAAAAA==")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isTrue());
    assertThat(gcs.finalizedUploads()).containsExactly("exports/test/crc/x.csv");
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void anObjectThatCannotBeReadAfterItsUploadIsDeletedSoThatAFailedCommitLeavesNothing() throws IOException {
    // A key that may create objects but not read them (the Object Creator role).
    gcs.fail(GcsStub.Call.GET_OBJECT, 403, "caller does not have storage.objects.get access", 20);
    BlobUpload upload = store.beginUpload("creator/x.csv");
    upload.stream().write(bytes(5000));

    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://fdbe-test-bucket/exports/test/creator/x.csv");
    assertThat(gcs.finalizedUploads()).containsExactly("exports/test/creator/x.csv");
    assertThat(gcs.objectNames()).isEmpty();
  }

  @Test
  void anMd5MismatchDeletesTheObjectAndIsRetryable() throws IOException {
    gcs.misreportMd5();
    BlobUpload upload = store.beginUpload("md5/x.csv");
    upload.stream().write(bytes(5000));

    assertThatThrownBy(upload::commit)
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("MD5")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isTrue());
    assertThat(gcs.objectNames()).isEmpty();
  }

  // ------------------------------------------------------------------ deletion and expiry

  @Test
  void deleteByPrefixDeletesInBatchesOfAHundred() {
    for (int i = 0; i < GcsBlobStore.DELETE_BATCH_SIZE + 5; i++) {
      gcs.putRaw(PREFIX + "/many/" + i + ".csv", bytes(1));
    }
    gcs.putRaw(PREFIX + "/other/keep.csv", bytes(1));

    store.deleteByPrefix("many/");

    assertThat(gcs.calls(GcsStub.Call.BATCH)).isEqualTo(2);
    assertThat(gcs.calls(GcsStub.Call.BATCH_DELETE)).isEqualTo(GcsBlobStore.DELETE_BATCH_SIZE + 5);
    assertThat(gcs.calls(GcsStub.Call.DELETE)).as("no single deletes").isZero();
    assertThat(gcs.objectNames()).containsExactly(PREFIX + "/other/keep.csv");
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

    // The stub reports creation times in milliseconds, as the service does.
    assertThat(committed.expiresAt()).isEqualTo(gcs.created(PREFIX + "/e/a.csv").truncatedTo(
        java.time.temporal.ChronoUnit.MILLIS).plus(Duration.ofDays(3)));
    assertThat(store.stat("e/a.csv")).contains(committed);
    assertThat(store.list("e/")).containsExactly(committed);
  }

  @Test
  void theBucketsSettingsAreReadOnceForManyObjects() {
    gcs.deleteAfterDays(3);
    for (int i = 0; i < 5; i++) {
      put(store, "e/" + i + ".csv", bytes(10));
    }
    store.list("e/");

    assertThat(gcs.calls(GcsStub.Call.GET_BUCKET)).isEqualTo(1);
    assertThat(gcs.calls(GcsStub.Call.GET_OBJECT)).as("one per commit").isEqualTo(5);
  }
}
