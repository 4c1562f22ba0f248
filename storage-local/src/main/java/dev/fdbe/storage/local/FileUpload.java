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
import java.util.Objects;

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
  private final Stream stream;

  FileUpload(LocalBlobStore store, String key, Path target, Path temp, TempFiles.Opened opened) {
    super("'" + key + "'");
    this.store = store;
    this.key = key;
    this.target = target;
    this.temp = temp;
    this.channel = opened.channel();
    this.stream = opened.block() > 0 ? new DirectStream(new DirectWrites(channel, opened.block()))
        : new PageCacheStream();
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  /**
   * Writes what is still buffered, syncs and closes the temporary file, and checks that it holds
   * every byte written. Most of a large file is synced already ({@link WriteBehind}), so the sync
   * here is short.
   */
  @Override
  protected BlobInfo complete() {
    long stored;
    try {
      stream.finish();
      channel.force(true);
      stored = channel.size();
      channel.close();
    } catch (IOException e) {
      throw failure(e);
    }
    if (stored != stream.written) {
      throw storedSizeDiffers(stream.written, stored);
    }
    return new BlobInfo(key, stored);
  }

  /** Whether the upload writes past the page cache ({@link DirectWrites}). */
  boolean isDirect() {
    return stream instanceof DirectStream;
  }

  /** How many syncs of the file have started before commit ({@link WriteBehind}). */
  int syncsStarted() {
    return stream.writeBehind.started();
  }

  private ExportException storedSizeDiffers(long written, long stored) {
    return new ExportException("cannot commit '" + key + "' to " + store.describe() + ": " + written
        + " bytes were written but " + stored + " are stored", true);
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

  /**
   * Counts the bytes it accepted, so that commit can check the stored size, and syncs the file as
   * it grows ({@link WriteBehind}): written past the page cache as well, since a disk or a virtual
   * machine's host may still cache what was written, and the sync at commit would wait for all of it.
   */
  private abstract class Stream extends OutputStream {
    final WriteBehind writeBehind = new WriteBehind(channel);
    long written;

    /**
     * Writes what is still buffered, so that the file holds every byte accepted, and waits for the
     * sync under way; throws the failure of any sync so far.
     */
    final void finish() throws IOException {
      writeOut();
      writeBehind.await();
    }

    /** Writes what is still buffered, so that the file holds every byte accepted. */
    abstract void writeOut() throws IOException;

    /** A failure of the channel, which says so when it was closed by an abort. */
    IOException closed(ClosedChannelException e) {
      return isAborted() ? new IOException("upload of '" + key + "' was aborted", e) : e;
    }

    /** Finishes nothing: the channel stays open, since the upload owns it. */
    @Override
    public void close() throws IOException {
      flush();
    }
  }

  /** Buffers small writes in 8 KiB and writes through the page cache, synced as it grows. */
  private final class PageCacheStream extends Stream {
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);

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

    @Override
    void writeOut() throws IOException {
      drain();
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
        throw closed(e);
      }
    }
  }

  /**
   * Writes past the page cache in whole buffers ({@link DirectWrites}). A flush waits for the
   * buffers handed to the file so far; the bytes of a buffer not yet full reach the file when it
   * fills or at commit, where nothing can read them before.
   */
  private final class DirectStream extends Stream {
    private final DirectWrites writes;

    DirectStream(DirectWrites writes) {
      this.writes = writes;
    }

    @Override
    public void write(int b) throws IOException {
      try {
        writes.write(b);
      } catch (ClosedChannelException e) {
        throw closed(e);
      }
      written++;
      writeBehind.written(writes.reached());
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      try {
        writes.write(b, off, len);
      } catch (ClosedChannelException e) {
        throw closed(e);
      }
      written += len;
      writeBehind.written(writes.reached());
    }

    /** Waits for the writes under way; fails when the upload was aborted with bytes not yet written. */
    @Override
    public void flush() throws IOException {
      try {
        writes.settle();
        if (writes.buffered() > 0 && !channel.isOpen()) {
          throw new ClosedChannelException();
        }
      } catch (ClosedChannelException e) {
        throw closed(e);
      }
    }

    @Override
    void writeOut() throws IOException {
      try {
        long handedOver = writes.settle(); // before the size: a write in flight grows the file
        long stored = channel.size();
        if (stored != handedOver) {
          throw storedSizeDiffers(written, stored); // changed under the upload
        }
        writes.finish(written);
      } catch (ClosedChannelException e) {
        throw closed(e);
      }
    }
  }
}
