package dev.fdbe.spi;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where a run's files are stored. Keys are relative paths of {@code [A-Za-z0-9._=-]} segments
 * joined by {@code /}. Implementations are thread-safe. Every method throws
 * {@link dev.fdbe.ExportException} when the store fails, with {@code isRetryable()} set when
 * trying again later may work. Its message may reach the run's users (its log and error), so it
 * names the store by {@link #describe()} and objects by key; paths and hosts belong in the cause
 * and the SLF4J log.
 *
 * <p>Optional abilities have their own interfaces, tested with {@code instanceof}:
 * {@link DownloadLinkSigner} for time-limited download links.
 */
public interface BlobStore {
  /** Starts writing an object under the key; it is visible only once committed. */
  BlobUpload beginUpload(String key);

  /** The stored object under the key, or empty when there is none. */
  Optional<BlobInfo> stat(String key);

  /**
   * Opens a stored object for reading.
   *
   * @throws dev.fdbe.ExportException when there is no object under the key (not retryable)
   */
  InputStream open(String key);

  /** The stored objects whose keys start with the prefix, sorted by key. */
  List<BlobInfo> list(String prefix);

  /** Deletes the object under the key; deleting a missing object does nothing. */
  void delete(String key);

  /** Deletes every object whose key starts with the prefix; idempotent. */
  void deleteByPrefix(String prefix);

  /**
   * Where the objects go, as the user configured it, for run logs and the messages users read: e.g.
   * {@code "local storage"} or {@code "S3 bucket s3://acme-exports/fdbe/ (region eu-west-1)"}. It
   * never names a file system path, a host or an endpoint; {@code toString()} may add those for
   * operators.
   */
  String describe();

  /**
   * Checks that a key is valid: non-empty segments of {@code [A-Za-z0-9._=-]} joined by {@code /},
   * none of them {@code .} or {@code ..}, with no leading or trailing {@code /}.
   *
   * @return the key
   * @throws IllegalArgumentException naming the key when it is not valid
   */
  static String requireValidKey(String key) {
    if (key == null || !BlobKeys.isValid(key)) {
      throw new IllegalArgumentException("invalid blob key '" + key
          + "': keys are segments of letters, digits, '.', '_', '=' and '-' joined by '/'");
    }
    return key;
  }

  /**
   * Checks that a prefix is valid: empty, or a valid key followed by {@code /}.
   *
   * @return the prefix
   * @throws IllegalArgumentException naming the prefix when it is not valid
   */
  static String requireValidPrefix(String prefix) {
    if (prefix == null || !(prefix.isEmpty()
        || (prefix.endsWith("/") && BlobKeys.isValid(prefix.substring(0, prefix.length() - 1))))) {
      throw new IllegalArgumentException("invalid blob key prefix '" + prefix
          + "': a prefix is empty or a valid key followed by '/'");
    }
    return prefix;
  }
}
