package dev.fdbe.spi;

/**
 * Where a blob store records the uploads it leaves open in the store until they are completed or
 * aborted (S3 multipart uploads), so that none outlives a crash, a lost lease or a failed abort:
 * the engine keeps the record in the run store, under the attempt's lease, and its janitor aborts
 * every recorded upload that no live attempt owns. Implemented by the engine; thread-safe.
 */
public interface UploadJournal {
  /**
   * Records an upload the store has just opened, before its first part is sent.
   *
   * @throws RuntimeException when it cannot be recorded (e.g. the attempt lost its lease); the store
   *     must then abort the upload and fail the write
   */
  void opened(String key, String uploadId);

  /** Notes that the upload was completed or aborted; idempotent. */
  void closed(String key, String uploadId);

  /** A journal that records nothing, for writing objects outside a run. */
  UploadJournal NONE = new UploadJournal() {
    @Override
    public void opened(String key, String uploadId) {}

    @Override
    public void closed(String key, String uploadId) {}
  };
}
