package dev.fdbe.storage.s3;

import dev.fdbe.testing.ApiDump;
import org.junit.jupiter.api.Test;

/** This module's public API against its dump, storage-s3/api/fdbe-storage-s3.api (see docs/compatibility.md). */
class ApiDumpTest {
  @Test
  void publicApiMatchesTheDump() {
    ApiDump.assertMatchesDump(S3BlobStore.class, "fdbe-storage-s3");
  }
}
