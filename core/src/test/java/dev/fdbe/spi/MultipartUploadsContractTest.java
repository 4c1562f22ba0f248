package dev.fdbe.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of a blob store with {@link MultipartUploads}: every upload it opens is reported to
 * the journal before data is sent and closed once completed or aborted, open uploads are listed by
 * prefix, and an upload aborted from outside can no longer be committed.
 */
public abstract class MultipartUploadsContractTest {
  /** A new, empty store for one test. */
  protected abstract MultipartUploads newStore() throws Exception;

  /** Bytes large enough to need more than one part in the store, if it has parts. */
  protected int largeObjectBytes() {
    return 64 * 1024;
  }

  protected MultipartUploads store;

  @BeforeEach
  void createStore() throws Exception {
    store = newStore();
  }

  /** Records what the store reports. */
  protected static final class RecordingJournal implements UploadJournal {
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
  }

  @Test
  void everyOpenedUploadIsJournaledAndClosedOnCommit() throws IOException {
    RecordingJournal journal = new RecordingJournal();
    BlobUpload upload = store.beginUpload("1/r/attempt-1/big.csv", journal);
    upload.stream().write(BlobStoreContractTest.bytes(largeObjectBytes()));
    upload.stream().flush();
    assertThat(journal.opened).isNotEmpty();

    upload.commit();

    assertThat(journal.closed).containsExactlyInAnyOrderElementsOf(journal.opened);
    assertThat(store.abortUploads("1/r/")).as("no upload left open").isZero();
    assertThat(((BlobStore) store).stat("1/r/attempt-1/big.csv")).isPresent();
  }

  @Test
  void abortClosesTheUploadAndLeavesNothing() throws IOException {
    RecordingJournal journal = new RecordingJournal();
    BlobUpload upload = store.beginUpload("1/r/attempt-1/a.csv", journal);
    upload.stream().write(BlobStoreContractTest.bytes(largeObjectBytes()));
    upload.stream().flush();

    upload.abort();

    assertThat(journal.closed).containsExactlyInAnyOrderElementsOf(journal.opened);
    assertThat(store.abortUploads("")).as("no upload left open").isZero();
    assertThat(((BlobStore) store).list("")).isEmpty();
  }

  @Test
  void aJournalThatRefusesAbortsTheUpload() {
    UploadJournal refusing = new UploadJournal() {
      @Override
      public void opened(String key, String uploadId) {
        throw new IllegalStateException("lease lost");
      }

      @Override
      public void closed(String key, String uploadId) {}
    };

    assertThatThrownBy(() -> {
      BlobUpload upload = store.beginUpload("1/r/attempt-1/refused.csv", refusing);
      upload.stream().write(BlobStoreContractTest.bytes(largeObjectBytes()));
      upload.stream().flush();
      upload.commit();
    }).hasMessageContaining("lease lost");
    assertThat(store.abortUploads("")).as("no upload left open").isZero();
    assertThat(((BlobStore) store).list("")).isEmpty();
  }

  @Test
  void anUploadAbortedFromOutsideCannotBeCommitted() throws IOException {
    RecordingJournal journal = new RecordingJournal();
    BlobUpload upload = store.beginUpload("1/r/attempt-1/orphan.csv", journal);
    upload.stream().write(BlobStoreContractTest.bytes(largeObjectBytes()));
    upload.stream().flush();
    assertThat(journal.opened).isNotEmpty();

    for (String uploadId : journal.opened) {
      store.abortUpload("1/r/attempt-1/orphan.csv", uploadId);
      store.abortUpload("1/r/attempt-1/orphan.csv", uploadId); // idempotent
    }

    assertThat(store.abortUploads("")).as("no upload left open").isZero();
    assertThatThrownBy(upload::commit).isInstanceOf(RuntimeException.class);
    assertThat(((BlobStore) store).list("")).isEmpty();
  }

  @Test
  void abortUploadsAbortsTheUploadsUnderItsPrefixOnly() throws IOException {
    List<BlobUpload> uploads = new ArrayList<>();
    for (String key : List.of("1/a/attempt-1/x.csv", "1/a/attempt-2/x.csv", "1/b/attempt-1/x.csv")) {
      BlobUpload upload = store.beginUpload(key, UploadJournal.NONE);
      upload.stream().write(BlobStoreContractTest.bytes(largeObjectBytes()));
      upload.stream().flush();
      uploads.add(upload);
    }

    assertThat(store.abortUploads("1/a/attempt-2/")).isOne();
    assertThat(store.abortUploads("1/a/")).as("attempt-1 only; attempt-2 is gone already").isOne();
    assertThat(store.abortUploads("1/a/")).as("idempotent").isZero();

    assertThatThrownBy(uploads.get(0)::commit).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(uploads.get(1)::commit).isInstanceOf(RuntimeException.class);
    uploads.get(2).commit();
    assertThat(((BlobStore) store).list("")).extracting(BlobInfo::key).containsExactly("1/b/attempt-1/x.csv");
  }
}
