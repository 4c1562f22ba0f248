package dev.fdbe.storage.gcs;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.support.AtomicUpload;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/*
 * One object being written as a resumable upload session. AtomicUpload holds the states; this class
 * supplies the steps.
 *
 * Invariants:
 * - Only closing the channel finalizes the session, and only complete (the commit's slow step)
 *   closes it. Cloud Storage creates the object at finalization, so an upload that never reaches it
 *   leaves no object.
 * - The channel is not thread-safe, so an abort, which may come from another thread while a write
 *   is blocked in a request, never touches it: discard does nothing. The blocked write finishes its
 *   request, then sees the abort and fails; the commit then fails too.
 * - Finalization makes the object visible at once, so there is nothing to publish: an abort that
 *   comes while complete runs cannot stop it, and the commit, seeing the abort afterwards, retracts
 *   the object it created (that generation only) before it fails.
 * - The bytes are counted and hashed (CRC32C, MD5) as they pass to the channel, and complete
 *   compares them with what the service reports for the finished object.
 * - Memory: the channel buffers at most one chunk; this class holds no buffer of its own.
 */
final class GcsUpload extends AtomicUpload {
  private final GcsBlobStore store;
  private final String key;
  private final String name;
  private final WriteChannel channel;
  private final Stream stream = new Stream();
  private final CRC32C crc32c = new CRC32C();
  private final MessageDigest md5;
  private long written;
  private @Nullable String writtenCrc32c;
  private @Nullable String writtenMd5;
  private @Nullable Long generation;

  GcsUpload(GcsBlobStore store, String key, String name, WriteChannel channel) {
    super("gs://" + store.bucket() + "/" + name);
    this.store = store;
    this.key = key;
    this.name = name;
    this.channel = channel;
    try {
      this.md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks MD5, which every Java platform must provide", e);
    }
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  /**
   * Finalizes the session and checks the object: its size, its CRC32C and, when reported, its MD5
   * must be those of the bytes written; otherwise the object is deleted and the commit fails,
   * retryably.
   */
  @Override
  protected BlobInfo complete() {
    writtenCrc32c = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc32c.getValue()).array());
    writtenMd5 = Base64.getEncoder().encodeToString(md5.digest());
    Blob blob;
    try {
      channel.close();
      blob = store.storage().get(BlobId.of(store.bucket(), name));
    } catch (IOException | RuntimeException e) {
      // The session may or may not have been finalized; an object that is ours goes again.
      deleteIfOurs();
      throw e instanceof IOException io ? wrap(io) : store.failure("finish uploading", name, (RuntimeException) e);
    }
    if (blob == null || blob.getSize() == null) {
      throw new ExportException("cannot finish uploading " + where() + ": the service reports no object after "
          + "the upload was finalized", true);
    }
    String mismatch = mismatch(blob);
    if (mismatch != null) {
      delete(blob.getGeneration());
      throw new ExportException("upload of " + where() + " was corrupted: " + mismatch + "; the object was deleted",
          true);
    }
    generation = blob.getGeneration();
    return store.info(key, blob, store.rules());
  }

  /** Deletes the generation that complete created: an abort came while it ran. */
  @Override
  protected void retract(BlobInfo completed) {
    delete(generation);
  }

  /**
   * Nothing to release: the session is never finalized, so no object appears, and the channel
   * belongs to the writer's thread (see the invariants above).
   */
  @Override
  protected void discard() {}

  /** What differs between the bytes written and the stored object, or null when nothing does. */
  private @Nullable String mismatch(Blob blob) {
    if (blob.getSize() != written) {
      return written + " bytes were written but " + blob.getSize() + " are stored";
    }
    if (blob.getCrc32c() != null && !blob.getCrc32c().equals(writtenCrc32c)) {
      return "CRC32C of the bytes written is " + writtenCrc32c + " but the service reports " + blob.getCrc32c();
    }
    if (blob.getMd5() != null && !blob.getMd5().equals(writtenMd5)) {
      return "MD5 of the bytes written is " + writtenMd5 + " but the service reports " + blob.getMd5();
    }
    return null;
  }

  /**
   * After a failed finalization or a failed read of the object: deletes the object if it holds
   * exactly the bytes written, and by name when it cannot even be read (a key that may create
   * objects but not read them): the name is this attempt's alone, so whatever is there is ours.
   */
  private void deleteIfOurs() {
    Blob blob;
    try {
      blob = store.storage().get(BlobId.of(store.bucket(), name));
    } catch (RuntimeException e) {
      delete(null);
      return;
    }
    if (blob != null && blob.getSize() != null && mismatch(blob) == null) {
      delete(blob.getGeneration());
    }
  }

  /** Deletes one generation of the object; best effort, as the engine deletes the attempt's prefix after a failure. */
  private void delete(@Nullable Long generation) {
    try {
      if (generation == null) {
        store.storage().delete(BlobId.of(store.bucket(), name));
      } else {
        store.storage().delete(BlobId.of(store.bucket(), name, generation), Storage.BlobSourceOption.generationMatch());
      }
    } catch (RuntimeException e) {
      // see above
    }
  }

  private ExportException wrap(IOException e) {
    if (e.getCause() instanceof RuntimeException runtime) {
      return store.failure("upload", name, runtime);
    }
    return new ExportException("cannot upload " + where() + ": " + e.getMessage(), e, true);
  }

  private String where() {
    return "gs://" + store.bucket() + "/" + name;
  }

  /**
   * Passes bytes to the channel, counting and hashing them. Failures are IOExceptions carrying the
   * {@link ExportException} as their cause: format writers (Parquet's among them) turn runtime
   * exceptions into format errors, which the engine would not retry, while a failed chunk is
   * usually transient. A permanent failure shows again, as itself, when the next attempt starts
   * its upload.
   */
  private final class Stream extends OutputStream {
    private final byte[] one = new byte[1];

    @Override
    public void write(int b) throws IOException {
      one[0] = (byte) b;
      write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      requireOpen();
      crc32c.update(b, off, len);
      md5.update(b, off, len);
      written += len;
      ByteBuffer source = ByteBuffer.wrap(b, off, len);
      try {
        while (source.hasRemaining()) {
          channel.write(source);
        }
      } catch (IOException | RuntimeException e) {
        ExportException mapped = e instanceof IOException io ? wrap(io)
            : store.failure("upload", name, (RuntimeException) e);
        RuntimeException thrown = fail(mapped);
        throw new IOException(thrown.getMessage(), thrown);
      }
      requireOpen();
    }

    /** Nothing to do: the channel sends whole chunks as they fill, and the rest on commit. */
    @Override
    public void flush() throws IOException {
      requireOpen();
    }

    /** Does not end the upload: commit or abort does. */
    @Override
    public void close() {}

    private void requireOpen() throws IOException {
      if (!isOpen()) {
        ExportException thrown = aborted(null);
        throw new IOException(thrown.getMessage(), thrown);
      }
    }
  }
}
