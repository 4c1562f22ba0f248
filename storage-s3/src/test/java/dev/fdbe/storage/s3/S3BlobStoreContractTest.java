package dev.fdbe.storage.s3;

import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The blob store contract on S3Proxy, with a key prefix so that stripping it is exercised too. */
class S3BlobStoreContractTest extends BlobStoreContractTest {
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
  protected BlobStore newStore() {
    return S3BlobStore.create(server.config(server.newBucket()).keyPrefix("tenant/exports").build());
  }

  @AfterEach
  void closeStore() {
    ((S3BlobStore) store).close();
  }
}
