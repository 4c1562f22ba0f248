package dev.fdbe.storage.s3;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/*
 * A store's connection to its bucket: the SDK client and the pool of threads that upload parts,
 * with the requests for writing and listing, by object name (the key prefix already applied): the
 * multipart upload steps S3Upload drives, the single PUT, HeadObject, the abort that checks the
 * upload is gone, and the paginated listings. Each maps a failed request to an ExportException
 * naming the object through S3Failures, the one place that decides what is retryable.
 *
 * The part pool grows with the uploads in flight (each holds at most inFlightParts parts, see
 * S3Upload) and its idle threads, daemons, end after a minute. Thread-safe; close() releases the
 * pool and the client, after which uploads in flight fail.
 */
final class S3Bucket {
  private static final Logger LOG = LoggerFactory.getLogger(S3Bucket.class);
  private static final int ABORT_CHECKS = 3;
  private static final String CONTENT_TYPE = "application/octet-stream";
  private static final String EMPTY_CRC32C = "AAAAAA==";

  private final S3StorageConfig config;
  private final S3Client s3;
  private final ExecutorService parts;

  S3Bucket(S3StorageConfig config, S3Client s3) {
    this.config = config;
    this.s3 = s3;
    AtomicInteger threads = new AtomicInteger();
    this.parts = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, "fdbe-s3-part-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  S3StorageConfig config() {
    return config;
  }

  /** Where parts are uploaded while their upload's writer goes on. */
  Executor partPool() {
    return parts;
  }

  /** Stops the part pool and closes the client; idempotent. */
  void close() {
    parts.shutdownNow();
    s3.close();
  }

  /** {@code s3://bucket/objectName}, for messages. */
  String location(String objectName) {
    return "s3://" + config.bucket() + "/" + objectName;
  }

  // ---------------------------------------------------------------- writing

  String createMultipartUpload(String objectName) {
    CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder()
        .bucket(config.bucket()).key(objectName).contentType(CONTENT_TYPE)
        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
    config.serverSideEncryption().ifPresent(sse -> request.serverSideEncryption(sse.headerValue()));
    config.kmsKeyId().ifPresent(request::ssekmsKeyId);
    try {
      return s3.createMultipartUpload(request.build()).uploadId();
    } catch (SdkException e) {
      throw S3Failures.map("start a multipart upload of", location(objectName), e);
    }
  }

  /** Uploads a part with its CRC32C; returns it completed, with the checksum S3 confirmed. */
  CompletedPart uploadPart(String objectName, String uploadId, PartBuffer part, BooleanSupplier cancelled) {
    String crc32c = part.crc32c();
    try {
      UploadPartResponse response = s3.uploadPart(b -> b.bucket(config.bucket()).key(objectName).uploadId(uploadId)
              .partNumber(part.number()).contentLength(part.size())
              .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumCRC32C(crc32c),
          RequestBody.fromContentProvider(() -> part.newStream(cancelled), part.size(), CONTENT_TYPE));
      checkEcho(response.checksumCRC32C(), crc32c, "part " + part.number() + " of", objectName);
      return CompletedPart.builder().partNumber(part.number()).eTag(response.eTag()).checksumCRC32C(crc32c).build();
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        throw new ExportException("cannot upload part " + part.number() + " of " + location(objectName)
            + ": multipart upload " + uploadId + " is gone (aborted from outside)", e, true);
      }
      throw S3Failures.map("upload part " + part.number() + " of", location(objectName), e);
    }
  }

  void completeMultipartUpload(String objectName, String uploadId, List<CompletedPart> completed) {
    try {
      s3.completeMultipartUpload(b -> b.bucket(config.bucket()).key(objectName).uploadId(uploadId)
          .multipartUpload(m -> m.parts(completed)));
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        throw new ExportException("cannot complete the upload of " + location(objectName) + ": multipart upload "
            + uploadId + " is gone (aborted from outside, e.g. by the janitor after a lost lease)", e, true);
      }
      throw S3Failures.map("complete the upload of", location(objectName), e);
    }
  }

  /** Puts a whole object of at most one part; {@code part} null for an empty object. */
  void putObject(String objectName, @Nullable PartBuffer part) {
    PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(config.bucket()).key(objectName)
        .contentType(CONTENT_TYPE).checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
    config.serverSideEncryption().ifPresent(sse -> request.serverSideEncryption(sse.headerValue()));
    config.kmsKeyId().ifPresent(request::ssekmsKeyId);
    long size = part == null ? 0 : part.size();
    String crc32c = part == null ? EMPTY_CRC32C : part.crc32c();
    request.contentLength(size).checksumCRC32C(crc32c);
    RequestBody body = part == null ? RequestBody.empty()
        : RequestBody.fromContentProvider(() -> part.newStream(() -> false), size, CONTENT_TYPE);
    try {
      checkEcho(s3.putObject(request.build(), body).checksumCRC32C(), crc32c, "", objectName);
    } catch (SdkException e) {
      throw S3Failures.map("put", location(objectName), e);
    }
  }

  /** S3 answers with the checksum it stored; one that differs from the one sent means corruption on the way. */
  private void checkEcho(@Nullable String stored, String sent, String what, String objectName) {
    if (stored != null && !stored.equals(sent)) {
      throw new ExportException("cannot write " + what + (what.isEmpty() ? "" : " ") + location(objectName)
          + ": S3 stored CRC32C " + stored + " but " + sent + " was sent", true);
    }
  }

  Optional<HeadObjectResponse> head(String objectName) {
    try {
      return Optional.of(s3.headObject(b -> b.bucket(config.bucket()).key(objectName)));
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        return Optional.empty();
      }
      throw S3Failures.map("read the metadata of", location(objectName), e);
    }
  }

  void deleteObjectQuietly(String objectName) {
    try {
      s3.deleteObject(b -> b.bucket(config.bucket()).key(objectName));
    } catch (SdkException e) {
      LOG.warn("cannot delete {} after a failed commit", location(objectName), e);
    }
  }

  /**
   * Aborts a multipart upload and checks with ListMultipartUploads that it is gone, aborting again
   * when not (S3 may keep parts that were still arriving). Never throws.
   *
   * @return whether the upload is gone
   */
  boolean abortAndVerify(String objectName, String uploadId) {
    for (int check = 1; check <= ABORT_CHECKS; check++) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(config.bucket()).key(objectName).uploadId(uploadId));
      } catch (SdkException e) {
        if (!S3Failures.isNotFound(e)) {
          LOG.warn("cannot abort multipart upload {} of {}", uploadId, location(objectName), e);
          return false;
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot abort multipart upload {} of {}", uploadId, location(objectName), e);
        return false;
      }
      try {
        boolean open = listUploads(objectName).stream()
            .anyMatch(u -> u.key().equals(objectName) && u.uploadId().equals(uploadId));
        if (!open) {
          return true;
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot check that multipart upload {} of {} is gone", uploadId, location(objectName), e);
        return false;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- listing

  /** The objects whose names start with the key prefix and then {@code prefix}, in S3's order. */
  List<S3Object> listObjects(String prefix) {
    String namePrefix = config.objectName(prefix);
    try {
      List<S3Object> objects = new ArrayList<>();
      s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(namePrefix)).contents().forEach(objects::add);
      return objects;
    } catch (SdkException e) {
      throw S3Failures.map("list the objects under", location(namePrefix), e);
    }
  }

  /** The multipart uploads open on names that start with {@code namePrefix}, in S3's order. */
  List<MultipartUpload> listUploads(String namePrefix) {
    try {
      List<MultipartUpload> uploads = new ArrayList<>();
      s3.listMultipartUploadsPaginator(b -> b.bucket(config.bucket()).prefix(namePrefix)).uploads()
          .forEach(uploads::add);
      return uploads;
    } catch (SdkException e) {
      throw S3Failures.map("list the multipart uploads under", location(namePrefix), e);
    }
  }

  /** The key of an object name, or null when it is outside the key prefix or not a valid key. */
  @Nullable String keyOf(String objectName) {
    String key = objectName;
    if (!config.keyPrefix().isEmpty()) {
      String prefix = config.keyPrefix() + "/";
      if (!objectName.startsWith(prefix)) {
        return null;
      }
      key = objectName.substring(prefix.length());
    }
    try {
      return BlobStore.requireValidKey(key);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
