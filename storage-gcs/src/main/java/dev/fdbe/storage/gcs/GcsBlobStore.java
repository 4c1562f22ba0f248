package dev.fdbe.storage.gcs;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.BaseServiceException;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageBatch;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.DownloadLinkSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlobStore} on a Google Cloud Storage bucket, with V4 signed download links. The object
 * of key {@code k} is {@code gs://<bucket>/<keyPrefix>/k} ({@code gs://<bucket>/k} without a
 * prefix).
 *
 * <pre>{@code
 * GcsBlobStore store = GcsBlobStore.create(GcsStorageConfig.builder("my-exports").keyPrefix("fdbe").build());
 * URI link = store.signedLink("1/run/00000.parquet", "00000.parquet", Instant.now().plus(Duration.ofHours(1)));
 * }</pre>
 *
 * <p><b>Writing.</b> An upload is a resumable upload session written through the client's
 * {@link WriteChannel} in chunks of {@link GcsStorageConfig#chunkSizeBytes()}, so an upload holds
 * about one chunk in memory whatever the object's size. Cloud Storage creates the object only
 * when the session is finalized, on commit; an aborted upload is never finalized and leaves no
 * object (the unfinished session lapses on the service's side after a week). Commit then checks
 * the object's size, CRC32C and, when the service reports it, MD5 against what was written; a
 * mismatch deletes the object and is a retryable {@link ExportException}.
 *
 * <p><b>Expiry.</b> {@link BlobInfo#expiresAt()} is when the bucket's lifecycle deletes the object:
 * its creation time plus the age of the first lifecycle Delete rule that applies to it, no earlier
 * than its retention (bucket policy or object lock) ends. Without such a rule, or when the
 * credentials may not read the bucket's settings, it is null and the engine's own retention
 * applies. The bucket's settings are read at most every {@link #RULES_REFRESH}.
 *
 * <p><b>Errors.</b> The client retries transient failures itself, by its retry settings (a store
 * that builds its own client retries every operation, which is safe here: each attempt writes
 * under its own keys and deletes are idempotent). What still fails becomes a
 * {@link ExportException} naming the bucket and object: retryable for timeouts, throttling
 * (408, 429), server errors (5xx) and network failures; not retryable for a missing bucket or
 * object, denied access (401, 403) and invalid requests.
 *
 * <p>Thread-safe.
 */
public final class GcsBlobStore implements BlobStore, DownloadLinkSigner {
  /** The longest lifetime a V4 signed URL may have: 7 days. Longer requests get this lifetime. */
  public static final Duration MAX_LINK_LIFETIME = Duration.ofDays(7);

  /** How long the bucket's lifecycle and retention settings are trusted before they are read again. */
  public static final Duration RULES_REFRESH = Duration.ofMinutes(5);

  /** How many objects one batch request deletes; Cloud Storage takes at most 100 calls per batch. */
  static final int DELETE_BATCH_SIZE = 100;

  private final Storage storage;
  private final String bucket;
  private final String keyPrefix;
  private final int chunkSizeBytes;
  private final @Nullable ServiceAccountSigner linkSigner;
  private final @Nullable String linkHost;
  private final Clock clock;
  private final Object rulesLock = new Object();
  private @Nullable DeletionRules rules;
  private @Nullable Instant rulesReadAt;

  private GcsBlobStore(GcsStorageConfig config, Storage storage) {
    this.storage = storage;
    this.bucket = config.bucket();
    this.keyPrefix = config.keyPrefix();
    this.chunkSizeBytes = config.chunkSizeBytes();
    this.clock = config.clock();
    ServiceAccountSigner signer = config.linkSigner().orElse(null);
    if (signer == null && storage.getOptions().getCredentials() instanceof ServiceAccountSigner own) {
      signer = own;
    }
    this.linkSigner = signer;
    this.linkHost = config.endpoint().map(URI::getRawAuthority).orElseGet(() -> hostWithPort(storage));
  }

  /**
   * The host and port of a given client's endpoint when it names a port, or null. The client signs
   * links to its endpoint's host but drops the port, which an emulator's links need.
   */
  private static @Nullable String hostWithPort(Storage storage) {
    String host = storage.getOptions().getHost();
    if (host == null) {
      return null;
    }
    try {
      URI uri = new URI(host);
      return uri.getPort() >= 0 ? uri.getRawAuthority() : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /**
   * A store as configured: the given client, or one built from the settings. Building reads the
   * credentials (the key file, or Application Default Credentials) but sends no request.
   *
   * @throws ExportException naming the file when the key file cannot be read or is not a
   *     service-account key, or when no credentials are given and none can be found (not retryable)
   */
  public static GcsBlobStore create(GcsStorageConfig config) {
    Objects.requireNonNull(config, "config");
    return new GcsBlobStore(config, config.storage().orElseGet(() -> client(config)));
  }

  private static Storage client(GcsStorageConfig config) {
    HttpStorageOptions.Builder options = StorageOptions.http()
        .setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy());
    config.projectId().ifPresent(options::setProjectId);
    config.endpoint().ifPresent(endpoint -> options.setHost(endpoint.toString()));
    options.setCredentials(credentials(config));
    return options.build().getService();
  }

  private static com.google.auth.Credentials credentials(GcsStorageConfig config) {
    if (config.credentials().isPresent()) {
      return config.credentials().get();
    }
    if (config.credentialsFile().isPresent()) {
      var file = config.credentialsFile().get();
      try (InputStream in = Files.newInputStream(file)) {
        return ServiceAccountCredentials.fromStream(in);
      } catch (IOException e) {
        throw new ExportException("cannot read the service-account key " + file + " for gs://" + config.bucket()
            + ": " + e.getMessage(), e, false);
      }
    }
    if (config.endpoint().isPresent()) {
      // An emulator needs no credentials, and a developer's machine may have none.
      return NoCredentials.getInstance();
    }
    try {
      return GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      throw new ExportException("no credentials for gs://" + config.bucket() + ": Application Default Credentials "
          + "were not found (" + e.getMessage() + "); set GOOGLE_APPLICATION_CREDENTIALS or give a key file", e,
          false);
    }
  }

  /** The bucket that holds the objects. */
  public String bucket() {
    return bucket;
  }

  /** What every object name starts with, without a trailing {@code /}; empty for none. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Starts the resumable upload session at once, so that a missing bucket or missing
   * permission fails here, as a non-retryable {@link ExportException}, before anything is
   * written.
   *
   * @throws IllegalArgumentException naming the key when it is invalid
   */
  @Override
  public BlobUpload beginUpload(String key) {
    BlobStore.requireValidKey(key);
    String name = objectName(key);
    WriteChannel channel;
    try {
      channel = storage.writer(com.google.cloud.storage.BlobInfo.newBuilder(bucket, name).build());
      channel.setChunkSize(chunkSizeBytes);
    } catch (RuntimeException e) {
      throw failure("start uploading", name, e);
    }
    return new GcsUpload(this, key, name, channel);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException naming the key when it is invalid
   */
  @Override
  public Optional<BlobInfo> stat(String key) {
    BlobStore.requireValidKey(key);
    String name = objectName(key);
    Blob blob;
    try {
      blob = storage.get(BlobId.of(bucket, name));
    } catch (RuntimeException e) {
      throw failure("look up", name, e);
    }
    return isObject(blob) ? Optional.of(info(key, blob, rules())) : Optional.empty();
  }

  /**
   * {@inheritDoc} The stream reads the generation that is current now, so an object replaced
   * meanwhile does not mix into it; the caller closes it.
   *
   * @throws IllegalArgumentException naming the key when it is invalid
   */
  @Override
  public InputStream open(String key) {
    BlobStore.requireValidKey(key);
    String name = objectName(key);
    try {
      Blob blob = storage.get(BlobId.of(bucket, name));
      if (!isObject(blob)) {
        throw new ExportException("no object '" + key + "' in " + describe() + " (gs://" + bucket + "/" + name + ")",
            false);
      }
      ReadChannel reader = storage.reader(BlobId.of(bucket, name, blob.getGeneration()));
      return Channels.newInputStream(reader);
    } catch (BaseServiceException | UncheckedIOException e) {
      throw failure("read", name, e);
    }
  }

  /**
   * {@inheritDoc} Objects under the key prefix whose remaining name is not a valid key are not
   * listed.
   *
   * @throws IllegalArgumentException naming the prefix when it is invalid
   */
  @Override
  public List<BlobInfo> list(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    List<Blob> blobs = listObjects(prefix);
    DeletionRules current = blobs.isEmpty() ? DeletionRules.NONE : rules();
    List<BlobInfo> found = new ArrayList<>(blobs.size());
    for (Blob blob : blobs) {
      String key = keyOf(blob.getName());
      if (key != null) {
        found.add(info(key, blob, current));
      }
    }
    found.sort(Comparator.comparing(BlobInfo::key));
    return found;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException naming the key when it is invalid
   */
  @Override
  public void delete(String key) {
    BlobStore.requireValidKey(key);
    deleteObject(objectName(key));
  }

  /** Deletes the object of a name with the client's retries; one that is gone counts as deleted. */
  private void deleteObject(String name) {
    try {
      storage.delete(BlobId.of(bucket, name));
    } catch (RuntimeException e) {
      if (!isNotFound(e)) {
        throw failure("delete", name, e);
      }
    }
  }

  /**
   * {@inheritDoc} Lists the objects under the prefix and deletes them in batch requests of
   * {@value #DELETE_BATCH_SIZE}; an object that failed in a batch with a transient error is deleted
   * once more on its own, with the client's retries. Objects written under the prefix meanwhile may
   * stay.
   *
   * @throws IllegalArgumentException naming the prefix when it is invalid
   * @throws ExportException naming the first object that could not be deleted
   */
  @Override
  public void deleteByPrefix(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    List<Blob> blobs = listObjects(prefix);
    for (int start = 0; start < blobs.size(); start += DELETE_BATCH_SIZE) {
      List<Blob> batch = blobs.subList(start, Math.min(blobs.size(), start + DELETE_BATCH_SIZE));
      deleteBatch(batch);
    }
  }

  private void deleteBatch(List<Blob> blobs) {
    List<String> retry = new ArrayList<>();
    List<RuntimeException> permanent = new ArrayList<>();
    List<String> permanentNames = new ArrayList<>();
    StorageBatch batch;
    try {
      batch = storage.batch();
      for (Blob blob : blobs) {
        batch.delete(BlobId.of(bucket, blob.getName())).notify(new com.google.cloud.BatchResult.Callback<>() {
          @Override
          public void success(Boolean deleted) {
            // false: deleted meanwhile by someone else, which is what we wanted
          }

          @Override
          public void error(com.google.cloud.storage.StorageException e) {
            if (isNotFound(e)) {
              return;
            }
            if (isRetryable(e)) {
              retry.add(blob.getName());
            } else {
              permanent.add(e);
              permanentNames.add(blob.getName());
            }
          }
        });
      }
      batch.submit();
    } catch (RuntimeException e) {
      throw failure("delete the objects under", blobs.get(0).getName() + " and " + (blobs.size() - 1) + " more", e);
    }
    if (!permanent.isEmpty()) {
      throw failure("delete", permanentNames.get(0), permanent.get(0));
    }
    for (String name : retry) {
      deleteObject(name);
    }
  }

  /** {@code Google Cloud Storage gs://<bucket>/<keyPrefix>/}. */
  @Override
  public String describe() {
    return "Google Cloud Storage gs://" + bucket + "/" + (keyPrefix.isEmpty() ? "" : keyPrefix + "/");
  }

  /** Same as {@link #describe()}. */
  @Override
  public String toString() {
    return describe();
  }

  /**
   * {@inheritDoc}
   *
   * <p>The link is a V4 signed URL for {@code GET} of the object, path style, with
   * {@code response-content-disposition=attachment; filename="<fileName>"} among the signed query
   * parameters, so Cloud Storage sends the object under that name. Its lifetime is the whole
   * seconds from now (by the configured clock) to {@code expiresAt}, at most
   * {@link #MAX_LINK_LIFETIME}, the most V4 allows: a later {@code expiresAt} gets a link that ends
   * earlier. It is signed locally with a service-account key, or through the IAM Credentials API
   * with credentials on Google Cloud. Whether the object exists is checked when the link is used.
   *
   * @throws IllegalArgumentException naming the value when the key is invalid, the file name is
   *     empty or holds a control character, {@code /}, {@code \} or {@code "}, or
   *     {@code expiresAt} is less than a second away
   * @throws ExportException when there are no credentials that can sign (not retryable), or
   *     signing fails
   */
  @Override
  public URI signedLink(String key, String fileName, Instant expiresAt) {
    DownloadLinkSigner.requireValidArguments(key, fileName, expiresAt);
    Instant now = clock.instant();
    long seconds = Duration.between(now, expiresAt).getSeconds();
    if (seconds < 1) {
      throw new IllegalArgumentException("expiresAt must be at least a second after now (" + now + "), got "
          + expiresAt);
    }
    seconds = Math.min(seconds, MAX_LINK_LIFETIME.getSeconds());
    String name = objectName(key);
    if (linkSigner == null) {
      throw new ExportException("cannot sign a download link for gs://" + bucket + "/" + name + ": the credentials "
          + "of " + describe() + " cannot sign; give a service-account key (credentialsFile) or a link signer", false);
    }
    List<Storage.SignUrlOption> options = new ArrayList<>(List.of(
        Storage.SignUrlOption.withV4Signature(),
        Storage.SignUrlOption.httpMethod(HttpMethod.GET),
        Storage.SignUrlOption.withPathStyle(),
        Storage.SignUrlOption.signWith(linkSigner),
        Storage.SignUrlOption.withQueryParams(
            Map.of("response-content-disposition", "attachment; filename=\"" + fileName + "\""))));
    if (linkHost != null) {
      options.add(Storage.SignUrlOption.withHostName(linkHost));
    }
    URL url;
    try {
      url = storage.signUrl(com.google.cloud.storage.BlobInfo.newBuilder(bucket, name).build(), seconds,
          TimeUnit.SECONDS, options.toArray(Storage.SignUrlOption[]::new));
    } catch (ServiceAccountSigner.SigningException e) {
      throw new ExportException("cannot sign a download link for gs://" + bucket + "/" + name + " as "
          + linkSigner.getAccount() + ": " + e.getMessage(), e, false);
    }
    try {
      return url.toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the client made a signed URL that is not a URI: " + url, e);
    }
  }

  // ------------------------------------------------------------------ names

  /** The object name of a validated key. */
  String objectName(String key) {
    return keyPrefix.isEmpty() ? key : keyPrefix + "/" + key;
  }

  /** The key of an object name under the prefix, or null when the rest is not a valid key. */
  private @Nullable String keyOf(String name) {
    String key = keyPrefix.isEmpty() ? name : name.substring(keyPrefix.length() + 1);
    try {
      return BlobStore.requireValidKey(key);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The objects whose names start with the key prefix and then {@code prefix}. */
  private List<Blob> listObjects(String prefix) {
    String namePrefix = keyPrefix.isEmpty() ? prefix : keyPrefix + "/" + prefix;
    List<Blob> blobs = new ArrayList<>();
    try {
      for (Blob blob : storage.list(bucket, Storage.BlobListOption.prefix(namePrefix)).iterateAll()) {
        if (isObject(blob) && blob.getName().startsWith(namePrefix)) {
          blobs.add(blob);
        }
      }
    } catch (RuntimeException e) {
      throw failure("list the objects under", namePrefix, e);
    }
    return blobs;
  }

  /**
   * Whether a listed or looked-up entry is a stored object. Cloud Storage reports a size for every
   * object; an entry without one is not a finished object (Google's in-memory test double lists
   * uploads in progress that way), so it is left out.
   */
  private static boolean isObject(@Nullable Blob blob) {
    return blob != null && blob.getSize() != null;
  }

  BlobInfo info(String key, com.google.cloud.storage.BlobInfo blob, DeletionRules current) {
    return new BlobInfo(key, blob.getSize(), current.deletionTime(blob));
  }

  // ------------------------------------------------------------------ bucket settings

  /**
   * The bucket's deletion rules, read at most every {@link #RULES_REFRESH}. Credentials that may
   * not read the bucket (many object-only roles may not) or a failed read give no rules until the
   * next read: the engine's retention then applies.
   */
  DeletionRules rules() {
    synchronized (rulesLock) {
      Instant now = clock.instant();
      if (rules != null && rulesReadAt != null && now.isBefore(rulesReadAt.plus(RULES_REFRESH))) {
        return rules;
      }
      DeletionRules read;
      try {
        Bucket settings = storage.get(bucket, Storage.BucketGetOption.fields(Storage.BucketField.LIFECYCLE,
            Storage.BucketField.RETENTION_POLICY));
        read = DeletionRules.of(settings);
      } catch (RuntimeException e) {
        read = DeletionRules.NONE;
      }
      rules = read;
      rulesReadAt = now;
      return read;
    }
  }

  // ------------------------------------------------------------------ uploads and errors

  Storage storage() {
    return storage;
  }

  int chunkSizeBytes() {
    return chunkSizeBytes;
  }

  /** A failure of the client while acting on an object, as the {@link ExportException} to throw. */
  ExportException failure(String action, String name, RuntimeException e) {
    if (e instanceof ExportException own) {
      return own;
    }
    String where = "gs://" + bucket + "/" + name;
    if (e instanceof com.google.cloud.storage.StorageException gcs) {
      return new ExportException("cannot " + action + " " + where + ": " + reason(gcs), e, isRetryable(gcs));
    }
    if (e instanceof UncheckedIOException io) {
      return new ExportException("cannot " + action + " " + where + ": " + io.getCause().getMessage(), e, true);
    }
    return new ExportException("cannot " + action + " " + where + ": " + e, e, false);
  }

  private String reason(com.google.cloud.storage.StorageException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return switch (e.getCode()) {
      case 401 -> "not authenticated (401): " + message + "; check the credentials";
      case 403 -> "access denied (403): " + message + "; the credentials need object create, get, list and delete "
          + "permissions on bucket '" + bucket + "'";
      case 404 -> "not found (404): " + message + " (is there a bucket '" + bucket + "'?)";
      case 0 -> "network failure: " + message;
      default -> "HTTP " + e.getCode() + ": " + message;
    };
  }

  /**
   * Whether trying again later may work: timeouts, throttling, server errors and network failures.
   * Authentication, permission, missing bucket or object, and invalid requests never heal by
   * themselves.
   */
  static boolean isRetryable(BaseServiceException e) {
    int code = e.getCode();
    if (retryableStatus(code)) {
      return true;
    }
    if (code >= 400) {
      return false;
    }
    // No HTTP status from the service: getting an access token failed (its endpoint's answer
    // decides), or the request did not complete (connection reset, timeout).
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof com.google.auth.Retryable auth) {
        return auth.isRetryable(); // a revoked or deleted key (400 invalid_grant) never heals
      }
      if (cause instanceof com.google.api.client.http.HttpResponseException http) {
        return retryableStatus(http.getStatusCode());
      }
    }
    return e.isRetryable() || e.getCause() instanceof IOException || code == 0;
  }

  /** Timeouts, throttling and server errors: statuses a later try may not meet. */
  private static boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  static boolean isNotFound(RuntimeException e) {
    return e instanceof BaseServiceException service && service.getCode() == 404;
  }
}
