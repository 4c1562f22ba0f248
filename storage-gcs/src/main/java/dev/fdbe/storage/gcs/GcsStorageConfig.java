package dev.fdbe.storage.gcs;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.storage.Storage;
import com.google.errorprone.annotations.CheckReturnValue;
import dev.fdbe.spi.BlobStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link GcsBlobStore}: the bucket, an optional key prefix, how to reach and
 * authenticate to Cloud Storage, the upload chunk size, and who signs download links. Immutable
 * and thread-safe; building one reads no file and opens no connection: that happens in
 * {@link GcsBlobStore#create}.
 *
 * <pre>{@code
 * GcsStorageConfig config = GcsStorageConfig.builder("my-exports")
 *     .keyPrefix("fdbe")
 *     .credentialsFile(Path.of("/etc/fdbe/gcs-key.json"))
 *     .build();
 * }</pre>
 *
 * <p>Without {@code credentialsFile}, {@code credentials} or {@code storage}, the client uses
 * Application Default Credentials. A host that already has a {@link Storage} client passes it with
 * {@link Builder#storage}; its retry settings, credentials and endpoint are then the client's own.
 * A client the store builds itself uses the HTTP (JSON API) transport, the only one whose
 * libraries this module brings: a given client of another transport ({@code StorageOptions.grpc()})
 * needs the gRPC libraries the module leaves out, which the host then adds itself.
 */
public final class GcsStorageConfig {
  /** The upload chunk size when none is set: 16 MiB, the client library's own default. */
  public static final int DEFAULT_CHUNK_SIZE_BYTES = 16 * 1024 * 1024;

  /** Resumable upload chunks are multiples of this size, 256 KiB, as Cloud Storage requires. */
  public static final int CHUNK_SIZE_GRANULARITY_BYTES = 256 * 1024;

  /** The largest chunk size accepted: 1 GiB, so that one upload's buffer stays reasonable. */
  public static final int MAX_CHUNK_SIZE_BYTES = 1024 * 1024 * 1024;

  // Cloud Storage bucket names: 3-63 characters (up to 222 with dots), lower-case letters, digits,
  // '-', '_' and '.', starting and ending with a letter or digit.
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");

  private final String bucket;
  private final String keyPrefix;
  private final @Nullable String projectId;
  private final @Nullable Path credentialsFile;
  private final @Nullable GoogleCredentials credentials;
  private final @Nullable URI endpoint;
  private final int chunkSizeBytes;
  private final @Nullable Storage storage;
  private final @Nullable ServiceAccountSigner linkSigner;
  private final Clock clock;

  private GcsStorageConfig(Values v) {
    this.bucket = v.bucket;
    this.keyPrefix = v.keyPrefix == null ? "" : v.keyPrefix;
    this.projectId = v.projectId;
    this.credentialsFile = v.credentialsFile;
    this.credentials = v.credentials;
    this.endpoint = v.endpoint;
    this.chunkSizeBytes = v.chunkSizeBytes == null ? DEFAULT_CHUNK_SIZE_BYTES : v.chunkSizeBytes;
    this.storage = v.storage;
    this.linkSigner = v.linkSigner;
    this.clock = v.clock == null ? Clock.systemUTC() : v.clock;
  }

  /**
   * A builder for a store in {@code bucket}.
   *
   * @throws IllegalArgumentException naming the bucket when it is not a valid bucket name
   */
  @CheckReturnValue
  public static Builder builder(String bucket) {
    Objects.requireNonNull(bucket, "bucket");
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")
        || (!bucket.contains(".") && bucket.length() > 63)) {
      throw new IllegalArgumentException("invalid bucket name '" + bucket + "': 3 to 63 lower-case letters, "
          + "digits, '-', '_' or '.' (up to 222 with dots), starting and ending with a letter or digit");
    }
    return new Builder(new Values(bucket));
  }

  /**
   * A builder starting from this config's values. Each option may still be set once on it, which
   * replaces the copied value; setting any of {@code storage}, {@code projectId},
   * {@code credentialsFile}, {@code credentials} or {@code endpoint} replaces all the copied ones.
   */
  @CheckReturnValue
  public Builder toBuilder() {
    Values copied = new Values(bucket);
    copied.keyPrefix = keyPrefix.isEmpty() ? null : keyPrefix;
    copied.projectId = projectId;
    copied.credentialsFile = credentialsFile;
    copied.credentials = credentials;
    copied.endpoint = endpoint;
    copied.chunkSizeBytes = chunkSizeBytes == DEFAULT_CHUNK_SIZE_BYTES ? null : chunkSizeBytes;
    copied.storage = storage;
    copied.linkSigner = linkSigner;
    copied.clock = clock;
    return new Builder(copied);
  }

  /** The bucket that holds the objects. */
  public String bucket() {
    return bucket;
  }

  /**
   * What every object name starts with, without a trailing {@code /}, or empty when the objects lie
   * at the bucket's top (the default). The object of key {@code k} is {@code <keyPrefix>/k}.
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** The project the client bills and resolves against; empty for the default of the credentials. */
  public Optional<String> projectId() {
    return Optional.ofNullable(projectId);
  }

  /** The service-account key file the client authenticates with; empty for the other ways. */
  public Optional<Path> credentialsFile() {
    return Optional.ofNullable(credentialsFile);
  }

  /** The credentials the client authenticates with; empty for the other ways. */
  public Optional<GoogleCredentials> credentials() {
    return Optional.ofNullable(credentials);
  }

  /** Where the client sends requests instead of {@code https://storage.googleapis.com}, e.g. an emulator. */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /**
   * The resumable upload chunk size: an upload holds at most this many bytes in memory, and sends
   * them in one request. Default {@link #DEFAULT_CHUNK_SIZE_BYTES}.
   */
  public int chunkSizeBytes() {
    return chunkSizeBytes;
  }

  /** The client to use as it is; empty when the store builds its own from these settings. */
  public Optional<Storage> storage() {
    return Optional.ofNullable(storage);
  }

  /**
   * Who signs download links; empty for the client's credentials, which must then be able to sign
   * (a service-account key, or service-account credentials on Google Cloud, which sign through the
   * IAM Credentials API).
   */
  public Optional<ServiceAccountSigner> linkSigner() {
    return Optional.ofNullable(linkSigner);
  }

  /** The clock download link lifetimes are measured with; default the system's, in UTC. */
  public Clock clock() {
    return clock;
  }

  /** {@code gs://<bucket>/<keyPrefix>} followed by the settings, without secrets. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("GcsStorageConfig[gs://").append(bucket).append('/').append(keyPrefix);
    if (projectId != null) {
      text.append(", projectId=").append(projectId);
    }
    if (credentialsFile != null) {
      text.append(", credentialsFile=").append(credentialsFile);
    }
    if (credentials != null) {
      text.append(", credentials=").append(credentials.getClass().getSimpleName());
    }
    if (endpoint != null) {
      text.append(", endpoint=").append(endpoint);
    }
    text.append(", chunkSizeBytes=").append(chunkSizeBytes);
    if (storage != null) {
      text.append(", storage=given");
    }
    if (linkSigner != null) {
      text.append(", linkSigner=").append(linkSigner.getAccount());
    }
    return text.append(']').toString();
  }

  /** The option values; null for unset. */
  private static final class Values {
    final String bucket;
    @Nullable String keyPrefix;
    @Nullable String projectId;
    @Nullable Path credentialsFile;
    @Nullable GoogleCredentials credentials;
    @Nullable URI endpoint;
    @Nullable Integer chunkSizeBytes;
    @Nullable Storage storage;
    @Nullable ServiceAccountSigner linkSigner;
    @Nullable Clock clock;

    Values(String bucket) {
      this.bucket = bucket;
    }
  }

  /**
   * Builds a {@link GcsStorageConfig}. Each option may be set once; setting it again, or setting
   * two that exclude each other ({@code storage} with any of {@code projectId},
   * {@code credentialsFile}, {@code credentials} or {@code endpoint}; {@code credentialsFile} with
   * {@code credentials}), is an {@link IllegalStateException} naming the earlier value. Setters
   * reject bad values at once; their order does not matter. Not thread-safe; stays usable after
   * {@link #build()}.
   */
  public static final class Builder {
    private final Values copied;
    private final Values set;

    private Builder(Values copied) {
      this.copied = copied;
      this.set = new Values(copied.bucket);
    }

    /**
     * What object names start with, e.g. {@code fdbe/exports}: the object of key {@code k} is
     * {@code fdbe/exports/k}. Default: none, the objects lie at the bucket's top.
     *
     * @throws IllegalArgumentException naming the prefix when it is not a valid blob key (segments
     *     of {@code [A-Za-z0-9._=-]} joined by {@code /}, no leading or trailing {@code /})
     * @throws IllegalStateException when it was already set
     */
    public Builder keyPrefix(String value) {
      Objects.requireNonNull(value, "keyPrefix");
      try {
        BlobStore.requireValidKey(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid keyPrefix '" + value
            + "': it must be segments of letters, digits, '.', '_', '=' and '-' joined by '/', without a leading "
            + "or trailing '/'", e);
      }
      requireUnset("keyPrefix", set.keyPrefix);
      set.keyPrefix = value;
      return this;
    }

    /**
     * The project the client resolves against. Default: the project of the credentials.
     *
     * @throws IllegalArgumentException when it is blank
     * @throws IllegalStateException when it was already set, or {@code storage} was
     */
    public Builder projectId(String value) {
      Objects.requireNonNull(value, "projectId");
      if (value.isBlank()) {
        throw new IllegalArgumentException("projectId must not be blank, got '" + value + "'");
      }
      requireUnset("projectId", set.projectId);
      requireNoStorage("projectId");
      set.projectId = value;
      return this;
    }

    /**
     * A service-account key file (JSON) to authenticate with and to sign download links with. It is
     * read by {@link GcsBlobStore#create}, not here. Default: Application Default Credentials.
     *
     * @throws IllegalStateException when it was already set, or {@code credentials} or
     *     {@code storage} was
     */
    public Builder credentialsFile(Path value) {
      Objects.requireNonNull(value, "credentialsFile");
      requireUnset("credentialsFile", set.credentialsFile);
      if (set.credentials != null) {
        throw new IllegalStateException("credentialsFile conflicts with credentials, already set to "
            + set.credentials.getClass().getSimpleName());
      }
      requireNoStorage("credentialsFile");
      set.credentialsFile = value;
      return this;
    }

    /**
     * The credentials to authenticate with; they also sign download links when they can (e.g.
     * {@code ServiceAccountCredentials}). Default: Application Default Credentials.
     *
     * @throws IllegalStateException when it was already set, or {@code credentialsFile} or
     *     {@code storage} was
     */
    public Builder credentials(GoogleCredentials value) {
      Objects.requireNonNull(value, "credentials");
      requireUnset("credentials", set.credentials == null ? null : set.credentials.getClass().getSimpleName());
      if (set.credentialsFile != null) {
        throw new IllegalStateException("credentials conflicts with credentialsFile, already set to "
            + set.credentialsFile);
      }
      requireNoStorage("credentials");
      set.credentials = value;
      return this;
    }

    /**
     * Where to send requests instead of {@code https://storage.googleapis.com}, e.g. an emulator at
     * {@code http://127.0.0.1:4443}; download links then point there too. A trailing {@code /} is
     * dropped.
     *
     * @throws IllegalArgumentException naming the URI when it is not an absolute {@code http} or
     *     {@code https} URI with a host and without user info, path, query or fragment
     * @throws IllegalStateException when it was already set, or {@code storage} was
     */
    public Builder endpoint(URI value) {
      Objects.requireNonNull(value, "endpoint");
      URI checked = checkEndpoint(value);
      requireUnset("endpoint", set.endpoint);
      requireNoStorage("endpoint");
      set.endpoint = checked;
      return this;
    }

    /**
     * The resumable upload chunk size: how many bytes an upload buffers before sending them, and so
     * the memory each upload in flight holds. Default {@link #DEFAULT_CHUNK_SIZE_BYTES}.
     *
     * @throws IllegalArgumentException when it is not a positive multiple of
     *     {@link #CHUNK_SIZE_GRANULARITY_BYTES} up to {@link #MAX_CHUNK_SIZE_BYTES}
     * @throws IllegalStateException when it was already set
     */
    public Builder chunkSizeBytes(int value) {
      if (value <= 0 || value % CHUNK_SIZE_GRANULARITY_BYTES != 0 || value > MAX_CHUNK_SIZE_BYTES) {
        throw new IllegalArgumentException("chunkSizeBytes must be a positive multiple of "
            + CHUNK_SIZE_GRANULARITY_BYTES + " (256 KiB) up to " + MAX_CHUNK_SIZE_BYTES + ", got " + value);
      }
      requireUnset("chunkSizeBytes", set.chunkSizeBytes);
      set.chunkSizeBytes = value;
      return this;
    }

    /**
     * A ready client to use as it is, with its own credentials, endpoint and retry settings: for
     * hosts that already have one, and for tests.
     *
     * @throws IllegalStateException when it was already set, or any of {@code projectId},
     *     {@code credentialsFile}, {@code credentials} or {@code endpoint} was
     */
    public Builder storage(Storage value) {
      Objects.requireNonNull(value, "storage");
      requireUnset("storage", set.storage == null ? null : "a given client");
      for (Object[] other : new Object[][] {{"projectId", set.projectId}, {"credentialsFile", set.credentialsFile},
          {"credentials", set.credentials == null ? null : set.credentials.getClass().getSimpleName()},
          {"endpoint", set.endpoint}}) {
        if (other[1] != null) {
          throw new IllegalStateException("storage conflicts with " + other[0] + ", already set to " + other[1]
              + ": a given client carries its own settings");
        }
      }
      set.storage = value;
      return this;
    }

    /**
     * Who signs download links, e.g. {@code ServiceAccountCredentials} from a key. Default: the
     * client's credentials, when they can sign.
     *
     * @throws IllegalStateException when it was already set
     */
    public Builder linkSigner(ServiceAccountSigner value) {
      Objects.requireNonNull(value, "linkSigner");
      requireUnset("linkSigner", set.linkSigner == null ? null : set.linkSigner.getAccount());
      set.linkSigner = value;
      return this;
    }

    /**
     * The clock that download link lifetimes are measured with. Default {@link Clock#systemUTC()}.
     *
     * @throws IllegalStateException when it was already set
     */
    public Builder clock(Clock value) {
      Objects.requireNonNull(value, "clock");
      requireUnset("clock", set.clock);
      set.clock = value;
      return this;
    }

    /** The config, with defaults for the options not set. */
    @CheckReturnValue
    public GcsStorageConfig build() {
      Values v = new Values(copied.bucket);
      v.keyPrefix = set.keyPrefix != null ? set.keyPrefix : copied.keyPrefix;
      v.chunkSizeBytes = set.chunkSizeBytes != null ? set.chunkSizeBytes : copied.chunkSizeBytes;
      v.linkSigner = set.linkSigner != null ? set.linkSigner : copied.linkSigner;
      v.clock = set.clock != null ? set.clock : copied.clock;
      // How to connect is one choice: options of it set here replace all the copied ones.
      boolean connectionSet = set.storage != null || set.projectId != null || set.credentialsFile != null
          || set.credentials != null || set.endpoint != null;
      Values connection = connectionSet ? set : copied;
      v.storage = connection.storage;
      v.projectId = connection.projectId;
      v.credentialsFile = connection.credentialsFile;
      v.credentials = connection.credentials;
      v.endpoint = connection.endpoint;
      return new GcsStorageConfig(v);
    }

    private void requireNoStorage(String option) {
      if (set.storage != null) {
        throw new IllegalStateException(option + " conflicts with storage, already set to a given client, which "
            + "carries its own settings");
      }
    }

    private static void requireUnset(String option, @Nullable Object earlier) {
      if (earlier != null) {
        throw new IllegalStateException(option + " was already set to " + earlier);
      }
    }

    private static URI checkEndpoint(URI uri) {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String problem = null;
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problem = "it must be an absolute http or https URI";
      } else if (uri.isOpaque() || uri.getHost() == null) {
        // java.net.URI leaves the host null when the name is not a valid one, e.g. with a '_'
        problem = uri.getRawAuthority() == null || uri.isOpaque() ? "it has no host"
            : "'" + uri.getRawAuthority() + "' is not a valid host name (letters, digits, '-' and '.', no '_')";
      } else if (uri.getRawUserInfo() != null) {
        problem = "it must not carry user info";
      } else if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
        problem = "it must not have a path";
      } else if (uri.getRawQuery() != null) {
        problem = "it must not have a query";
      } else if (uri.getRawFragment() != null) {
        problem = "it must not have a fragment";
      }
      if (problem != null) {
        throw new IllegalArgumentException("invalid endpoint '" + uri + "': " + problem);
      }
      return URI.create(scheme + "://" + uri.getRawAuthority());
    }
  }
}
