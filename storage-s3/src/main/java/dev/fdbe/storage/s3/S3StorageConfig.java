package dev.fdbe.storage.s3;

import com.google.errorprone.annotations.CheckReturnValue;
import dev.fdbe.spi.BlobStore;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The settings of an {@link S3BlobStore}: the bucket and key prefix, how to reach and sign for S3,
 * server-side encryption, and the shape of uploads. Immutable and thread-safe; building one
 * contacts nothing and reads no credentials: {@link S3BlobStore#create} does.
 *
 * <pre>{@code
 * S3StorageConfig config = S3StorageConfig.builder("acme-exports")
 *     .keyPrefix("fdbe")
 *     .region("eu-west-1")
 *     .serverSideEncryption(ServerSideEncryption.SSE_KMS)
 *     .kmsKeyId("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
 *     .build();
 * }</pre>
 *
 * <p>Credentials come from the AWS SDK's default provider chain (the environment variables
 * {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, the shared profile files, web
 * identity, container and instance roles) unless a {@link Builder#profile profile} or
 * {@link Builder#credentials explicit keys} are set.
 *
 * <p>Memory: each upload holds at most {@link #partSizeBytes()} × {@link #inFlightParts()} bytes of
 * its object, the part being filled included, whatever the object's size.
 */
public final class S3StorageConfig {
  /** The smallest part size S3 accepts for all parts but the last: 5 MiB. */
  public static final long MIN_PART_BYTES = 5L * 1024 * 1024;

  /** The part size when none is set: 16 MiB. */
  public static final long DEFAULT_PART_BYTES = 16L * 1024 * 1024;

  /** The largest part size S3 accepts: 5 GiB. */
  public static final long MAX_PART_BYTES = 5L * 1024 * 1024 * 1024;

  /** The number of parts of one upload held in memory when none is set. */
  public static final int DEFAULT_IN_FLIGHT_PARTS = 4;

  /** The largest number of parts of one upload held in memory. */
  public static final int MAX_IN_FLIGHT_PARTS = 64;

  /** The most parts S3 takes in one multipart upload; an object is at most this × the part size. */
  public static final int MAX_PARTS_PER_UPLOAD = 10_000;

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IP_ADDRESS = Pattern.compile("[0-9]+(\\.[0-9]+){3}");
  private static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
  private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9_.@+-]{1,128}");

  private final String bucket;
  private final String keyPrefix;
  private final @Nullable String region;
  private final @Nullable URI endpoint;
  private final boolean pathStyle;
  private final @Nullable String profile;
  private final @Nullable String accessKeyId;
  private final @Nullable String secretAccessKey;
  private final @Nullable ServerSideEncryption serverSideEncryption;
  private final @Nullable String kmsKeyId;
  private final long partSizeBytes;
  private final int inFlightParts;

  private S3StorageConfig(Values v) {
    this.bucket = v.bucket;
    this.keyPrefix = v.keyPrefix;
    this.region = v.region;
    this.endpoint = v.endpoint;
    this.pathStyle = v.pathStyle;
    this.profile = v.profile;
    this.accessKeyId = v.accessKeyId;
    this.secretAccessKey = v.secretAccessKey;
    this.serverSideEncryption = v.serverSideEncryption;
    this.kmsKeyId = v.kmsKeyId;
    this.partSizeBytes = v.partSizeBytes;
    this.inFlightParts = v.inFlightParts;
  }

  /**
   * A builder for a store on the bucket.
   *
   * @throws IllegalArgumentException naming the bucket when it breaks S3's naming rules (3 to 63
   *     characters of lower-case letters, digits, {@code .} and {@code -}, starting and ending with
   *     a letter or digit, not shaped like an IP address)
   */
  @CheckReturnValue
  public static Builder builder(String bucket) {
    Objects.requireNonNull(bucket, "bucket");
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..") || IP_ADDRESS.matcher(bucket).matches()) {
      throw new IllegalArgumentException("invalid bucket name '" + bucket + "': S3 bucket names are 3 to 63 "
          + "lower-case letters, digits, '.' and '-', starting and ending with a letter or digit");
    }
    Values values = new Values();
    values.bucket = bucket;
    return new Builder(values);
  }

  /** A builder starting from this config's values; each option may still be set once, replacing the copy. */
  @CheckReturnValue
  public Builder toBuilder() {
    Values values = new Values();
    values.bucket = bucket;
    values.keyPrefix = keyPrefix;
    values.region = region;
    values.endpoint = endpoint;
    values.pathStyle = pathStyle;
    values.profile = profile;
    values.accessKeyId = accessKeyId;
    values.secretAccessKey = secretAccessKey;
    values.serverSideEncryption = serverSideEncryption;
    values.kmsKeyId = kmsKeyId;
    values.partSizeBytes = partSizeBytes;
    values.inFlightParts = inFlightParts;
    return new Builder(values);
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /**
   * The prefix of every object name in the bucket, without a trailing {@code /}, or empty: the
   * object of key {@code k} is {@code <keyPrefix>/k}, or {@code k} when the prefix is empty.
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** The region, or empty to take it from the SDK's default region provider chain ({@code AWS_REGION}, profile). */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /** The endpoint replacing AWS's, for S3-compatible stores, or empty for AWS S3. */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** Whether requests name the bucket in the path ({@code host/bucket/key}) rather than the host; default false. */
  public boolean pathStyle() {
    return pathStyle;
  }

  /** The profile of the shared AWS config files to take credentials from, or empty. */
  public Optional<String> profile() {
    return Optional.ofNullable(profile);
  }

  /** The explicit access key id, or empty when credentials come from a provider chain. */
  public Optional<String> accessKeyId() {
    return Optional.ofNullable(accessKeyId);
  }

  /** The explicit secret access key, or empty when credentials come from a provider chain. */
  Optional<String> secretAccessKey() {
    return Optional.ofNullable(secretAccessKey);
  }

  /** The server-side encryption requested with every upload, or empty for the bucket's default. */
  public Optional<ServerSideEncryption> serverSideEncryption() {
    return Optional.ofNullable(serverSideEncryption);
  }

  /** The KMS key for {@link ServerSideEncryption#SSE_KMS}, or empty for the account's AWS managed key. */
  public Optional<String> kmsKeyId() {
    return Optional.ofNullable(kmsKeyId);
  }

  /** The size of every part of a multipart upload but the last; default {@link #DEFAULT_PART_BYTES}. */
  public long partSizeBytes() {
    return partSizeBytes;
  }

  /**
   * How many parts of one upload are held in memory at most, the one being filled included, so
   * that {@code inFlightParts - 1} upload while the next is written; default
   * {@link #DEFAULT_IN_FLIGHT_PARTS}.
   */
  public int inFlightParts() {
    return inFlightParts;
  }

  /** The largest object one upload can write: {@link #MAX_PARTS_PER_UPLOAD} parts of {@link #partSizeBytes()}. */
  public long maxObjectBytes() {
    return partSizeBytes * MAX_PARTS_PER_UPLOAD;
  }

  /** The object name of a key: {@code <keyPrefix>/<key>}. */
  String objectName(String key) {
    return keyPrefix.isEmpty() ? key : keyPrefix + "/" + key;
  }

  /** {@code s3://bucket/prefix/}, for messages. */
  String location() {
    return "s3://" + bucket + "/" + (keyPrefix.isEmpty() ? "" : keyPrefix + "/");
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof S3StorageConfig that
        && bucket.equals(that.bucket)
        && keyPrefix.equals(that.keyPrefix)
        && Objects.equals(region, that.region)
        && Objects.equals(endpoint, that.endpoint)
        && pathStyle == that.pathStyle
        && Objects.equals(profile, that.profile)
        && Objects.equals(accessKeyId, that.accessKeyId)
        && Objects.equals(secretAccessKey, that.secretAccessKey)
        && serverSideEncryption == that.serverSideEncryption
        && Objects.equals(kmsKeyId, that.kmsKeyId)
        && partSizeBytes == that.partSizeBytes
        && inFlightParts == that.inFlightParts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(bucket, keyPrefix, region, endpoint, pathStyle, profile, accessKeyId, secretAccessKey,
        serverSideEncryption, kmsKeyId, partSizeBytes, inFlightParts);
  }

  /** The settings; the secret access key is never shown. */
  @Override
  public String toString() {
    return "S3StorageConfig[bucket=" + bucket + ", keyPrefix=" + keyPrefix + ", region=" + region
        + ", endpoint=" + endpoint + ", pathStyle=" + pathStyle + ", credentials=" + describeCredentials()
        + ", serverSideEncryption=" + (serverSideEncryption == null ? null : serverSideEncryption.headerValue())
        + ", kmsKeyId=" + kmsKeyId + ", partSizeBytes=" + partSizeBytes + ", inFlightParts=" + inFlightParts + "]";
  }

  private String describeCredentials() {
    if (accessKeyId != null) {
      return "explicit access key " + accessKeyId + " (secret not shown)";
    }
    return profile != null ? "profile " + profile : "default provider chain";
  }

  private static final class Values {
    String bucket = "";
    String keyPrefix = "";
    @Nullable String region;
    @Nullable URI endpoint;
    boolean pathStyle;
    @Nullable String profile;
    @Nullable String accessKeyId;
    @Nullable String secretAccessKey;
    @Nullable ServerSideEncryption serverSideEncryption;
    @Nullable String kmsKeyId;
    long partSizeBytes = DEFAULT_PART_BYTES;
    int inFlightParts = DEFAULT_IN_FLIGHT_PARTS;
  }

  /**
   * Builds an {@link S3StorageConfig}. Each option may be set once; setting it again, or setting
   * two that exclude each other ({@link #profile} and {@link #credentials}), is an
   * {@link IllegalStateException} naming the earlier value. Setters reject bad values at once;
   * {@link #build()} checks the rules between options. Not thread-safe; stays usable after
   * {@link #build()}.
   */
  public static final class Builder {
    private final Values values;
    private final Map<String, String> assigned = new HashMap<>();

    private Builder(Values values) {
      this.values = values;
    }

    private void assign(String option, String shown) {
      String earlier = assigned.get(option);
      if (earlier != null) {
        throw new IllegalStateException(option + " was already set to " + earlier);
      }
      assigned.put(option, shown);
    }

    /**
     * The prefix of every object name, e.g. {@code exports/fdbe}; one trailing {@code /} is
     * dropped. Default: none, keys are object names.
     *
     * @throws IllegalArgumentException naming the prefix when it is not empty nor a valid key
     *     ({@link BlobStore#requireValidKey})
     * @throws IllegalStateException when it was already set
     */
    public Builder keyPrefix(String value) {
      Objects.requireNonNull(value, "keyPrefix");
      String prefix = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
      if (!prefix.isEmpty()) {
        try {
          BlobStore.requireValidKey(prefix);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("invalid keyPrefix '" + value + "': it must be empty or segments of "
              + "letters, digits, '.', '_', '=' and '-' joined by '/'", e);
        }
      }
      assign("keyPrefix", prefix);
      values.keyPrefix = prefix;
      return this;
    }

    /**
     * The region, e.g. {@code eu-west-1}. Default: the SDK's default region provider chain
     * ({@code AWS_REGION}, the profile's region); an S3-compatible endpoint usually needs one set.
     *
     * @throws IllegalArgumentException naming the value when it is not letters, digits, {@code -} and {@code _}
     * @throws IllegalStateException when it was already set
     */
    public Builder region(String value) {
      Objects.requireNonNull(value, "region");
      if (!REGION.matcher(value).matches()) {
        throw new IllegalArgumentException("invalid region '" + value + "': it must be letters, digits, '-' and '_'");
      }
      assign("region", value);
      values.region = value;
      return this;
    }

    /**
     * The endpoint of an S3-compatible store (MinIO, Ceph, S3Proxy, ...), e.g.
     * {@code http://127.0.0.1:9000}. Default: AWS S3's endpoint for the region.
     *
     * @throws IllegalArgumentException naming the URI when it is not an absolute {@code http} or
     *     {@code https} URL with a host, without user info, query or fragment
     * @throws IllegalStateException when it was already set
     */
    public Builder endpoint(URI value) {
      Objects.requireNonNull(value, "endpoint");
      String scheme = value.getScheme() == null ? "" : value.getScheme().toLowerCase(Locale.ROOT);
      String problem = null;
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problem = "it must be an absolute http or https URL";
      } else if (value.isOpaque() || value.getHost() == null) {
        // java.net.URI leaves the host null when the name is not a valid one, e.g. with a '_'
        problem = value.getRawAuthority() == null || value.isOpaque() ? "it has no host"
            : "'" + value.getRawAuthority() + "' is not a valid host name (letters, digits, '-' and '.', no '_')";
      } else if (value.getRawUserInfo() != null) {
        problem = "it must not carry user info";
      } else if (value.getRawQuery() != null || value.getRawFragment() != null) {
        problem = "it must not have a query or fragment";
      }
      if (problem != null) {
        throw new IllegalArgumentException("invalid endpoint '" + value + "': " + problem);
      }
      assign("endpoint", value.toString());
      values.endpoint = value;
      return this;
    }

    /**
     * Whether to name the bucket in the path ({@code http://host/bucket/key}) rather than in the
     * host name; most S3-compatible stores on a single host need it. Default false.
     *
     * @throws IllegalStateException when it was already set
     */
    public Builder pathStyle(boolean value) {
      assign("pathStyle", Boolean.toString(value));
      values.pathStyle = value;
      return this;
    }

    /**
     * Takes credentials from this profile of the shared AWS config files ({@code ~/.aws/credentials}).
     *
     * @throws IllegalArgumentException naming the value when it is blank or has unusual characters
     * @throws IllegalStateException when it or {@link #credentials} was already set
     */
    public Builder profile(String value) {
      Objects.requireNonNull(value, "profile");
      if (!PROFILE.matcher(value).matches()) {
        throw new IllegalArgumentException("invalid profile '" + value + "': it must be letters, digits and ._@+-");
      }
      if (assigned.containsKey("credentials")) {
        throw new IllegalStateException("profile cannot be set with credentials, which were already set to "
            + assigned.get("credentials"));
      }
      assign("profile", value);
      values.profile = value;
      values.accessKeyId = null;
      values.secretAccessKey = null;
      return this;
    }

    /**
     * Explicit credentials instead of a provider chain, e.g. for an S3-compatible store with its own
     * keys. Prefer the default chain (environment, roles) for AWS: keys set here live in memory for
     * the store's life.
     *
     * @throws IllegalArgumentException when either is blank
     * @throws IllegalStateException when they or {@link #profile} were already set
     */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      if (accessKeyId.isBlank()) {
        throw new IllegalArgumentException("accessKeyId must not be blank");
      }
      if (secretAccessKey.isBlank()) {
        throw new IllegalArgumentException("secretAccessKey must not be blank");
      }
      if (assigned.containsKey("profile")) {
        throw new IllegalStateException("credentials cannot be set with profile, which was already set to "
            + assigned.get("profile"));
      }
      assign("credentials", "access key " + accessKeyId + " (secret not shown)");
      values.accessKeyId = accessKeyId;
      values.secretAccessKey = secretAccessKey;
      values.profile = null;
      return this;
    }

    /**
     * The server-side encryption to request with every upload. Default: none requested, the
     * bucket's default encryption applies.
     *
     * @throws IllegalStateException when it was already set
     */
    public Builder serverSideEncryption(ServerSideEncryption value) {
      Objects.requireNonNull(value, "serverSideEncryption");
      assign("serverSideEncryption", value.headerValue());
      values.serverSideEncryption = value;
      return this;
    }

    /**
     * The KMS key (id, alias or ARN) for {@link ServerSideEncryption#SSE_KMS}; needs that
     * encryption set. Default: the account's AWS managed key for S3.
     *
     * @throws IllegalArgumentException when it is blank or holds whitespace
     * @throws IllegalStateException when it was already set
     */
    public Builder kmsKeyId(String value) {
      Objects.requireNonNull(value, "kmsKeyId");
      if (value.isEmpty() || value.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
        throw new IllegalArgumentException("invalid kmsKeyId '" + value + "': it must be a non-empty id, alias or ARN");
      }
      assign("kmsKeyId", value);
      values.kmsKeyId = value;
      return this;
    }

    /**
     * The size of every part of a multipart upload but the last, from {@link #MIN_PART_BYTES} to
     * {@link #MAX_PART_BYTES}; objects up to this size are written with a single PUT. Default
     * {@link #DEFAULT_PART_BYTES}.
     *
     * @throws IllegalArgumentException when it is out of range
     * @throws IllegalStateException when it was already set
     */
    public Builder partSizeBytes(long value) {
      if (value < MIN_PART_BYTES || value > MAX_PART_BYTES) {
        throw new IllegalArgumentException("partSizeBytes must be from " + MIN_PART_BYTES + " (5 MiB) to "
            + MAX_PART_BYTES + " (5 GiB), got " + value);
      }
      assign("partSizeBytes", Long.toString(value));
      values.partSizeBytes = value;
      return this;
    }

    /**
     * How many parts of one upload may be in memory at once, from 1 to {@link #MAX_IN_FLIGHT_PARTS},
     * the one being filled included: 1 uploads each part before writing goes on. Default
     * {@link #DEFAULT_IN_FLIGHT_PARTS}.
     *
     * @throws IllegalArgumentException when it is out of range
     * @throws IllegalStateException when it was already set
     */
    public Builder inFlightParts(int value) {
      if (value < 1 || value > MAX_IN_FLIGHT_PARTS) {
        throw new IllegalArgumentException("inFlightParts must be from 1 to " + MAX_IN_FLIGHT_PARTS + ", got " + value);
      }
      assign("inFlightParts", Integer.toString(value));
      values.inFlightParts = value;
      return this;
    }

    /**
     * The config, with defaults for the options not set.
     *
     * @throws IllegalStateException when a KMS key is set without {@link ServerSideEncryption#SSE_KMS}
     */
    @CheckReturnValue
    public S3StorageConfig build() {
      if (values.kmsKeyId != null && values.serverSideEncryption != ServerSideEncryption.SSE_KMS) {
        throw new IllegalStateException("kmsKeyId '" + values.kmsKeyId + "' needs serverSideEncryption SSE_KMS, "
            + "got " + (values.serverSideEncryption == null ? "none" : values.serverSideEncryption));
      }
      Values copy = new Values();
      copy.bucket = values.bucket;
      copy.keyPrefix = values.keyPrefix;
      copy.region = values.region;
      copy.endpoint = values.endpoint;
      copy.pathStyle = values.pathStyle;
      copy.profile = values.profile;
      copy.accessKeyId = values.accessKeyId;
      copy.secretAccessKey = values.secretAccessKey;
      copy.serverSideEncryption = values.serverSideEncryption;
      copy.kmsKeyId = values.kmsKeyId;
      copy.partSizeBytes = values.partSizeBytes;
      copy.inFlightParts = values.inFlightParts;
      return new S3StorageConfig(copy);
    }
  }
}
