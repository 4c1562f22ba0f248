package dev.fdbe.storage.local;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.support.AtomicUpload;
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

/*
 * One object being written to a hidden temporary file next to its target, published by an atomic
 * rename. AtomicUpload holds the states; this class supplies the steps.
 *
 * Invariants:
 * - The temporary file is only ever written through `channel`, never reopened by path, so once
 *   discard has closed the channel and deleted the file, nothing can bring it back.
 * - The rename is the publish step, which AtomicUpload runs under the lock that abort takes and only
 *   while no abort has happened: either the rename happened first (abort then does nothing) or the
 *   commit sees the abort and fails.
 * - Slow work (flush, fsync) is the complete step, outside that lock, so an abort from another
 *   thread never waits for the disk: its discard closes the channel, which makes the in-flight
 *   write or fsync fail at once.
 */
final class FileUpload extends AtomicUpload {
  private static final int BUFFER_BYTES = 8 * 1024;

  private final LocalBlobStore store;
  private final String key;
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final WriteBehind writeBehind;
  private final Stream stream = new Stream();

  FileUpload(LocalBlobStore store, String key, Path target, Path temp, FileChannel channel) {
    super("'" + key + "'");
    this.store = store;
    this.key = key;
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.writeBehind = new WriteBehind(channel);
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  /**
   * Flushes, syncs and closes the temporary file, and checks that it holds every byte written. Most
   * of a large file is synced already ({@link WriteBehind}), so the sync here is short.
   */
  @Override
  protected BlobInfo complete() {
    long stored;
    try {
      stream.flush();
      writeBehind.await();
      channel.force(true);
      stored = channel.size();
      channel.close();
    } catch (IOException e) {
      throw failure(e);
    }
    if (stored != stream.written) {
      throw new ExportException("cannot commit '" + key + "' to " + store.describe() + ": " + stream.written
          + " bytes were written but " + stored + " are stored", true);
    }
    return new BlobInfo(key, stored);
  }

  /** Renames the temporary file to its target. */
  @Override
  protected void publish(BlobInfo completed) {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Syncs the directory so that the rename survives a power cut. */
  @Override
  protected void afterPublish(BlobInfo published) {
    LocalBlobStore.syncDirectory(target.getParent());
  }

  /**
   * Closes the channel and deletes the temporary file. A temporary file that cannot be deleted is
   * left for {@code deleteByPrefix}, which removes temporary files too.
   */
  @Override
  protected void discard() {
    try {
      channel.close();
    } catch (IOException e) {
      // the file is deleted next; a failed close loses nothing
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // left for deleteByPrefix, see above
    }
  }

  private ExportException failure(IOException cause) {
    return store.failure("commit", key, target, cause);
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
        written += len;
        writeBehind.written(written);
      } else {
        buffer.put(b, off, len);
        written += len;
      }
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
      writeBehind.written(written);
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
