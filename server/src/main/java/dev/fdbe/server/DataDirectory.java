package dev.fdbe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The server's data directory, private to its owner, and the claim one process holds on it.
 *
 * <p>The directory is {@code 0700}: created so, or tightened at start with a warning when an
 * existing one lets others in. Files fdbe keeps there that hold secrets are {@code 0600}.
 *
 * <p>A process that opens the embedded database ({@code serve}, {@code example-export}, or a
 * {@code keys} command when no server runs) first takes an exclusive lock on {@code server.lock}
 * and records itself in {@code server.json} (pid, command, and for {@code serve} the loopback URL
 * and the admin token the {@code keys} commands use). The operating system releases the lock when
 * the process ends, however it ends, so a stale {@code server.json} never blocks anyone: it is only
 * read while its writer still holds the lock.
 */
final class DataDirectory implements AutoCloseable {
  static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
  static final String LOCK_FILE = "server.lock";
  static final String HOLDER_FILE = "server.json";

  /** The directories this process holds, so that it never opens a second channel on their lock files. */
  private static final Set<Path> CLAIMED_HERE = ConcurrentHashMap.newKeySet();

  final Path path;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDirectory(Path path, FileChannel lockChannel, FileLock lock) {
    this.path = path;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Who holds a data directory: the process, what it runs, and for a server the URL and token of
   * its key administration.
   */
  record Holder(long pid, String command, Instant since, @Nullable URI adminUrl, @Nullable String adminToken) {
    /** For messages: {@code the fdbe server (pid 4711, serving http://127.0.0.1:8000, since ...)}. */
    String describe() {
      String what = command.equals("serve") ? "the fdbe server" : "fdbe " + command;
      return what + " (pid " + pid + (adminUrl == null ? "" : ", serving " + adminUrl) + ", since " + since + ")";
    }
  }

  /** Thrown when another process holds the data directory; the message names the holder. */
  static final class HeldException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient @Nullable Holder holder;

    HeldException(String message, @Nullable Holder holder) {
      super(message);
      this.holder = holder;
    }

    Optional<Holder> holder() {
      return Optional.ofNullable(holder);
    }
  }

  /**
   * Makes the directory private ({@link #makePrivate}) and claims it for this process.
   *
   * @param command what this process runs there, for the messages others see
   * @throws HeldException when another process (or another part of this one) holds the directory
   * @throws UncheckedIOException when the directory cannot be created or locked
   */
  static DataDirectory claim(Path directory, String command, PrintStream warnings) {
    Path path = makePrivate(directory, warnings);
    // Note: closing any channel on a locked file drops the whole process's lock on it (POSIX
    // record locks), so this process never opens a second channel on a lock file it holds.
    if (!CLAIMED_HERE.add(path)) {
      throw held(path);
    }
    Path lockFile = path.resolve(LOCK_FILE);
    FileChannel channel;
    FileLock lock;
    try {
      channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          privateFileAttributes());
      try {
        lock = channel.tryLock();
      } catch (IOException | OverlappingFileLockException e) {
        closeQuietly(channel);
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      CLAIMED_HERE.remove(path);
      throw e instanceof IOException io ? new UncheckedIOException("cannot lock " + lockFile, io)
          : (RuntimeException) e;
    }
    if (lock == null) {
      closeQuietly(channel);
      CLAIMED_HERE.remove(path);
      throw held(path);
    }
    DataDirectory claimed = new DataDirectory(path, channel, lock);
    claimed.record(new Holder(ProcessHandle.current().pid(), command, Instant.now(), null, null));
    return claimed;
  }

  private static HeldException held(Path path) {
    Holder holder = readHolder(path).orElse(null);
    return new HeldException("the data directory " + path + " is in use by "
        + (holder == null ? "another fdbe process that is still starting" : holder.describe())
        + "; stop it first, or choose another --data-dir", holder);
  }

  /**
   * Creates the directory {@code 0700}, or tightens an existing one that others can read, write or
   * enter, printing a warning; on file systems without POSIX permissions it only creates it.
   *
   * @return the absolute, normalised path
   */
  static Path makePrivate(Path directory, PrintStream warnings) {
    Path path = directory.toAbsolutePath().normalize();
    try {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        if (path.getParent() != null) {
          Files.createDirectories(path.getParent());
        }
        Files.createDirectory(path, privateDirectoryAttributes());
        return path;
      }
      if (!posix()) {
        return path;
      }
      Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
      if (!current.equals(PRIVATE_DIRECTORY)) {
        Files.setPosixFilePermissions(path, PRIVATE_DIRECTORY);
        if (current.stream().anyMatch(p -> !PRIVATE_DIRECTORY.contains(p))) {
          warnings.println("Warning: the data directory " + path + " was open to others ("
              + PosixFilePermissions.toString(current) + "); fdbe made it private (rwx------)");
        }
      }
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + path + " (" + e.getMessage() + ")", e);
    }
  }

  /** Makes a file that fdbe keeps private ({@code 0600}), if it exists and the file system knows modes. */
  static void makeFilePrivate(Path file) {
    if (!posix() || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      if (!Files.getPosixFilePermissions(file).equals(PRIVATE_FILE)) {
        Files.setPosixFilePermissions(file, PRIVATE_FILE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + file + " private", e);
    }
  }

  /** Records what this process does here, replacing the file atomically ({@code 0600}). */
  void record(Holder holder) {
    ObjectNode json = JsonBodies.MAPPER.createObjectNode()
        .put("pid", holder.pid())
        .put("command", holder.command())
        .put("since", holder.since().toString());
    if (holder.adminUrl() != null) {
      json.put("admin_url", holder.adminUrl().toString());
    }
    if (holder.adminToken() != null) {
      json.put("admin_token", holder.adminToken());
    }
    Path target = path.resolve(HOLDER_FILE);
    Path temp = path.resolve(HOLDER_FILE + ".tmp");
    try {
      Files.deleteIfExists(temp);
      Files.write(Files.createFile(temp, privateFileAttributes()),
          JsonBodies.MAPPER.writeValueAsBytes(json));
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  /** The holder recorded in the directory, if the file is there and readable. */
  static Optional<Holder> readHolder(Path directory) {
    Path file = directory.resolve(HOLDER_FILE);
    try {
      JsonNode json = JsonBodies.MAPPER.readTree(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
      String url = json.path("admin_url").asText(null);
      return Optional.of(new Holder(json.path("pid").asLong(), json.path("command").asText("?"),
          Instant.parse(json.path("since").asText()), url == null ? null : URI.create(url),
          json.path("admin_token").asText(null)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Gives the directory up: removes {@code server.json} and releases the lock. Idempotent. */
  @Override
  public synchronized void close() {
    if (!lockChannel.isOpen()) {
      return;
    }
    try {
      Files.deleteIfExists(path.resolve(HOLDER_FILE));
    } catch (IOException e) {
      // Harmless: the file is only read while its writer holds the lock.
    }
    try {
      lock.release();
    } catch (IOException e) {
      // Closing the channel below releases it too.
    }
    closeQuietly(lockChannel);
    CLAIMED_HERE.remove(path);
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<?>[] privateFileAttributes() {
    return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE_FILE)}
        : new FileAttribute<?>[0];
  }

  private static FileAttribute<?>[] privateDirectoryAttributes() {
    return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY)}
        : new FileAttribute<?>[0];
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to add
    }
  }
}
