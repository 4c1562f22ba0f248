package dev.fdbe.storage.local;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Creates a store's uploads with their temporary files: owner-only from the start, and for direct
 * I/O (DirectWrites) where the root's file system allows it.
 *
 * Invariants:
 * - `directBlock` is the root file system's block size while direct I/O is to be tried, 0 once a
 *   file system refused it (then every later upload of the store goes through the page cache).
 * - A file made by an open that then failed for direct I/O is deleted before the plain open, which
 *   creates it anew (the names are random and each upload's own).
 */
final class TempFiles {
  private static final Logger LOG = LoggerFactory.getLogger(TempFiles.class);

  private volatile int directBlock;

  /** Temporary files for a store whose objects are under {@code root}. */
  TempFiles(Path root) {
    this.directBlock = directBlock(root);
  }

  /**
   * The upload of {@code key}, writing to the new file {@code temp} until it is renamed to
   * {@code target}.
   *
   * @throws IOException as {@link FileChannel#open} does; the file is not left behind when the
   *     upload cannot be made (no memory for its buffer, say)
   */
  FileUpload begin(LocalBlobStore store, String key, Path target, Path temp) throws IOException {
    Opened opened = open(temp, directBlock);
    if (opened.block() == 0) {
      directBlock = 0;
    }
    try {
      return new FileUpload(store, key, target, temp, opened);
    } catch (RuntimeException | Error e) {
      try (FileChannel channel = opened.channel()) {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** Makes every later upload write through the page cache; for tests of that path. */
  void throughThePageCache() {
    directBlock = 0;
  }

  /** The temporary file's channel, and the block size it was opened for direct I/O with, or 0 for none. */
  record Opened(FileChannel channel, int block) {}

  /**
   * Creates the temporary file, owner-only (0600) from the start where the file system has POSIX
   * permissions: for direct I/O with blocks of {@code block} bytes when that is not 0 and the
   * platform and file system allow it ({@link DirectWrites}), else for writes through the page
   * cache ({@code block} 0 in the result).
   */
  static Opened open(Path temp, int block) throws IOException {
    if (block > 0) {
      try {
        return new Opened(FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            ExtendedOpenOption.DIRECT), OwnerOnly.file(temp)), block);
      } catch (FileAlreadyExistsException | NoSuchFileException | AccessDeniedException e) {
        throw e; // as the plain open below would
      } catch (IOException | UnsupportedOperationException e) {
        // The file system refuses direct I/O; it may have made the file first.
        LOG.debug("direct I/O refused for {}; writing through the page cache", temp, e);
        Files.deleteIfExists(temp);
      }
    }
    return new Opened(FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        OwnerOnly.file(temp)), 0);
  }

  /**
   * The block size for direct writes to files in {@code dir}, or 0 where the file system does not
   * say or has blocks {@link DirectWrites} cannot use.
   */
  static int directBlock(Path dir) {
    try {
      long block = Files.getFileStore(dir).getBlockSize();
      return block <= DirectWrites.BUFFER_BYTES && DirectWrites.accepts((int) block) ? (int) block : 0;
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }
}
