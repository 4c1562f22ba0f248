package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreContractTest;
import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest extends BlobStoreContractTest {
  private static final String TEMP_NAME = "\\.%s\\.[0-9a-f]{16}\\.tmp";

  @TempDir
  Path dir;

  private Path root;

  @Override
  protected BlobStore newStore() {
    LocalBlobStore local = LocalBlobStore.create(LocalStorageConfig.builder(dir.resolve("store")).build());
    root = local.root();
    return local;
  }

  private LocalBlobStore local() {
    return (LocalBlobStore) store;
  }

  /** Every file and directory under the root except the internal directory, relative, sorted. */
  private List<String> filesUnderRoot() throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(p -> !p.equals(root) && !p.startsWith(root.resolve(".fdbe")))
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  private static void deleteTree(Path top) throws IOException {
    try (Stream<Path> paths = Files.walk(top)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  // ------------------------------------------------------------------ layout

  @Test
  void createMakesTheMissingRootDirectory() throws IOException {
    assertThat(dir.resolve("store")).isDirectory();
    assertThat(root).isEqualTo(dir.resolve("store").toRealPath());
  }

  @Test
  void objectIsAFileAtItsKeyUnderTheRoot() throws IOException {
    byte[] data = bytes(1234);
    put(store, "a/b/c.jsonl", data);

    assertThat(Files.readAllBytes(root.resolve("a/b/c.jsonl"))).isEqualTo(data);
    assertThat(filesUnderRoot()).containsExactly("a", "a/b", "a/b/c.jsonl");
  }

  @Test
  void describeNamesTheStoreAsUsersKnowItAndToStringNamesTheRootForOperators() {
    assertThat(store.describe()).isEqualTo("local storage");
    assertThat(store.toString()).isEqualTo("local storage at " + root);
  }

  // ------------------------------------------------------------------ atomic commit

  @Test
  void uploadWritesAHiddenTempFileInTheTargetsDirectoryUntilCommit() throws IOException {
    BlobUpload upload = store.beginUpload("t/c.jsonl");
    upload.stream().write(bytes(100_000));
    upload.stream().flush();

    assertThat(filesUnderRoot()).hasSize(2).first().isEqualTo("t");
    assertThat(filesUnderRoot().get(1)).matches("t/" + String.format(TEMP_NAME, "c\\.jsonl"));

    upload.commit();
    assertThat(filesUnderRoot()).containsExactly("t", "t/c.jsonl");
  }

  @Test
  void everySizeAroundTheBlocksAndBuffersIsStoredExactly() throws IOException {
    int buffer = DirectWrites.BUFFER_BYTES;
    for (int size : new int[] {0, 1, 511, 4095, 4096, 4097, buffer - 1, buffer, buffer + 1, 2 * buffer + 4096,
        3 * buffer + 12_345}) {
      byte[] data = bytes(size);
      BlobUpload upload = store.beginUpload("sizes/" + size + ".bin");
      // in pieces that do not line up with the buffers
      for (int off = 0; off < size; off += 70_001) {
        upload.stream().write(data, off, Math.min(70_001, size - off));
      }
      assertThat(upload.commit().sizeBytes()).as("size %d", size).isEqualTo(size);
      assertThat(read(store, "sizes/" + size + ".bin")).as("size %d", size).isEqualTo(data);
    }
  }

  @Test
  void uploadsWritePastThePageCacheWhereTheFileSystemAllowsIt() throws IOException {
    Path probe = dir.resolve("probe");
    boolean allowed = TempFiles.directBlock(dir) > 0;
    if (allowed) {
      try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
        assertThat(channel.isOpen()).isTrue();
      } catch (IOException | UnsupportedOperationException e) {
        allowed = false;
      }
    }
    FileUpload upload = (FileUpload) store.beginUpload("direct/x.bin");
    assertThat(upload.isDirect()).as("direct I/O where a file of this directory can be opened for it")
        .isEqualTo(allowed && directExpected());
    byte[] data = bytes(5_000);
    upload.stream().write(data);
    assertThat(upload.commit().sizeBytes()).isEqualTo(5_000);
    assertThat(read(store, "direct/x.bin")).isEqualTo(data);
  }

  @Test
  void aLargeUploadIsSyncedAsItGrowsSoThatItsCommitWaitsOnlyForTheLastStretch() throws IOException {
    FileUpload upload = (FileUpload) store.beginUpload("large/x.bin");
    byte[] chunk = bytes(1 << 20);
    // Past the sync's mark by more than the direct writes that may still be under way.
    long chunks = WriteBehind.SYNC_EVERY_BYTES / chunk.length + DirectWrites.BUFFERS;
    for (int i = 0; i < chunks; i++) {
      upload.stream().write(chunk);
    }
    assertThat(upload.syncsStarted()).as("syncs started before commit, past %d bytes", WriteBehind.SYNC_EVERY_BYTES)
        .isPositive();
    assertThat(upload.commit().sizeBytes()).isEqualTo(chunks * chunk.length);
    assertThat(Files.size(root.resolve("large/x.bin"))).isEqualTo(chunks * chunk.length);
  }

  /** Whether this store's uploads go past the page cache where they can. */
  protected boolean directExpected() {
    return true;
  }

  @Test
  void smallWritesAreAllStored() throws IOException {
    BlobUpload upload = store.beginUpload("bytes.bin");
    for (int i = 0; i < 20_000; i++) {
      upload.stream().write(i);
    }
    BlobInfo info = upload.commit();

    assertThat(info.sizeBytes()).isEqualTo(20_000);
    byte[] stored = read(store, "bytes.bin");
    assertThat(stored[19_999]).isEqualTo((byte) 19_999);
  }

  @Test
  void closingTheStreamDoesNotEndTheUpload() throws IOException {
    BlobUpload upload = store.beginUpload("closed.csv");
    upload.stream().write("abc".getBytes(StandardCharsets.UTF_8));
    upload.stream().close();

    assertThat(upload.commit().sizeBytes()).isEqualTo(3);
    assertThat(read(store, "closed.csv")).asString(StandardCharsets.UTF_8).isEqualTo("abc");
  }

  @Test
  void commitFailsWhenTheStoredSizeDiffersFromTheBytesWritten() throws IOException {
    BlobUpload upload = store.beginUpload("short/x.csv");
    // More than two buffers of direct writes, so that some of it is in the file after the flush.
    upload.stream().write(bytes(2 * DirectWrites.BUFFER_BYTES + 100));
    upload.stream().flush();
    Path temp = root.resolve(filesUnderRoot().get(1));
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.truncate(10);
    }

    assertThatThrownBy(upload::commit)
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("short/x.csv")
        .hasMessageContaining((2 * DirectWrites.BUFFER_BYTES + 100) + " bytes were written but 10 are stored");
    assertThat(store.stat("short/x.csv")).isEmpty();
    assertThat(filesUnderRoot()).containsExactly("short");
  }

  @Test
  void closingTheStreamAfterCommitIsQuietAndWritingFails() throws IOException {
    BlobUpload upload = store.beginUpload("after/x.csv");
    OutputStream out = upload.stream();
    out.write(bytes(3_000));
    upload.commit();

    out.flush();
    out.close();
    assertThatThrownBy(() -> {
      out.write(bytes(2 * DirectWrites.BUFFER_BYTES));
      out.flush();
    }).isInstanceOf(IOException.class);
    assertThat(store.stat("after/x.csv")).contains(new BlobInfo("after/x.csv", 3_000));
  }

  @Test
  void commitTwiceIsAnIllegalStateAndAbortAfterCommitKeepsTheObject() {
    BlobUpload upload = store.beginUpload("twice.csv");
    upload.commit();

    assertThatThrownBy(upload::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("twice.csv");
    upload.abort();
    assertThat(store.stat("twice.csv")).contains(new BlobInfo("twice.csv", 0));
  }

  @Test
  void commitAfterAbortFailsAndStoresNothing() throws IOException {
    BlobUpload upload = store.beginUpload("ab/x.csv");
    upload.stream().write(bytes(10));
    upload.abort();

    assertThatThrownBy(upload::commit)
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("ab/x.csv")
        .hasMessageContaining("aborted")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
    assertThat(filesUnderRoot()).containsExactly("ab");
    assertThat(store.stat("ab/x.csv")).isEmpty();
  }

  @Test
  void writingAfterAbortFailsAndResurrectsNothing() throws IOException {
    BlobUpload upload = store.beginUpload("late/x.csv");
    OutputStream out = upload.stream();
    out.write(bytes(10));
    upload.abort();

    assertThatThrownBy(() -> {
      out.write(bytes(100_000));
      out.flush();
    }).isInstanceOf(IOException.class).hasMessageContaining("aborted");
    assertThat(filesUnderRoot()).containsExactly("late");
  }

  @Test
  void abortFromAnotherThreadWhileWritingStopsTheWriterAndLeavesNothing() throws Exception {
    BlobUpload upload = store.beginUpload("race/x.csv");
    CountDownLatch writing = new CountDownLatch(1);
    CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
      byte[] chunk = bytes(64 * 1024);
      try {
        // Bounded so that a broken abort fails the test instead of hanging it.
        for (int i = 0; i < 1_000_000; i++) {
          upload.stream().write(chunk);
          upload.stream().flush();
          writing.countDown();
        }
        return new AssertionError("the writer was never stopped");
      } catch (IOException e) {
        return e;
      }
    });
    assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();

    upload.abort();

    assertThat(writer.get(30, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class).hasMessageContaining("aborted");
    assertThat(filesUnderRoot()).containsExactly("race");
    assertThat(store.list("")).isEmpty();
  }

  // ------------------------------------------------------------------ temp files and deletion

  @Test
  void tempFileLeftByACrashIsNotListedAndDeleteByPrefixRemovesIt() throws IOException {
    put(store, "1/r/a.csv", bytes(3));
    Path leftover = Files.write(root.resolve("1/r/.b.csv.0123456789abcdef.tmp"), bytes(50));

    assertThat(store.list("1/r/")).extracting(BlobInfo::key).containsExactly("1/r/a.csv");
    assertThat(store.list("")).extracting(BlobInfo::key).containsExactly("1/r/a.csv");

    store.deleteByPrefix("1/r/");

    assertThat(leftover).doesNotExist();
    assertThat(filesUnderRoot()).as("empty directories are removed too").isEmpty();
    assertThat(root).isDirectory();
  }

  @Test
  void deleteByPrefixFailsAnUploadInFlightUnderThePrefix() throws IOException {
    BlobUpload upload = store.beginUpload("1/r/a.csv");
    upload.stream().write(bytes(10));
    upload.stream().flush();

    store.deleteByPrefix("1/");

    assertThatThrownBy(upload::commit).isExactlyInstanceOf(ExportException.class).hasMessageContaining("1/r/a.csv");
    assertThat(filesUnderRoot()).isEmpty();
  }

  @Test
  void deleteByPrefixOfEverythingKeepsTheRootAndTheSigningKey() throws IOException {
    put(store, "x/a.csv", bytes(3));
    Files.write(root.resolve(".top.csv.0123456789abcdef.tmp"), bytes(5));
    URI link = local().signedLink("x/a.csv", "a.csv", Instant.parse("2030-01-01T00:00:00Z"));

    store.deleteByPrefix("");

    assertThat(filesUnderRoot()).isEmpty();
    assertThat(root.resolve(".fdbe/link-signing-key")).isRegularFile();
    put(store, "x/a.csv", bytes(3));
    assertThat(local().verifyLink(link.getRawPath().substring("/fdbe/local-downloads/".length()),
        link.getRawQuery(), Instant.parse("2029-01-01T00:00:00Z")).key()).isEqualTo("x/a.csv");
  }

  @Test
  void deleteRemovesEmptyParentDirectoriesButNotTheRoot() throws IOException {
    put(store, "x/y/z.csv", bytes(1));
    put(store, "x/w.csv", bytes(1));

    store.delete("x/y/z.csv");
    assertThat(filesUnderRoot()).containsExactly("x", "x/w.csv");

    store.delete("x/w.csv");
    assertThat(filesUnderRoot()).isEmpty();
    assertThat(root).isDirectory();
  }

  @Test
  void aDirectoryIsNotAnObject() {
    put(store, "d/e.csv", bytes(2));

    assertThat(store.stat("d")).isEmpty();
    assertThatThrownBy(() -> store.open("d"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("no object 'd'");
    store.delete("d");
    assertThat(store.stat("d/e.csv")).isPresent();
  }

  @Test
  void listSkipsHiddenDirectoriesAndFilesWhoseNamesAreNotKeys() throws IOException {
    put(store, "l/a.csv", bytes(1));
    Files.createDirectories(root.resolve("l/.hidden"));
    Files.write(root.resolve("l/.hidden/b.csv"), bytes(1));
    Files.write(root.resolve("l/c d.csv"), bytes(1));

    assertThat(store.list("l/")).extracting(BlobInfo::key).containsExactly("l/a.csv");
  }

  // ------------------------------------------------------------------ keys and path safety

  @Test
  void keysWithASegmentStartingWithADotAreRefused() {
    for (String key : List.of(".hidden", "a/.b", ".fdbe/link-signing-key", "a/.b.csv.0123456789abcdef.tmp")) {
      assertThatThrownBy(() -> store.beginUpload(key)).as(key)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
      assertThatThrownBy(() -> store.stat(key)).as(key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.open(key)).as(key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.delete(key)).as(key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> local().signedLink(key, "f.csv", Instant.EPOCH)).as(key)
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (String prefix : List.of(".fdbe/", "a/.b/")) {
      assertThatThrownBy(() -> store.list(prefix)).as(prefix)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(prefix);
      assertThatThrownBy(() -> store.deleteByPrefix(prefix)).as(prefix).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(root.resolve(".fdbe/link-signing-key")).isRegularFile();
  }

  @Test
  void keysThatTryToEscapeTheRootAreRefusedAndTouchNothingOutside() throws IOException {
    Files.write(dir.resolve("outside.csv"), bytes(1));
    for (String key : List.of("../outside.csv", "a/../../outside.csv", "/etc/passwd", "..", "a/./b", "C:/x",
        "a\\..\\..\\outside.csv")) {
      assertThatThrownBy(() -> store.beginUpload(key)).as(key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.delete(key)).as(key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.open(key)).as(key).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> store.deleteByPrefix("../")).isInstanceOf(IllegalArgumentException.class);
    assertThat(dir.resolve("outside.csv")).isRegularFile();
    try (Stream<Path> entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("outside.csv", "store");
    }
  }

  // ------------------------------------------------------------------ errors

  @Test
  void aKeyBelowAnObjectIsANonRetryableErrorNamingBoth() {
    put(store, "a/b", bytes(1));

    assertThatThrownBy(() -> store.beginUpload("a/b/c.csv"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("a/b/c.csv")
        .hasMessageContaining("'a/b' is an object")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
    assertThat(store.stat("a/b/c.csv")).isEmpty();
    assertThatThrownBy(() -> store.open("a/b/c.csv")).isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("no object 'a/b/c.csv'");
    store.delete("a/b/c.csv");
    assertThat(store.list("a/b/")).isEmpty();
    assertThat(store.stat("a/b")).isPresent();
  }

  @Test
  void aVanishedRootIsANonRetryableErrorAndIsNotRecreated() throws IOException {
    deleteTree(root);

    for (Runnable call : List.<Runnable>of(
        () -> store.beginUpload("a.csv"), () -> store.stat("a.csv"), () -> store.open("a.csv"),
        () -> store.list(""), () -> store.delete("a.csv"), () -> store.deleteByPrefix("a/"))) {
      assertThatThrownBy(call::run)
          .isExactlyInstanceOf(ExportException.class)
          .hasMessageContaining("the root of local storage is missing or not a directory")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(dir.toString()))
          .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
    }
    assertThat(root).doesNotExist();
  }

  @Test
  void fileSystemFailuresAreMappedByWhetherRetryingCanHelp() {
    ExportException denied = FileSystemFailures.of("cannot open 'k'", new AccessDeniedException("/r/k"));
    assertThat(denied.isRetryable()).isFalse();
    assertThat(denied).hasMessage("cannot open 'k': access denied");

    ExportException missing = FileSystemFailures.of("cannot open 'k'", new NoSuchFileException("/r/k"));
    assertThat(missing.isRetryable()).isFalse();
    assertThat(missing).hasMessage("cannot open 'k': no such file or directory");

    ExportException transientFailure = FileSystemFailures.of("cannot open 'k'", new IOException("i/o error"));
    assertThat(transientFailure.isRetryable()).isTrue();
    assertThat(transientFailure).hasMessage("cannot open 'k': i/o error").hasCauseInstanceOf(IOException.class);
  }

  @Test
  void aRootThatIsAFileCannotBeCreated() throws IOException {
    Path file = Files.write(dir.resolve("file"), bytes(1));

    assertThatThrownBy(() -> LocalBlobStore.create(LocalStorageConfig.builder(file).build()))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessage("cannot create the root directory of local storage: exists and is not a directory")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
  }

  // ------------------------------------------------------------------ what users read

  @Test
  void failuresNameTheKeyAndLocalStorageButNoPath() throws IOException {
    BlobUpload blocked = store.beginUpload("m/x.csv");
    blocked.stream().write(bytes(10));
    Files.createDirectories(root.resolve("m/x.csv/under"));
    put(store, "m/file", bytes(1));

    assertThatThrownBy(blocked::commit).isExactlyInstanceOf(ExportException.class)
        .hasMessage("cannot commit 'm/x.csv' in local storage: 'm/x.csv' holds other objects (as a prefix), so it"
            + " cannot be an object itself")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).as("retrying cannot help").isFalse());
    assertThatThrownBy(() -> store.beginUpload("m/file/y.csv")).isExactlyInstanceOf(ExportException.class)
        .hasMessage("cannot begin an upload of 'm/file/y.csv' in local storage: 'm/file' is an object, not a "
            + "directory");
    ExportException fileSystem = FileSystemFailures.of("cannot open 'k' in local storage",
        new FileSystemException(root.resolve("k").toString(), root.resolve("l").toString(), "Is a directory"));
    assertThat(fileSystem).hasMessage("cannot open 'k' in local storage: Is a directory");
  }

  // ------------------------------------------------------------------ permissions

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void filesAreOwnerOnlyFromTheirCreationAndDirectoriesTheStoreMakesToo() throws IOException {
    assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    BlobUpload upload = store.beginUpload("p/q/c.jsonl");
    upload.stream().write(bytes(100));
    upload.stream().flush();
    Path temp = root.resolve(filesUnderRoot().get(2));
    assertThat(temp.getFileName().toString()).matches(String.format(TEMP_NAME, "c\\.jsonl"));

    assertThat(mode(temp)).isEqualTo("rw-------");
    upload.commit();

    assertThat(mode(root.resolve("p/q/c.jsonl"))).isEqualTo("rw-------");
    assertThat(mode(root.resolve("p"))).isEqualTo("rwx------");
    assertThat(mode(root.resolve("p/q"))).isEqualTo("rwx------");
    assertThat(mode(root)).as("the root, which create() made").isEqualTo("rwx------");
  }

  @Test
  void aRootThatExistsKeepsItsMode() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-x---"));

    LocalBlobStore.create(LocalStorageConfig.builder(shared).build());

    assertThat(mode(shared)).isEqualTo("rwxr-x---");
  }
}
