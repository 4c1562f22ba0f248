package dev.fdbe.storage.local;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/*
 * One object being written to a hidden temporary file next to its target, published by an atomic
 * rename. Lifecycle: OPEN -> COMMITTING -> COMMITTED, or -> ABORTED from OPEN or COMMITTING.
 *
 * Invariants:
 * - The temporary file is only ever written through `channel`, never reopened by path, so once
 *   abort has closed the channel and deleted the file, nothing can bring it back.
 * - The rename happens under `lock` and only from COMMITTING; abort switches the state under the
 *   same lock before it deletes anything. So either the rename happened first (abort then does
 *   nothing) or the commit sees ABORTED and fails.
 * - Slow work (flush, fsync) runs outside the lock, so an abort from another thread never waits
 *   for the disk: it closes the channel, which makes the in-flight write or fsync fail at once.
 */
final class FileUpload implements BlobUpload {
  private static final int BUFFER_BYTES = 8 * 1024;

  private enum State { OPEN, COMMITTING, COMMITTED, ABORTED }

  private final LocalBlobStore store;
  private final String key;
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final Stream stream = new Stream();
  private final Object lock = new Object();
  private State state = State.OPEN;

  FileUpload(LocalBlobStore store, String key, Path target, Path temp, FileChannel channel) {
    this.store = store;
    this.key = key;
    this.target = target;
    this.temp = temp;
    this.channel = channel;
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  @Override
  public BlobInfo commit() {
    synchronized (lock) {
      switch (state) {
        case OPEN -> state = State.COMMITTING;
        case COMMITTED -> throw new IllegalStateException("upload of '" + key + "' was already committed");
        default -> throw aborted(null);
      }
    }
    long stored;
    try {
      stream.flush();
      channel.force(true);
      stored = channel.size();
      channel.close();
    } catch (IOException e) {
      throw fail(e);
    }
    if (stored != stream.written) {
      throw fail(new ExportException("cannot commit '" + key + "' to " + store.describe() + ": " + stream.written
          + " bytes were written but " + stored + " are stored", true));
    }
    synchronized (lock) {
      if (state != State.COMMITTING) {
        throw aborted(null);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw fail(e);
      }
      state = State.COMMITTED;
    }
    LocalBlobStore.syncDirectory(target.getParent());
    return new BlobInfo(key, stored);
  }

  /**
   * Discards the upload. Never throws: a temporary file that cannot be deleted is left for
   * {@code deleteByPrefix}, which removes temporary files too.
   */
  @Override
  public void abort() {
    synchronized (lock) {
      if (state == State.COMMITTED || state == State.ABORTED) {
        return;
      }
      state = State.ABORTED;
    }
    discard();
  }

  private ExportException fail(Exception cause) {
    boolean abortedMeanwhile;
    synchronized (lock) {
      abortedMeanwhile = state == State.ABORTED;
      state = State.ABORTED;
    }
    discard();
    if (abortedMeanwhile) {
      return aborted(cause);
    }
    return cause instanceof ExportException storage
        ? storage
        : store.failure("commit", key, target, (IOException) cause);
  }

  private ExportException aborted(@Nullable Exception cause) {
    String message = "upload of '" + key + "' was aborted; nothing is stored";
    return cause == null ? new ExportException(message, false) : new ExportException(message, cause, false);
  }

  private void discard() {
    try {
      channel.close();
    } catch (IOException e) {
      // the file is deleted next; a failed close loses nothing
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // left for deleteByPrefix, see abort()
    }
  }

  private boolean isAborted() {
    synchronized (lock) {
      return state == State.ABORTED;
    }
  }

  /** Buffers small writes; counts the bytes it accepted so that commit can check the stored size. */
  private final class Stream extends OutputStream {
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private long written;

    @Override
    public void write(int b) throws IOException {
      if (!buffer.hasRemaining()) {
        drain();
      }
      buffer.put((byte) b);
      written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len > buffer.remaining()) {
        drain();
      }
      if (len >= buffer.capacity()) {
        writeFully(ByteBuffer.wrap(b, off, len));
      } else {
        buffer.put(b, off, len);
      }
      written += len;
    }

    @Override
    public void flush() throws IOException {
      drain();
    }

    /** Flushes; the channel stays open, since the upload owns it. */
    @Override
    public void close() throws IOException {
      flush();
    }

    private void drain() throws IOException {
      buffer.flip();
      try {
        writeFully(buffer);
      } finally {
        buffer.compact();
      }
    }

    private void writeFully(ByteBuffer source) throws IOException {
      try {
        while (source.hasRemaining()) {
          channel.write(source);
        }
      } catch (ClosedChannelException e) {
        if (isAborted()) {
          throw new IOException("upload of '" + key + "' was aborted", e);
        }
        throw e;
      }
    }
  }

  /** Creates the temporary file, owner-only (0600) from the start where the file system has POSIX permissions. */
  static FileChannel open(Path temp) throws IOException {
    return FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        OwnerOnly.file(temp));
  }
}
