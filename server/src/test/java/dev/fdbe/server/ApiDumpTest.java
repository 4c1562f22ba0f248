package dev.fdbe.server;

import dev.fdbe.testing.ApiDump;
import org.junit.jupiter.api.Test;

/** This module's public API against its dump, server/api/fdbe-server.api (see docs/compatibility.md). */
class ApiDumpTest {
  @Test
  void publicApiMatchesTheDump() {
    ApiDump.assertMatchesDump(Main.class, "fdbe-server");
  }
}
