package dev.fdbe.internal.store;

import dev.fdbe.RunStores;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.RunStoreContractTest;

class InMemoryRunStoreTest extends RunStoreContractTest {
  @Override
  protected RunStore newStore() {
    return RunStores.inMemory();
  }
}
