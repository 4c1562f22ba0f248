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
    assertThat(store.openUploads("1/r/")).extracting(OpenUpload::uploadId).containsAll(journal.opened);

    upload.commit();

    assertThat(journal.closed).containsExactlyInAnyOrderElementsOf(journal.opened);
    assertThat(store.openUploads("1/r/")).isEmpty();
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
    assertThat(store.openUploads("")).isEmpty();
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
    assertThat(store.openUploads("")).isEmpty();
    assertThat(((BlobStore) store).list("")).isEmpty();
  }

  @Test
  void anUploadAbortedFromOutsideCannotBeCommitted() throws IOException {
    RecordingJournal journal = new RecordingJournal();
    BlobUpload upload = store.beginUpload("1/r/attempt-1/orphan.csv", journal);
    upload.stream().write(BlobStoreContractTest.bytes(largeObjectBytes()));
    upload.stream().flush();
    List<OpenUpload> open = store.openUploads("1/r/attempt-1/");
    assertThat(open).isNotEmpty();

    for (OpenUpload orphan : open) {
      store.abortUpload(orphan.key(), orphan.uploadId());
      store.abortUpload(orphan.key(), orphan.uploadId()); // idempotent
    }

    assertThat(store.openUploads("")).isEmpty();
    assertThatThrownBy(upload::commit).isInstanceOf(RuntimeException.class);
    assertThat(((BlobStore) store).list("")).isEmpty();
  }

  @Test
  void openUploadsAreListedByPrefix() throws IOException {
    List<BlobUpload> uploads = new ArrayList<>();
    for (String key : List.of("1/a/attempt-1/x.csv", "1/a/attempt-2/x.csv", "1/b/attempt-1/x.csv")) {
      BlobUpload upload = store.beginUpload(key, UploadJournal.NONE);
      upload.stream().write(BlobStoreContractTest.bytes(largeObjectBytes()));
      upload.stream().flush();
      uploads.add(upload);
    }

    assertThat(store.openUploads("1/a/")).extracting(OpenUpload::key)
        .containsOnly("1/a/attempt-1/x.csv", "1/a/attempt-2/x.csv");
    assertThat(store.openUploads("1/a/attempt-2/")).extracting(OpenUpload::key).containsOnly("1/a/attempt-2/x.csv");
    uploads.forEach(BlobUpload::abort);
  }
}
