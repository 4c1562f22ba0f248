package dev.fdbe.storage.s3;

/**
 * How S3 encrypts the objects the store writes, sent with every upload. Without one, the bucket's
 * default encryption applies (SSE-S3 on AWS since 2023).
 */
public enum ServerSideEncryption {
  /** SSE-S3: keys managed by S3 ({@code x-amz-server-side-encryption: AES256}). */
  SSE_S3("AES256"),
  /**
   * SSE-KMS: keys in AWS KMS ({@code x-amz-server-side-encryption: aws:kms}), with the key set by
   * {@link S3StorageConfig.Builder#kmsKeyId} or the account's AWS managed key for S3. Downloading
   * through a pre-signed link then needs {@code kms:Decrypt} for the credentials that signed it.
   */
  SSE_KMS("aws:kms");

  private final String headerValue;

  ServerSideEncryption(String headerValue) {
    this.headerValue = headerValue;
  }

  /** The value of the {@code x-amz-server-side-encryption} header, e.g. {@code aws:kms}. */
  public String headerValue() {
    return headerValue;
  }

  /**
   * The encryption a header value names, as in the store's location URI ({@code sse=aws:kms}).
   *
   * @throws IllegalArgumentException naming the value and the known ones
   */
  public static ServerSideEncryption fromHeaderValue(String value) {
    for (ServerSideEncryption sse : values()) {
      if (sse.headerValue.equals(value)) {
        return sse;
      }
    }
    throw new IllegalArgumentException("unknown server-side encryption '" + value + "'; known: AES256 (SSE-S3), "
        + "aws:kms (SSE-KMS)");
  }
}
