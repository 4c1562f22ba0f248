package dev.fdbe.storage.s3;

import dev.fdbe.ExportException;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/*
 * The one place where SDK exceptions become ExportExceptions. By the time an exception gets here
 * the SDK has already retried it with backoff (5xx, throttling, timeouts, I/O), so "retryable"
 * means "a later attempt of the run may work", not "try this request again now".
 *
 * Not retryable: what an operator must fix (credentials, permissions, a missing bucket, a KMS key
 * that is disabled) and requests S3 refuses as malformed. Retryable: 5xx, 408, 429, throttling and
 * clock skew codes, an expired session token (role credentials rotate), and client-side I/O and
 * timeouts. An unknown client exception (e.g. no credentials found at all) is not retryable.
 */
final class S3Failures {
  private static final Set<String> RETRYABLE_CODES = Set.of("RequestTimeout", "SlowDown", "InternalError",
      "ServiceUnavailable", "OperationAborted", "RequestTimeTooSkewed", "ExpiredToken", "TokenRefreshRequired",
      "Throttling", "ThrottlingException", "KMS.ThrottlingException");
  private static final Set<String> PERMANENT_CODES = Set.of("AccessDenied", "InvalidAccessKeyId",
      "SignatureDoesNotMatch", "NoSuchBucket", "AllAccessDisabled", "AccountProblem", "InvalidBucketName",
      "InvalidToken", "KMS.DisabledException", "KMS.NotFoundException", "KMS.KMSInvalidStateException");

  private S3Failures() {}

  /**
   * The exception to throw for a failed S3 request.
   *
   * @param action what was tried, e.g. {@code "upload part 3 of"}
   * @param location the object or prefix, e.g. {@code s3://bucket/prefix/key}
   */
  static ExportException map(String action, String location, SdkException e) {
    return new ExportException("cannot " + action + " " + location + ": " + reason(e), e, isRetryable(e));
  }

  /** Whether a failure may go away when a later attempt tries again. */
  static boolean isRetryable(SdkException e) {
    if (e instanceof AwsServiceException service) {
      String code = code(service);
      if (code != null && PERMANENT_CODES.contains(code)) {
        return false;
      }
      if (service.isThrottlingException() || service.isClockSkewException()
          || (code != null && RETRYABLE_CODES.contains(code))) {
        return true;
      }
      int status = service.statusCode();
      return status >= 500 || status == 408 || status == 429;
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** Whether S3 answered that the object, upload or key is not there (404 other than a missing bucket). */
  static boolean isNotFound(SdkException e) {
    return e instanceof AwsServiceException service && service.statusCode() == 404
        && !"NoSuchBucket".equals(code(service));
  }

  /** The S3 error code, e.g. {@code AccessDenied}; null for responses without a body (HEAD). */
  static @Nullable String code(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static String reason(SdkException e) {
    if (e instanceof AwsServiceException service) {
      String code = code(service);
      String message = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorMessage();
      StringBuilder text = new StringBuilder();
      text.append(code == null ? "error" : code).append(" (HTTP ").append(service.statusCode()).append(')');
      if (message != null && !message.isBlank()) {
        text.append(": ").append(message);
      }
      String hint = hint(code, service.statusCode());
      if (hint != null) {
        text.append("; ").append(hint);
      }
      if (service.requestId() != null) {
        text.append(" [request id ").append(service.requestId()).append(']');
      }
      return text.toString();
    }
    if (e instanceof SdkClientException && e.getMessage() != null) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static @Nullable String hint(@Nullable String code, int status) {
    if (code == null) {
      return status == 403 ? "access denied: check the credentials and the bucket policy" : null;
    }
    return switch (code) {
      case "AccessDenied", "AllAccessDisabled" -> "check that the credentials may use this bucket and key";
      case "InvalidAccessKeyId" -> "the access key id is not known to the store: check the credentials";
      case "SignatureDoesNotMatch" -> "the secret access key does not match the access key id: check the credentials";
      case "NoSuchBucket" -> "the bucket does not exist: create it or fix the storage location";
      default -> code.startsWith("KMS.") ? "check the KMS key and the permissions on it" : null;
    };
  }
}
