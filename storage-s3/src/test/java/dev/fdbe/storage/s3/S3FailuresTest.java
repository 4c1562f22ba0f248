package dev.fdbe.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.ExportException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** How S3's answers become ExportExceptions, once the SDK has given up retrying them. */
class S3FailuresTest {
  private static S3Exception answer(int status, String code) {
    return (S3Exception) S3Exception.builder().statusCode(status).requestId("REQ1")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("message of " + code).build())
        .build();
  }

  @ParameterizedTest
  @CsvSource({
      "403, AccessDenied, false", "403, InvalidAccessKeyId, false", "403, SignatureDoesNotMatch, false",
      "404, NoSuchBucket, false", "403, AllAccessDisabled, false", "400, KMS.DisabledException, false",
      "400, InvalidArgument, false", "400, ExpiredToken, true", "500, InternalError, true",
      "503, SlowDown, true", "503, ServiceUnavailable, true", "400, RequestTimeout, true",
      "403, RequestTimeTooSkewed, true", "409, OperationAborted, true", "429, TooManyRequests, true",
      "502, BadGateway, true"})
  void retryableOnlyWhenALaterAttemptMayWork(int status, String code, boolean retryable) {
    ExportException mapped = S3Failures.map("put", "s3://b/k/x.csv", answer(status, code));

    assertThat(mapped.isRetryable()).as(code).isEqualTo(retryable);
    assertThat(mapped).hasMessageStartingWith("cannot put s3://b/k/x.csv: " + code + " (HTTP " + status + ")")
        .hasMessageContaining("message of " + code).hasMessageContaining("REQ1");
    assertThat(mapped.getCause()).isInstanceOf(S3Exception.class);
  }

  @Test
  void permanentFailuresSayWhatToCheck() {
    assertThat(S3Failures.map("put", "s3://b/k", answer(403, "AccessDenied")))
        .hasMessageContaining("check that the credentials may use this bucket and key");
    assertThat(S3Failures.map("list", "s3://b/", answer(404, "NoSuchBucket")))
        .hasMessageContaining("the bucket does not exist");
    S3Exception headDenied = (S3Exception) S3Exception.builder().statusCode(403).build();
    assertThat(S3Failures.map("stat", "s3://b/k", headDenied))
        .hasMessageContaining("access denied").satisfies(e -> assertThat(e.isRetryable()).isFalse());
  }

  @Test
  void clientSideIoAndTimeoutsAreRetryableOtherClientErrorsAreNot() {
    assertThat(S3Failures.isRetryable(SdkClientException.create("io", new IOException("reset")))).isTrue();
    assertThat(S3Failures.isRetryable(SdkClientException.create("read", new SocketTimeoutException("t")))).isTrue();
    assertThat(S3Failures.isRetryable(ApiCallTimeoutException.create(1000))).isTrue();
    assertThat(S3Failures.isRetryable(SdkClientException.create("Unable to load credentials from any provider")))
        .isFalse();
  }

  @Test
  void notFoundIsA404OtherThanAMissingBucket() {
    assertThat(S3Failures.isNotFound(answer(404, "NoSuchKey"))).isTrue();
    assertThat(S3Failures.isNotFound(answer(404, "NoSuchUpload"))).isTrue();
    assertThat(S3Failures.isNotFound(answer(404, "NoSuchBucket"))).isFalse();
    assertThat(S3Failures.isNotFound(answer(403, "AccessDenied"))).isFalse();
  }
}
