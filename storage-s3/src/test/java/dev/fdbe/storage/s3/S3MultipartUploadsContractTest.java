package dev.fdbe.storage.s3;

import dev.fdbe.spi.MultipartUploads;
import dev.fdbe.spi.MultipartUploadsContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The multipart contract on S3Proxy; every large object spans three S3 parts of 5 MiB. */
class S3MultipartUploadsContractTest extends MultipartUploadsContractTest {
  private static S3ProxyServer server;

  @BeforeAll
  static void startS3() throws Exception {
    server = S3ProxyServer.inMemory();
  }

  @AfterAll
  static void stopS3() throws Exception {
    server.close();
  }

  @Override
  protected MultipartUploads newStore() {
    return S3BlobStore.create(server.config(server.newBucket()).build());
  }

  @Override
  protected int largeObjectBytes() {
    return (int) (S3StorageConfig.MIN_PART_BYTES * 5 / 2);
  }

  @AfterEach
  void closeStore() {
    ((S3BlobStore) store).close();
  }
}
