package dev.fdbe.storage.s3;

import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * S3Proxy's storage behind its HTTP front end, with faults a test switches on: UploadPart calls
 * that fail with a real {@code 500 InternalError} response, and UploadPart calls held before their
 * body is read until the test lets them go. Counts UploadPart calls, and the part numbers stored
 * per object.
 */
final class FaultyBackend extends ForwardingBlobStore {
  final AtomicInteger uploadPartCalls = new AtomicInteger();
  final AtomicInteger failedUploadParts = new AtomicInteger();
  final AtomicInteger heldUploadParts = new AtomicInteger();
  final Map<String, Set<Integer>> partsStored = new ConcurrentHashMap<>();
  private volatile IntPredicate failUploadPart = call -> false;
  private volatile CountDownLatch hold;
  private volatile long sizeOffset;
  private volatile boolean denyHeads;

  FaultyBackend(BlobStore delegate) {
    super(delegate);
  }

  /** Fails the UploadPart calls whose 1-based number (counted from now) the predicate accepts. */
  void failUploadParts(IntPredicate which) {
    uploadPartCalls.set(0);
    failedUploadParts.set(0);
    failUploadPart = which;
  }

  /** Holds every UploadPart call from now on until the returned latch is counted down. */
  CountDownLatch holdUploadParts() {
    CountDownLatch latch = new CountDownLatch(1);
    hold = latch;
    return latch;
  }

  /** From now on, HeadObject reports every object's size off by this many bytes. */
  void misreportSizes(long offset) {
    sizeOffset = offset;
  }

  /** From now on, HeadObject is refused with 403 AccessDenied, as for a key that may put but not read. */
  void denyHeads() {
    denyHeads = true;
  }

  @Override
  public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
    if (denyHeads) {
      throw (S3Exception) S3Exception.builder().statusCode(403).message("injected denial")
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied").build())
          .build();
    }
    HeadObjectResponse response = super.blobMetadata(request);
    long offset = sizeOffset;
    return offset == 0 ? response : response.toBuilder().contentLength(response.contentLength() + offset).build();
  }

  void reset() {
    sizeOffset = 0;
    denyHeads = false;
    failUploadPart = call -> false;
    uploadPartCalls.set(0);
    failedUploadParts.set(0);
    CountDownLatch latch = hold;
    hold = null;
    if (latch != null) {
      latch.countDown();
    }
    heldUploadParts.set(0);
    partsStored.clear();
  }

  @Override
  public UploadPartResponse uploadMultipartPart(MultipartUpload mpu, UploadPartRequest request, InputStream is) {
    int call = uploadPartCalls.incrementAndGet();
    CountDownLatch latch = hold;
    if (latch != null) {
      heldUploadParts.incrementAndGet();
      try {
        if (!latch.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("a held UploadPart was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        heldUploadParts.decrementAndGet();
      }
    }
    if (failUploadPart.test(call)) {
      failedUploadParts.incrementAndGet();
      // Read the body first, as S3 does before it fails, so that the client gets the 500 response.
      try {
        is.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      throw (S3Exception) S3Exception.builder().statusCode(500).message("injected failure")
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalError")
              .errorMessage("injected failure of UploadPart call " + call).build())
          .build();
    }
    UploadPartResponse response = super.uploadMultipartPart(mpu, request, is);
    partsStored.computeIfAbsent(mpu.blobName(), k -> ConcurrentHashMap.newKeySet()).add(request.partNumber());
    return response;
  }
}
