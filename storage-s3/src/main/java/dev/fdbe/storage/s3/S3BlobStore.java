package dev.fdbe.storage.s3;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.DownloadLinkSigner;
import dev.fdbe.spi.MultipartUploads;
import dev.fdbe.spi.UploadJournal;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A {@link BlobStore} on an S3 bucket, or an S3-compatible store, with pre-signed download links.
 * The object of key {@code k} is {@code <keyPrefix>/k} in the bucket.
 *
 * <pre>{@code
 * S3BlobStore store = S3BlobStore.create(S3StorageConfig.builder("acme-exports").region("eu-west-1").build());
 * ExportEngine engine = ExportEngine.builder().blobStore(store)...build();
 * }</pre>
 *
 * <p><b>Writing.</b> An upload streams: parts of {@link S3StorageConfig#partSizeBytes()} are sent
 * with UploadPart while the rest of the object is still being written, at most
 * {@link S3StorageConfig#inFlightParts()} held in memory at once (the one being filled included),
 * so memory per upload is bounded by part size × in-flight parts whatever the object's size. An
 * object of at most one part is written with a single PutObject at commit. Every multipart upload
 * is reported to the {@link UploadJournal} before its first part is sent, and closed in it once
 * completed or aborted; an aborted upload is checked with ListMultipartUploads to be gone. Each
 * part and single PUT carries a CRC32C checksum, computed by the SDK and checked by S3, and the
 * multipart upload's checksum is composed of the parts'. After commit, HeadObject checks the stored
 * size.
 *
 * <p><b>Errors.</b> The SDK retries 5xx answers, throttling, timeouts and I/O errors with backoff
 * (up to {@value #MAX_ATTEMPTS} attempts per request). What still fails throws a
 * {@link ExportException} naming the bucket and object: retryable for those transient causes, not
 * retryable for access denied, unknown or mismatched keys, a missing bucket or a KMS key that
 * cannot be used.
 *
 * <p><b>Links.</b> {@link #signedLink} pre-signs a GET (SigV4, query parameters) that answers with
 * {@code Content-Disposition: attachment; filename="<fileName>"}; S3 refuses it once expired or
 * altered. SigV4 links live at most 7 days, and no longer than the session of temporary
 * credentials that signed them.
 *
 * <p><b>Expiry.</b> When a lifecycle rule of the bucket will delete an object, HeadObject says when
 * ({@code x-amz-expiration}); {@link #stat} and {@link BlobUpload#commit} then return that instant
 * as {@link BlobInfo#expiresAt()}, and the engine expires the file download with it.
 *
 * <p>Thread-safe. Holds an HTTP connection pool and a pool of part upload threads (daemons, idle
 * ones end after a minute); {@link #close()} releases them.
 */
public final class S3BlobStore implements BlobStore, DownloadLinkSigner, MultipartUploads, AutoCloseable {
  /** Attempts per S3 request, the first included, before the SDK gives up. */
  static final int MAX_ATTEMPTS = 5;

  /** The longest a pre-signed link can live with SigV4. */
  static final Duration MAX_LINK_LIFETIME = Duration.ofDays(7);

  private static final int DELETE_BATCH = 1000;

  private final S3StorageConfig config;
  private final Region region;
  private final S3Client s3;
  private final S3Bucket bucket;
  private final S3Presigner presigner;
  private final Clock clock;

  private S3BlobStore(S3StorageConfig config, Region region, S3Client s3, S3Presigner presigner, Clock clock) {
    this.config = config;
    this.region = region;
    this.s3 = s3;
    this.bucket = new S3Bucket(config, s3);
    this.presigner = presigner;
    this.clock = clock;
  }

  /**
   * A store as configured. Builds the S3 client and resolves the region and the credentials
   * provider; sends no request, so a wrong bucket or wrong credentials show on first use.
   *
   * @throws IllegalArgumentException when no region is set and the SDK's default region provider
   *     chain finds none
   */
  public static S3BlobStore create(S3StorageConfig config) {
    Objects.requireNonNull(config, "config");
    Region region = config.region().map(Region::of).orElseGet(() -> defaultRegion(config));
    AwsCredentialsProvider credentials = credentials(config);
    S3Client s3 = S3Client.builder()
        .region(region)
        .credentialsProvider(credentials)
        .applyMutation(b -> config.endpoint().ifPresent(b::endpointOverride))
        .forcePathStyle(config.pathStyle())
        .httpClientBuilder(Apache5HttpClient.builder()
            .maxConnections(Math.max(50, 4 * config.inFlightParts()))
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(MAX_ATTEMPTS).build()))
        .build();
    S3Presigner.Builder presigner = S3Presigner.builder()
        .region(region)
        .credentialsProvider(credentials)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
    config.endpoint().ifPresent(presigner::endpointOverride);
    return new S3BlobStore(config, region, s3, presigner.build(), Clock.systemUTC());
  }

  private static Region defaultRegion(S3StorageConfig config) {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw new IllegalArgumentException("no region for " + config.location() + ": set one in the config (region="
          + " in the location URI) or in AWS_REGION", e);
    }
  }

  private static AwsCredentialsProvider credentials(S3StorageConfig config) {
    if (config.accessKeyId().isPresent()) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId().get(),
          config.secretAccessKey().orElseThrow()));
    }
    if (config.profile().isPresent()) {
      return ProfileCredentialsProvider.builder().profileName(config.profile().get()).build();
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** The settings the store was created with. */
  public S3StorageConfig config() {
    return config;
  }

  /**
   * {@inheritDoc} Same as {@code beginUpload(key, UploadJournal.NONE)}.
   *
   * @throws IllegalArgumentException naming the key when it is invalid
   */
  @Override
  public BlobUpload beginUpload(String key) {
    return new S3Upload(bucket, BlobStore.requireValidKey(key), UploadJournal.NONE);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Sends nothing yet: the multipart upload is opened when the first part is full and the
   * writer goes on, on the writer's thread, and journaled before the part is sent; an object of at
   * most one part is put at commit without one. When the journal refuses, the upload is aborted
   * and its exception is thrown, unchanged, from the stream's write. The stream's
   * {@code write} blocks while {@link S3StorageConfig#inFlightParts()} parts are held; it throws a
   * {@link ExportException} when a part failed (the upload is then aborted) and an
   * {@link java.io.IOException} once the upload is aborted.
   *
   * @throws IllegalArgumentException naming the key when it is invalid
   */
  @Override
  public BlobUpload beginUpload(String key, UploadJournal journal) {
    return new S3Upload(bucket, BlobStore.requireValidKey(key), Objects.requireNonNull(journal, "journal"));
  }

  /**
   * {@inheritDoc} Asks HeadObject; the result carries the lifecycle expiry when the bucket has one
   * for the object.
   *
   * @throws IllegalArgumentException naming the key when it is invalid
   */
  @Override
  public Optional<BlobInfo> stat(String key) {
    BlobStore.requireValidKey(key);
    return bucket.head(config.objectName(key))
        .map(head -> new BlobInfo(key, head.contentLength(), Expiration.parse(head.expiration())));
  }

  /**
   * {@inheritDoc} The stream reads the object's body as S3 sends it; the caller closes it.
   *
   * @throws IllegalArgumentException naming the key when it is invalid
   */
  @Override
  public InputStream open(String key) {
    BlobStore.requireValidKey(key);
    String name = config.objectName(key);
    try {
      ResponseInputStream<GetObjectResponse> body = s3.getObject(b -> b.bucket(config.bucket()).key(name));
      return body;
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        throw new ExportException("no object '" + key + "' in " + location(name), e, false);
      }
      throw S3Failures.map("read", location(name), e);
    }
  }

  /**
   * {@inheritDoc} Objects whose names under the key prefix are not valid keys are skipped. The
   * results carry no expiry (listing does not report it; {@link #stat} does).
   *
   * @throws IllegalArgumentException naming the prefix when it is invalid
   */
  @Override
  public List<BlobInfo> list(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    List<BlobInfo> found = new ArrayList<>();
    for (S3Object object : bucket.listObjects(prefix)) {
      String key = bucket.keyOf(object.key());
      if (key != null) {
        found.add(new BlobInfo(key, object.size()));
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
    String name = config.objectName(key);
    try {
      s3.deleteObject(b -> b.bucket(config.bucket()).key(name));
    } catch (SdkException e) {
      if (!S3Failures.isNotFound(e)) {
        throw S3Failures.map("delete", location(name), e);
      }
    }
  }

  /**
   * {@inheritDoc} Lists the objects under the prefix and deletes them with DeleteObjects, 1000 at
   * a time. Multipart uploads still open under the prefix are not objects: abort them with
   * {@link #abortUploads} (the engine does). Note: an empty prefix on a
   * store without key prefix deletes every object in the bucket.
   *
   * @throws IllegalArgumentException naming the prefix when it is invalid
   */
  @Override
  public void deleteByPrefix(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    List<ObjectIdentifier> batch = new ArrayList<>(DELETE_BATCH);
    for (S3Object object : bucket.listObjects(prefix)) {
      batch.add(ObjectIdentifier.builder().key(object.key()).build());
      if (batch.size() == DELETE_BATCH) {
        deleteBatch(prefix, batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      deleteBatch(prefix, batch);
    }
  }

  private void deleteBatch(String prefix, List<ObjectIdentifier> batch) {
    DeleteObjectsResponse response;
    try {
      response = s3.deleteObjects(b -> b.bucket(config.bucket()).delete(d -> d.objects(batch).quiet(true)));
    } catch (SdkException e) {
      throw S3Failures.map("delete the objects under", location(config.objectName(prefix)), e);
    }
    List<S3Error> errors = response.errors().stream().filter(error -> !"NoSuchKey".equals(error.code())).toList();
    if (!errors.isEmpty()) {
      S3Error first = errors.get(0);
      boolean retryable = !"AccessDenied".equals(first.code());
      throw new ExportException("cannot delete " + errors.size() + " of the objects under "
          + location(config.objectName(prefix)) + ", e.g. " + location(first.key()) + ": " + first.code() + ": "
          + first.message(), retryable);
    }
  }

  /**
   * {@code S3 bucket s3://bucket/prefix/ (region r)}: the location as users know it. An
   * S3-compatible endpoint names a host of the operator's network, so only {@link #toString()}
   * shows it.
   */
  @Override
  public String describe() {
    return "S3 bucket " + config.location() + " (region " + region.id() + ")";
  }

  /** {@code S3 bucket s3://bucket/prefix/ (region r[, endpoint e])}, for operators. */
  @Override
  public String toString() {
    return "S3 bucket " + config.location() + " (region " + region.id()
        + config.endpoint().map(e -> ", endpoint " + e).orElse("") + ")";
  }

  /**
   * {@inheritDoc}
   *
   * <p>A SigV4 pre-signed GET of the object, with {@code response-content-disposition} set to
   * {@code attachment; filename="<fileName>"}. The link lives from now to {@code expiresAt},
   * rounded down to whole seconds. Whether the object exists is checked when the link is fetched.
   *
   * @throws IllegalArgumentException naming the value when the key is invalid, the file name is
   *     empty or holds a character other than printable ASCII, or one of {@code "}, {@code \} and
   *     {@code /}, or {@code expiresAt} is less than a second away or more than 7 days away
   */
  @Override
  public URI signedLink(String key, String fileName, Instant expiresAt) {
    DownloadLinkSigner.requireValidArguments(key, fileName, expiresAt);
    if (fileName.chars().anyMatch(c -> c > 0x7e)) {
      throw new IllegalArgumentException("invalid fileName '" + fileName
          + "': it must be non-empty printable ASCII without '\"', '\\' or '/'");
    }
    Duration lifetime = Duration.between(clock.instant(), expiresAt).withNanos(0);
    if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(MAX_LINK_LIFETIME) > 0) {
      throw new IllegalArgumentException("expiresAt must be from 1 second to 7 days from now for an S3 pre-signed "
          + "link, got " + expiresAt);
    }
    String name = config.objectName(key);
    try {
      return presigner.presignGetObject(p -> p.signatureDuration(lifetime)
              .getObjectRequest(g -> g.bucket(config.bucket()).key(name)
                  .responseContentDisposition("attachment; filename=\"" + fileName + "\"")))
          .url().toURI();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("the SDK made a pre-signed URL that is not a URI", e);
    } catch (SdkException e) {
      throw S3Failures.map("sign a link to", location(name), e);
    }
  }

  /**
   * {@inheritDoc} Asks ListMultipartUploads and aborts each upload, oldest first; uploads whose
   * names under the key prefix are not valid keys are left alone.
   *
   * @throws IllegalArgumentException naming the prefix when it is invalid
   */
  @Override
  public int abortUploads(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    List<MultipartUpload> found = new ArrayList<>(bucket.listUploads(config.objectName(prefix)));
    found.sort(Comparator.comparing(MultipartUpload::initiated));
    int aborted = 0;
    for (MultipartUpload upload : found) {
      String key = bucket.keyOf(upload.key());
      if (key != null) {
        abortUpload(key, upload.uploadId());
        aborted++;
      }
    }
    return aborted;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException naming the key when it is invalid, or the upload id when it is blank
   */
  @Override
  public void abortUpload(String key, String uploadId) {
    BlobStore.requireValidKey(key);
    Objects.requireNonNull(uploadId, "uploadId");
    if (uploadId.isBlank()) {
      throw new IllegalArgumentException("uploadId must not be blank");
    }
    String name = config.objectName(key);
    try {
      s3.abortMultipartUpload(b -> b.bucket(config.bucket()).key(name).uploadId(uploadId));
    } catch (SdkException e) {
      if (!S3Failures.isNotFound(e)) {
        throw S3Failures.map("abort multipart upload " + uploadId + " of", location(name), e);
      }
    }
  }

  /** Closes the S3 client, the link signer and the part pool; uploads in flight then fail. Idempotent. */
  @Override
  public void close() {
    bucket.close();
    presigner.close();
  }

  /** {@code s3://bucket/objectName}, for messages. */
  private String location(String objectName) {
    return bucket.location(objectName);
  }
}
