package dev.fdbe.spi;

/**
 * The ability of a {@link BlobStore} whose uploads stay open in the store until completed or
 * aborted, such as S3 multipart uploads. The engine then writes through
 * {@link #beginUpload(String, UploadJournal)}, aborts with {@link #abortUpload} any upload its
 * journal holds that no live attempt owns, and with {@link #abortUploads} every upload left under a
 * run's keys when it cleans the run's storage. Implementations are thread-safe.
 */
public interface MultipartUploads {
  /**
   * Starts an upload like {@link BlobStore#beginUpload(String)}, calling
   * {@link UploadJournal#opened} for every upload it opens in the store before sending data to it,
   * and {@link UploadJournal#closed} when that upload is completed or aborted.
   */
  BlobUpload beginUpload(String key, UploadJournal journal);

  /** Aborts an open upload; aborting one that is gone does nothing. Idempotent. */
  void abortUpload(String key, String uploadId);

  /**
   * Aborts every upload open under the prefix (an empty prefix: every upload of the store).
   * Idempotent: a second call finds none.
   *
   * @return how many open uploads this call found and aborted; 0 means none was open under the
   *     prefix (an upload that someone else aborts at the same moment may be counted or not)
   * @throws IllegalArgumentException naming the prefix when it is not a valid prefix
   */
  int abortUploads(String prefix);
}
