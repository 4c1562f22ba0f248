package dev.fdbe.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.UploadJournal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.Part;

/** The S3 store's own behaviour on S3Proxy: streaming parts, checksums, retries, abort, errors. */
class S3BlobStoreTest {
  private static final int PART = (int) S3StorageConfig.MIN_PART_BYTES;

  private static S3ProxyServer server;
  private String bucket;
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
  void createStore() {
    server.backend.reset();
    bucket = server.newBucket();
    store = S3BlobStore.create(server.config(bucket).build());
  }

  @AfterEach
  void closeStore() {
    server.backend.reset();
    store.close();
  }

  static byte[] data(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Records the journal's calls. */
  static final class Journal implements UploadJournal {
    final List<String> opened = new ArrayList<>();
    final List<String> closed = new ArrayList<>();

    @Override
    public synchronized void opened(String key, String uploadId) {
      opened.add(uploadId);
    }

    @Override
    public synchronized void closed(String key, String uploadId) {
      closed.add(uploadId);
    }

    synchronized List<String> opened() {
      return List.copyOf(opened);
    }

    synchronized List<String> closed() {
      return List.copyOf(closed);
    }
  }

  private static void writeInSmallPieces(OutputStream out, byte[] data) throws IOException {
    for (int at = 0; at < data.length; at += 8192) {
      out.write(data, at, Math.min(8192, data.length - at));
    }
  }

  @Test
  void partsAreUploadedWhileTheObjectIsStillBeingWrittenEachWithItsChecksum() throws IOException {
    byte[] data = data(PART * 5 / 2, 1);
    Journal journal = new Journal();
    BlobUpload upload = store.beginUpload("1/run/attempt-1/big.parquet", journal);

    writeInSmallPieces(upload.stream(), data);

    assertThat(journal.opened()).hasSize(1);
    String uploadId = journal.opened().get(0);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(server.admin
        .listParts(b -> b.bucket(bucket).key("1/run/attempt-1/big.parquet").uploadId(uploadId)).parts())
        .as("the two full parts are in S3 before commit").extracting(Part::partNumber).containsExactly(1, 2));
    List<Part> parts = server.admin.listParts(b -> b.bucket(bucket).key("1/run/attempt-1/big.parquet")
        .uploadId(uploadId)).parts();
    assertThat(parts).extracting(Part::size).containsOnly((long) PART);

    BlobInfo info = upload.commit();

    assertThat(info).isEqualTo(new BlobInfo("1/run/attempt-1/big.parquet", data.length));
    assertThat(journal.closed()).containsExactly(uploadId);
    assertThat(server.read(bucket, "1/run/attempt-1/big.parquet")).isEqualTo(data);
    HeadObjectResponse head = server.admin.headObject(b -> b.bucket(bucket).key("1/run/attempt-1/big.parquet")
        .checksumMode(ChecksumMode.ENABLED));
    assertThat(head.checksumCRC32C()).as("the object's checksum is composed of its 3 parts' CRC32C").endsWith("-3");
    assertThat(server.openUploads(bucket)).isEmpty();
  }

  @Test
  void anObjectOfAtMostOnePartIsPutWholeWithoutAMultipartUpload() throws IOException {
    byte[] data = data(PART, 2);
    Journal journal = new Journal();
    BlobUpload upload = store.beginUpload("exact.csv", journal);
    writeInSmallPieces(upload.stream(), data);

    BlobInfo info = upload.commit();

    assertThat(info.sizeBytes()).isEqualTo(PART);
    assertThat(journal.opened()).as("no multipart upload was opened").isEmpty();
    assertThat(server.backend.uploadPartCalls).hasValue(0);
    assertThat(server.read(bucket, "exact.csv")).isEqualTo(data);
    HeadObjectResponse head = server.admin.headObject(b -> b.bucket(bucket).key("exact.csv")
        .checksumMode(ChecksumMode.ENABLED));
    assertThat(head.checksumCRC32C()).as("the PUT carried a CRC32C").isNotNull().doesNotContain("-");
  }

  @Test
  void uploadPartFailuresWithHttp500AreRetriedAndTheObjectIsIntact() throws IOException {
    server.backend.failUploadParts(call -> call == 1 || call == 3);
    byte[] data = data(PART * 9 / 2, 3);
    BlobUpload upload = store.beginUpload("retried.jsonl", UploadJournal.NONE);
    writeInSmallPieces(upload.stream(), data);

    BlobInfo info = upload.commit();

    assertThat(info.sizeBytes()).isEqualTo(data.length);
    assertThat(server.backend.failedUploadParts).as("two UploadPart calls answered 500").hasValue(2);
    assertThat(server.backend.uploadPartCalls).as("5 parts, 2 of them sent twice").hasValue(7);
    assertThat(server.read(bucket, "retried.jsonl")).isEqualTo(data);
  }

  @Test
  void aPartThatKeepsFailingFailsTheUploadRetryablyAndLeavesNothing() {
    server.backend.failUploadParts(call -> true);
    byte[] data = data(PART * 3, 4);
    Journal journal = new Journal();

    assertThatThrownBy(() -> {
      BlobUpload upload = store.beginUpload("1/r/attempt-1/failing.csv", journal);
      writeInSmallPieces(upload.stream(), data);
      upload.commit();
    }).isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("s3://" + bucket + "/1/r/attempt-1/failing.csv")
        .hasMessageContaining("InternalError")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isTrue());

    assertThat(server.backend.uploadPartCalls.get()).as("the SDK retried").isGreaterThanOrEqualTo(S3BlobStore.MAX_ATTEMPTS);
    assertThat(server.openUploads(bucket)).isEmpty();
    assertThat(server.objects(bucket)).isEmpty();
    assertThat(journal.closed()).containsExactlyElementsOf(journal.opened()).hasSize(1);
  }

  @Test
  void abortFromAnotherThreadReleasesAWriterBlockedOnAFullWindowAndLeavesNoUpload() throws Exception {
    S3BlobStore narrow = S3BlobStore.create(server.config(bucket).inFlightParts(3).build());
    CountDownLatch release = server.backend.holdUploadParts();
    Journal journal = new Journal();
    BlobUpload upload = narrow.beginUpload("1/r/attempt-1/held.parquet", journal);
    byte[] piece = data(64 * 1024, 5);
    long[] accepted = new long[1];
    Thread[] writerThread = new Thread[1];
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      writerThread[0] = Thread.currentThread();
      try {
        for (int i = 0; i < 10 * PART / piece.length; i++) {
          upload.stream().write(piece);
          accepted[0] += piece.length;
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> server.backend.heldUploadParts.get() == 3
          && writerThread[0] != null && writerThread[0].getState() == Thread.State.WAITING);
      assertThat(accepted[0]).as("3 parts in flight, and the writer waits for one to end before it takes more")
          .isEqualTo(3L * PART);
      assertThat(server.backend.uploadPartCalls).as("no 4th part was started").hasValue(3);

      CompletableFuture<Void> abort = CompletableFuture.runAsync(upload::abort);

      // The parts stay held until release, after this line, so a write that waited for them would
      // time out however long the limit: 60 s proves "at once" and suits a loaded machine.
      assertThatThrownBy(() -> writer.get(60, java.util.concurrent.TimeUnit.SECONDS))
          .as("the blocked write fails at once, while parts are still held")
          .hasRootCauseInstanceOf(IOException.class).hasStackTraceContaining("was aborted");
      release.countDown();
      abort.get(60, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(server.openUploads(bucket)).as("ListMultipartUploads after abort").isEmpty();
      assertThat(server.objects(bucket)).isEmpty();
      assertThat(journal.closed()).containsExactlyElementsOf(journal.opened()).hasSize(1);
      assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class).hasMessageContaining("aborted");
    } finally {
      release.countDown();
      narrow.close();
    }
  }

  @Test
  void wrongCredentialsAreAPermanentFailureNamingBucketAndKey() throws IOException {
    S3BlobStore denied = S3BlobStore.create(S3StorageConfig.builder(bucket).endpoint(server.endpoint)
        .region(S3ProxyServer.REGION).pathStyle(true).credentials(S3ProxyServer.IDENTITY, "not-the-secret")
        .partSizeBytes(PART).build());
    try {
      BlobUpload small = denied.beginUpload("1/r/attempt-1/small.csv");
      small.stream().write(data(1000, 6));
      assertThatThrownBy(small::commit).isExactlyInstanceOf(ExportException.class)
          .hasMessageContaining("s3://" + bucket + "/1/r/attempt-1/small.csv")
          .hasMessageContaining("SignatureDoesNotMatch")
          .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());

      BlobUpload large = denied.beginUpload("1/r/attempt-1/large.csv");
      assertThatThrownBy(() -> writeInSmallPieces(large.stream(), data(PART + 1, 7)))
          .as("the multipart upload is refused when the first part is handed over")
          .isExactlyInstanceOf(ExportException.class)
          .hasMessageContaining("s3://" + bucket + "/1/r/attempt-1/large.csv")
          .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
    } finally {
      denied.close();
    }
    assertThat(server.objects(bucket)).isEmpty();
  }

  @Test
  void aMissingBucketIsAPermanentFailureNamingIt() {
    S3BlobStore missing = S3BlobStore.create(server.config("no-such-bucket-here").build());
    try {
      assertThatThrownBy(() -> missing.list("")).isExactlyInstanceOf(ExportException.class)
          .hasMessageContaining("s3://no-such-bucket-here/")
          .hasMessageContaining("NoSuchBucket")
          .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
    } finally {
      missing.close();
    }
  }

  @Test
  void theKeyPrefixIsAddedToObjectNamesAndStrippedFromListings() throws IOException {
    S3BlobStore prefixed = S3BlobStore.create(server.config(bucket).keyPrefix("team-exports/fdbe").build());
    try {
      BlobUpload upload = prefixed.beginUpload("1/r/attempt-1/a.csv", UploadJournal.NONE);
      writeInSmallPieces(upload.stream(), data(PART + 10, 8));
      assertThat(prefixed.abortUploads("1/q/")).as("a prefix of other keys finds no upload").isZero();
      assertThat(server.openUploads(bucket)).extracting(u -> u.key())
          .containsExactly("team-exports/fdbe/1/r/attempt-1/a.csv");
      upload.commit();

      assertThat(server.objects(bucket)).extracting(o -> o.key()).containsExactly("team-exports/fdbe/1/r/attempt-1/a.csv");
      assertThat(prefixed.list("")).extracting(BlobInfo::key).containsExactly("1/r/attempt-1/a.csv");
      assertThat(store.list("")).extracting(BlobInfo::key).containsExactly("team-exports/fdbe/1/r/attempt-1/a.csv");
      try (InputStream in = prefixed.open("1/r/attempt-1/a.csv")) {
        assertThat(in.readAllBytes()).hasSize(PART + 10);
      }
      assertThat(prefixed.describe()).contains("s3://" + bucket + "/team-exports/fdbe/");

      BlobUpload open = prefixed.beginUpload("1/r/attempt-2/b.csv", UploadJournal.NONE);
      writeInSmallPieces(open.stream(), data(PART + 10, 9));
      assertThat(prefixed.abortUploads("1/r/")).as("the key prefix is added to the upload prefix").isOne();
      assertThat(server.openUploads(bucket)).isEmpty();
    } finally {
      prefixed.close();
    }
  }

  @Test
  void serverSideEncryptionIsRequestedForSinglePutsAndMultipartUploads() throws IOException {
    S3BlobStore encrypted = S3BlobStore.create(server.config(bucket)
        .serverSideEncryption(ServerSideEncryption.SSE_S3).build());
    try {
      for (int size : new int[] {1000, PART + 1}) {
        BlobUpload upload = encrypted.beginUpload("sse/" + size + ".csv");
        writeInSmallPieces(upload.stream(), data(size, 9));
        upload.commit();

        HeadObjectResponse head = server.admin.headObject(b -> b.bucket(bucket).key("sse/" + size + ".csv"));
        assertThat(head.serverSideEncryptionAsString()).as("object of %d bytes", size).isEqualTo("AES256");
      }
    } finally {
      encrypted.close();
    }
  }

  @Test
  void aStoredSizeThatDiffersFromTheBytesWrittenIsARetryableFailureAndTheObjectIsDeleted() throws IOException {
    server.backend.misreportSizes(-1);
    BlobUpload upload = store.beginUpload("1/r/attempt-1/short.csv", UploadJournal.NONE);
    writeInSmallPieces(upload.stream(), data(PART + 100, 10));

    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("s3://" + bucket + "/1/r/attempt-1/short.csv")
        .hasMessageContaining((PART + 100) + " bytes were written but " + (PART + 99) + " are stored")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isTrue());
    assertThat(server.objects(bucket)).isEmpty();
    assertThat(server.openUploads(bucket)).isEmpty();
  }

  @Test
  void anObjectWhoseCheckAfterTheWriteFailsIsDeletedSoThatAFailedCommitLeavesNothing() throws IOException {
    // One PutObject; the backend refuses to describe objects, as S3 does to a key that may put but not read.
    // (A multipart upload cannot be shown this way: the stub's own completion and abort describe objects too.)
    BlobUpload upload = store.beginUpload("1/r/attempt-1/unread.csv", UploadJournal.NONE);
    writeInSmallPieces(upload.stream(), data(100, 11));
    server.backend.denyHeads();

    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("s3://" + bucket + "/1/r/attempt-1/unread.csv");
    server.backend.reset();
    assertThat(server.objects(bucket)).isEmpty();
  }

  @Test
  void aCommitAfterTheStoreClosedFailsWithTheStoresReasonNotAnIllegalState() throws IOException {
    BlobUpload upload = store.beginUpload("1/r/attempt-1/late.csv", UploadJournal.NONE);
    writeInSmallPieces(upload.stream(), data(PART + 100, 12)); // one part sent, the rest waits for commit
    store.close();

    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("the store was closed");
    assertThat(server.objects(bucket)).isEmpty();
  }

  @Test
  void abortUploadOfAnUploadThatIsGoneDoesNothing() {
    store.abortUpload("1/r/attempt-1/x.csv", "no-such-upload");

    assertThatThrownBy(() -> store.abortUpload("1/r/attempt-1/x.csv", " "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
