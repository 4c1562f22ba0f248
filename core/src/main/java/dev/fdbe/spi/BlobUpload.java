package dev.fdbe.spi;

import java.io.OutputStream;

/**
 * One object being written. Bytes written to {@link #stream()} become visible under the key only
 * when {@link #commit()} returns; {@link #abort()} discards them and leaves nothing behind (no
 * object, no temporary file, no open multipart upload). Not thread-safe, except {@code abort},
 * which another thread may call to stop an upload in flight.
 */
public interface BlobUpload {
  /** The stream to write the object's bytes to; do not close it, commit or abort instead. */
  OutputStream stream();

  /**
   * Makes the object visible under its key, atomically.
   *
   * @return the stored object's key and size
   * @throws dev.fdbe.ExportException when the store refuses or fails; nothing is visible then
   */
  BlobInfo commit();

  /** Discards the upload; idempotent, and a no-op after a successful commit. */
  void abort();
}
