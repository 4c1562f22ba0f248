package dev.fdbe.spi;

import java.util.List;

/**
 * The ability of a {@link BlobStore} whose uploads stay open in the store until completed or
 * aborted, such as S3 multipart uploads. The engine then writes through
 * {@link #beginUpload(String, UploadJournal)} and aborts, with {@link #abortUpload}, any upload no
 * live attempt owns.
 */
public interface MultipartUploads {
  /**
   * Starts an upload like {@link BlobStore#beginUpload(String)}, calling
   * {@link UploadJournal#opened} for every upload it opens in the store before sending data to it,
   * and {@link UploadJournal#closed} when that upload is completed or aborted.
   */
  BlobUpload beginUpload(String key, UploadJournal journal);

  /** The uploads open under the prefix, oldest first. */
  List<OpenUpload> openUploads(String prefix);

  /** Aborts an open upload; aborting one that is gone does nothing. */
  void abortUpload(String key, String uploadId);
}
