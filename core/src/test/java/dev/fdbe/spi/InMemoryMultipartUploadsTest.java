package dev.fdbe.spi;

import dev.fdbe.BlobStores;

class InMemoryMultipartUploadsTest extends MultipartUploadsContractTest {
  @Override
  protected MultipartUploads newStore() {
    return (MultipartUploads) BlobStores.inMemory();
  }
}
