package dev.fdbe.storage.gcs;

import dev.fdbe.testing.ApiDump;
import org.junit.jupiter.api.Test;

/** This module's public API against its dump, storage-gcs/api/fdbe-storage-gcs.api (see docs/compatibility.md). */
class ApiDumpTest {
  @Test
  void publicApiMatchesTheDump() {
    ApiDump.assertMatchesDump(GcsBlobStore.class, "fdbe-storage-gcs");
  }
}
