package dev.fdbe.storage.local;

import dev.fdbe.spi.BlobStore;

/** Every test of the local store again, with every upload written through the page cache. */
class LocalBlobStorePageCacheTest extends LocalBlobStoreTest {
  @Override
  protected BlobStore newStore() {
    LocalBlobStore store = (LocalBlobStore) super.newStore();
    store.tempFiles.throughThePageCache();
    return store;
  }

  @Override
  protected boolean directExpected() {
    return false;
  }
}
