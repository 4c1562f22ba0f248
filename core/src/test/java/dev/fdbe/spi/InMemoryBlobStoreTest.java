package dev.fdbe.spi;

import dev.fdbe.BlobStores;

class InMemoryBlobStoreTest extends BlobStoreContractTest {
  @Override
  protected BlobStore newStore() {
    return BlobStores.inMemory();
  }
}
