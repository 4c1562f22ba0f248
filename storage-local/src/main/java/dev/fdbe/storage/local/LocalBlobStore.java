package dev.fdbe.storage.local;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.DownloadLinkSigner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} on a local directory, with HMAC-signed download links. The object under key
 * {@code a/b/c.jsonl} is the file {@code <root>/a/b/c.jsonl}.
 *
 * <pre>{@code
 * LocalBlobStore store = LocalBlobStore.create(LocalStorageConfig.builder(Path.of("/var/fdbe/files")).build());
 * URI link = store.signedLink("1/run/00000.jsonl", "00000.jsonl", Instant.now().plus(Duration.ofHours(1)));
 * // in the HTTP server of the link base URL:
 * DownloadResponse answer = new LocalDownloadHandler(store, Clock.systemUTC())
 *     .handle(method, pathAfterBase, rawQuery, requestHeaders::getFirst);
 * }</pre>
 *
 * <p><b>Writing.</b> An upload writes a hidden temporary file ({@code .<name>.<random>.tmp}) in the
 * target's directory, forces it to disk on commit and renames it over the target atomically, so a
 * reader sees the old object or the new one, never a mix; past the page cache (direct I/O) where
 * the file system allows it. A process that dies mid-upload leaves a temporary file; it is never
 * listed, and {@link #deleteByPrefix} removes it.
 *
 * <p><b>Permissions.</b> Exported data is private to the account the store runs as: where the file
 * system has POSIX permissions, temporary files (and so the objects renamed from them) and the link
 * signing key are created with mode 0600, and the directories the store creates, the root included,
 * with 0700 (less whatever the umask removes). A root that already exists keeps its mode. Other file
 * systems get their defaults.
 *
 * <p><b>Keys.</b> Besides the rules of {@link BlobStore#requireValidKey}, no key segment may start
 * with {@code .}: such names are kept for temporary files and for {@code <root>/.fdbe}, where the
 * store keeps its link signing key. Empty directories are removed as objects are deleted. Note: on a
 * case-insensitive file system, keys that differ only in case name the same object.
 *
 * <p><b>Links.</b> {@link #signedLink} makes {@code <linkBaseUrl>/<key>?filename=<name>&expires=<epoch
 * seconds>&signature=<base64url HMAC-SHA256>}; whoever serves {@code linkBaseUrl} answers a request
 * with a {@link LocalDownloadHandler}, which checks it with {@link #verifyLink(String, String, Instant)}
 * and sends the file (or a range of it). The secret is
 * the configured one or, by default, one made on first use and kept in
 * {@code <root>/.fdbe/link-signing-key}, so links survive restarts and every store on the same root
 * accepts them.
 *
 * <p>Thread-safe; several processes may share a root. Methods throw {@link ExportException} when
 * the file system fails: not retryable for access denied, a missing root or an object where a
 * directory is needed, retryable otherwise. Messages may reach users (a run's log and error, an HTTP
 * answer), so they name the store as "local storage" and objects by key, never by path; the
 * exception's cause and the SLF4J log have the paths, for operators.
 */
public final class LocalBlobStore implements BlobStore, DownloadLinkSigner {
  private static final Logger LOG = LoggerFactory.getLogger(LocalBlobStore.class);
  static final String INTERNAL_DIR_NAME = ".fdbe";
  static final String KEY_FILE_NAME = INTERNAL_DIR_NAME + "/link-signing-key";
  /** What {@link #describe()} says. */
  static final String DESCRIPTION = "local storage";

  private static final int MAX_UPLOAD_ATTEMPTS = 10;
  private static final int MAX_TEMP_NAME_PREFIX = 100;

  private final Path root;
  private final Path internalDir;
  private final DownloadLinks links;
  /** Package-private for tests of the page cache's path. */
  final TempFiles tempFiles;

  private LocalBlobStore(Path root, LocalStorageConfig config) {
    this.root = root;
    this.tempFiles = new TempFiles(root);
    this.internalDir = root.resolve(INTERNAL_DIR_NAME);
    this.links = new DownloadLinks(this, config);
  }

  /**
   * A store as configured: creates the root directory if it is missing and, unless the config
   * carries a signing key, reads {@code <root>/.fdbe/link-signing-key}, making it first if needed.
   * The store works on the root's real path, so a root that is a symbolic link keeps its target
   * for the store's life. Directories it creates are owner-only (see the class comment).
   *
   * @throws ExportException when the root or the key file cannot be made or read; the SLF4J log
   *     names the path, the message does not
   */
  public static LocalBlobStore create(LocalStorageConfig config) {
    Objects.requireNonNull(config, "config");
    Path root;
    try {
      Files.createDirectories(config.root(), OwnerOnly.directory(config.root()));
      root = config.root().toRealPath();
    } catch (IOException e) {
      LOG.warn("cannot create the local storage root {}", config.root(), e);
      throw FileSystemFailures.of("cannot create the root directory of " + DESCRIPTION, e);
    }
    return new LocalBlobStore(root, config);
  }

  /** The directory holding the objects: the configured root's real path. */
  public Path root() {
    return root;
  }

  /** The URL that download links start with, without a trailing {@code /}. */
  public URI linkBaseUrl() {
    return links.baseUrl();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Creates the key's directories and its temporary file at once, so that a missing or
   * read-only root fails here rather than at commit.
   *
   * @throws IllegalArgumentException naming the key when it is invalid or a segment starts with {@code .}
   * @throws ExportException when the file cannot be created, e.g. because an object is stored
   *     where the key needs a directory (not retryable)
   */
  @Override
  public BlobUpload beginUpload(String key) {
    requireLocalKey(key);
    Path target = resolve(key);
    Path dir = target.getParent();
    String name = target.getFileName().toString();
    for (int attempt = 1; ; attempt++) {
      requireRoot();
      Path temp = dir.resolve(tempName(name));
      try {
        Files.createDirectories(dir, OwnerOnly.directory(dir));
        return tempFiles.begin(this, key, target, temp);
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        // A concurrent delete pruned the directory just made, or the random name was taken.
        if (attempt == MAX_UPLOAD_ATTEMPTS || (e instanceof FileAlreadyExistsException && !Files.isDirectory(dir))) {
          throw failure("begin an upload of", key, target, e);
        }
      } catch (IOException e) {
        throw failure("begin an upload of", key, target, e);
      }
    }
  }

  /**
   * {@inheritDoc} Temporary files and symbolic links are not objects.
   *
   * @throws IllegalArgumentException naming the key when it is invalid or a segment starts with {@code .}
   */
  @Override
  public Optional<BlobInfo> stat(String key) {
    requireLocalKey(key);
    Path path = resolve(key);
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attributes.isRegularFile() ? Optional.of(new BlobInfo(key, attributes.size())) : Optional.empty();
    } catch (NoSuchFileException e) {
      requireRoot();
      return Optional.empty();
    } catch (IOException e) {
      if (objectAbove(path) != null) {
        return Optional.empty();
      }
      throw failure("stat", key, path, e);
    }
  }

  /**
   * {@inheritDoc} The stream reads the file directly; the caller closes it. An object replaced
   * while it is read keeps its old bytes for this stream.
   *
   * @throws IllegalArgumentException naming the key when it is invalid or a segment starts with {@code .}
   */
  @Override
  public InputStream open(String key) {
    requireLocalKey(key);
    Path path = resolve(key);
    try {
      if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
        throw missing(key, null);
      }
      return Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      requireRoot();
      throw missing(key, e);
    } catch (IOException e) {
      if (objectAbove(path) != null) {
        throw missing(key, e);
      }
      throw failure("open", key, path, e);
    }
  }

  /**
   * {@inheritDoc} Temporary files, files under directories whose names start with {@code .}, and
   * files whose names are not valid keys are skipped. Objects committed or deleted while the listing
   * runs may or may not appear.
   *
   * @throws IllegalArgumentException naming the prefix when it is invalid or a segment starts with {@code .}
   */
  @Override
  public List<BlobInfo> list(String prefix) {
    requireLocalPrefix(prefix);
    Path dir = resolve(prefix);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      requireRoot();
      return List.of();
    }
    List<BlobInfo> found = new ArrayList<>();
    try {
      Files.walkFileTree(dir, new TolerantVisitor() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) {
          return d.equals(dir) || !isHidden(d) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (attributes.isRegularFile() && !isHidden(file)) {
            String key = keyOf(file);
            if (isLocalKey(key)) {
              found.add(new BlobInfo(key, attributes.size()));
            }
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw failure("list", prefix, dir, e);
    }
    found.sort(Comparator.comparing(BlobInfo::key));
    return found;
  }

  /**
   * {@inheritDoc} Also removes the directories of the key that it leaves empty, up to the root.
   *
   * @throws IllegalArgumentException naming the key when it is invalid or a segment starts with {@code .}
   */
  @Override
  public void delete(String key) {
    requireLocalKey(key);
    Path path = resolve(key);
    try {
      if (Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
        return;
      }
      Files.deleteIfExists(path);
    } catch (NoSuchFileException e) {
      requireRoot();
    } catch (IOException e) {
      if (objectAbove(path) != null) {
        return;
      }
      throw failure("delete", key, path, e);
    }
    pruneEmptyDirectories(path.getParent());
  }

  /**
   * {@inheritDoc} Deletes every file under the prefix, temporary files included, so that
   * uploads a crashed process left behind go too; an upload in flight under the prefix then fails
   * to commit. Removes the directories it leaves empty, never the root nor {@code <root>/.fdbe}.
   *
   * @throws IllegalArgumentException naming the prefix when it is invalid or a segment starts with {@code .}
   */
  @Override
  public void deleteByPrefix(String prefix) {
    requireLocalPrefix(prefix);
    Path dir = resolve(prefix);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      requireRoot();
      return;
    }
    try {
      Files.walkFileTree(dir, new TolerantVisitor() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) {
          return d.equals(internalDir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e) throws IOException {
          super.postVisitDirectory(d, e);
          removeIfEmpty(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw failure("delete the objects under", prefix, dir, e);
    }
    pruneEmptyDirectories(dir.getParent());
  }

  /** {@code local storage}: users configured no more than that, and the root's path is the operator's. */
  @Override
  public String describe() {
    return DESCRIPTION;
  }

  /** {@code local storage at <root>}, for operators. */
  @Override
  public String toString() {
    return DESCRIPTION + " at " + root;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The link is {@code <linkBaseUrl>/<key>?filename=<name>&expires=<epoch seconds>&signature=<sig>},
   * the file name percent-encoded (UTF-8, spaces as {@code %20}) and the signature the unpadded
   * base64url HMAC-SHA256 of {@code key + "\n" + fileName + "\n" + expires}. The expiry is rounded
   * down to whole seconds. Whether the object exists is checked when the link is fetched, not here.
   *
   * @throws IllegalArgumentException naming the value when the key is invalid, the file name is
   *     empty or holds a control character, {@code /}, {@code \} or {@code "}, or {@code expiresAt}
   *     is before 1970
   */
  @Override
  public URI signedLink(String key, String fileName, Instant expiresAt) {
    requireLocalKey(key);
    DownloadLinkSigner.requireValidArguments(key, fileName, expiresAt);
    return links.sign(key, fileName, expiresAt);
  }

  /**
   * Checks a download link from its decoded parts and finds its object. The signature is checked
   * first, in constant time, then the expiry, then the object; the link is valid while {@code now}
   * is before its expiry. Thread-safe.
   *
   * <p>Note: the object may still be deleted between this check and reading the file; a server then
   * answers as for {@link InvalidLinkException.Reason#GONE}.
   *
   * @param key the key, the link's path after the base URL
   * @param fileName the decoded {@code filename} parameter
   * @param expires the {@code expires} parameter, epoch seconds
   * @param signature the {@code signature} parameter
   * @param now the time to check the expiry against
   * @return the object to send, with the file name to send it under
   * @throws InvalidLinkException when the link is malformed, its signature does not match (it was
   *     changed, or made by a store with another secret), it expired, or its object is gone;
   *     {@link InvalidLinkException#reason()} tells which
   * @throws ExportException when the object's file cannot be checked
   */
  public VerifiedDownload verifyLink(String key, String fileName, String expires, String signature, Instant now) {
    return links.verify(key, fileName, expires, signature, now);
  }

  /**
   * Checks a download link as it arrives in an HTTP request: the path after the link base URL
   * (with or without a leading {@code /}; the key needs no decoding) and the raw, still
   * percent-encoded query. The query must hold {@code filename}, {@code expires} and
   * {@code signature} exactly once each and nothing else, strictly percent-encoded as UTF-8.
   * Otherwise as {@link #verifyLink(String, String, String, String, Instant)}.
   *
   * @param path the request path after the link base URL's path, e.g. {@code 1/run/00000.jsonl}
   * @param rawQuery the request's raw query, or null when it has none
   * @param now the time to check the expiry against
   * @throws InvalidLinkException when the link is malformed, tampered with, expired or its object is gone
   * @throws ExportException when the object's file cannot be checked
   */
  public VerifiedDownload verifyLink(String path, @Nullable String rawQuery, Instant now) {
    return links.verify(path, rawQuery, now);
  }

  // ------------------------------------------------------------------ keys and paths

  private static void requireLocalKey(String key) {
    BlobStore.requireValidKey(key);
    if (hasHiddenSegment(key)) {
      throw new IllegalArgumentException("invalid blob key '" + key + "': local storage refuses key segments "
          + "starting with '.', which it keeps for temporary and internal files");
    }
  }

  private static void requireLocalPrefix(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    if (hasHiddenSegment(prefix)) {
      throw new IllegalArgumentException("invalid blob key prefix '" + prefix + "': local storage refuses key "
          + "segments starting with '.', which it keeps for temporary and internal files");
    }
  }

  private static boolean hasHiddenSegment(String keyOrPrefix) {
    return keyOrPrefix.startsWith(".") || keyOrPrefix.contains("/.");
  }

  static boolean isLocalKey(String key) {
    try {
      requireLocalKey(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isHidden(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  /** The path of a validated key or prefix; the check against the root is defence in depth. */
  Path resolve(String keyOrPrefix) {
    Path path = root.resolve(keyOrPrefix).normalize();
    if (!path.startsWith(root) || path.startsWith(internalDir)) {
      LOG.warn("blob key '{}' resolves to {}, outside the objects under {}", keyOrPrefix, path, root);
      throw new IllegalArgumentException("blob key '" + keyOrPrefix + "' resolves outside the objects of "
          + describe());
    }
    return path;
  }

  private String keyOf(Path file) {
    StringBuilder key = new StringBuilder();
    for (Path name : root.relativize(file)) {
      if (key.length() > 0) {
        key.append('/');
      }
      key.append(name);
    }
    return key.toString();
  }

  private static String tempName(String name) {
    String start = name.length() > MAX_TEMP_NAME_PREFIX ? name.substring(0, MAX_TEMP_NAME_PREFIX) : name;
    return "." + start + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp";
  }

  /** The nearest regular file among the path's ancestors below the root, or null when there is none. */
  private @Nullable Path objectAbove(Path path) {
    for (Path p = path.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        return p;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ directories

  private void requireRoot() {
    if (!Files.isDirectory(root)) {
      LOG.warn("the local storage root {} is missing or not a directory", root);
      throw new ExportException("the root of " + describe() + " is missing or not a directory", false);
    }
  }

  /** Removes the directory and its ancestors below the root while they are empty; best effort. */
  private void pruneEmptyDirectories(Path dir) {
    for (Path p = dir; p.startsWith(root) && !p.equals(root) && !p.equals(internalDir); p = p.getParent()) {
      if (!removeIfEmpty(p)) {
        return;
      }
    }
  }

  /**
   * Removes the directory if it is empty; true when it is gone. Best effort: a directory that stays
   * holds no object, so a failure here never fails the delete that asked for it.
   */
  private boolean removeIfEmpty(Path dir) {
    if (dir.equals(root) || dir.equals(internalDir)) {
      return false;
    }
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
      }
      Files.delete(dir);
      return true;
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Forces a directory's entries to disk after a rename in it. Best effort: not every platform can
   * open a directory (Windows cannot); the rename is atomic either way, only its durability across
   * a power cut is weaker.
   */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // see above
    }
  }

  // ------------------------------------------------------------------ errors

  private ExportException missing(String key, @Nullable IOException cause) {
    String message = "no object '" + key + "' in " + describe();
    return cause == null ? new ExportException(message, false) : new ExportException(message, cause, false);
  }

  /** A file system failure while acting on a key or prefix; the message names the key, the log the path. */
  ExportException failure(String action, String key, Path path, IOException e) {
    LOG.debug("cannot {} '{}' at {}", action, key, path, e);
    Path object = objectAbove(path);
    if (object != null) {
      return new ExportException("cannot " + action + " '" + key + "' in " + describe() + ": '" + keyOf(object)
          + "' is an object, not a directory", e, false);
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      return new ExportException("cannot " + action + " '" + key + "' in " + describe() + ": '" + key
          + "' holds other objects (as a prefix), so it cannot be an object itself", e, false);
    }
    if (e instanceof NoSuchFileException && !Files.isDirectory(root)) {
      LOG.warn("the local storage root {} is missing or not a directory", root);
      return new ExportException("cannot " + action + " '" + key + "': the root of " + describe()
          + " is missing or not a directory", e, false);
    }
    return FileSystemFailures.of("cannot " + action + " '" + key + "' in " + describe(), e);
  }

  /** Walks on when an entry vanishes meanwhile: another process may be deleting under the same root. */
  private static class TolerantVisitor extends SimpleFileVisitor<Path> {
    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
      if (e instanceof NoSuchFileException) {
        return FileVisitResult.CONTINUE;
      }
      throw e;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e) throws IOException {
      if (e != null && !(e instanceof NoSuchFileException)) {
        throw e;
      }
      return FileVisitResult.CONTINUE;
    }
  }
}
