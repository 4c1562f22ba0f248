package dev.fdbe.storage.local;

import dev.fdbe.testing.ApiDump;
import org.junit.jupiter.api.Test;

/** This module's public API against its dump, storage-local/api/fdbe-storage-local.api (see docs/compatibility.md). */
class ApiDumpTest {
  @Test
  void publicApiMatchesTheDump() {
    ApiDump.assertMatchesDump(LocalBlobStore.class, "fdbe-storage-local");
  }
}
