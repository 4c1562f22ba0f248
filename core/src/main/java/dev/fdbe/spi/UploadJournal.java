package dev.fdbe.spi;

/**
 * Where a blob store records the uploads it leaves open in the store until they are completed or
 * aborted (S3 multipart uploads), so that none outlives a crash, a lost lease or a failed abort.
 * Run stores implement it ({@link RunStore#uploadJournal}): the journal of an attempt records
 * under the attempt's lease, and the engine's janitor aborts every recorded upload that no live
 * attempt owns. Blob stores call it; implementations are thread-safe.
 */
public interface UploadJournal {
  /**
   * Records an upload the store has just opened, before its first part is sent. Not idempotent:
   * the store reports each upload it opens once.
   *
   * @throws RuntimeException when it cannot be recorded (e.g. the attempt lost its lease); nothing
   *     is recorded then, and the store must abort the upload and fail the write
   */
  void opened(String key, String uploadId);

  /**
   * Notes that the upload was completed or aborted, so that it is no longer recorded; idempotent,
   * and closing an upload that is not recorded does nothing.
   */
  void closed(String key, String uploadId);

  /** A journal that records nothing, for writing objects outside a run. */
  UploadJournal NONE = new UploadJournal() {
    @Override
    public void opened(String key, String uploadId) {}

    @Override
    public void closed(String key, String uploadId) {}
  };
}
