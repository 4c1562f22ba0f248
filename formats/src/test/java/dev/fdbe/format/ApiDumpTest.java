package dev.fdbe.format;

import dev.fdbe.testing.ApiDump;
import org.junit.jupiter.api.Test;

/** This module's public API against its dump, formats/api/fdbe-formats.api (see docs/compatibility.md). */
class ApiDumpTest {
  @Test
  void publicApiMatchesTheDump() {
    ApiDump.assertMatchesDump(ExportFiles.class, "fdbe-formats");
  }
}
