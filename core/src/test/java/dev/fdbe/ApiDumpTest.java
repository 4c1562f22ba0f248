package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.testing.ApiDump;
import org.junit.jupiter.api.Test;

/** Core's exported API against its dump, core/api/fdbe-core.api (see docs/compatibility.md). */
class ApiDumpTest {
  @Test
  void exportedApiMatchesTheDump() {
    ApiDump.assertMatchesDump(ExportEngine.class, "fdbe-core");
  }

  @Test
  void exportedTypesNestOnlyBuildersAndTheVariantsOfSealedTypes() {
    assertThat(ApiDump.ofModule(ExportEngine.class).nestedTypesOtherThanBuildersAndVariants())
        .as("public nested types in exported packages that are neither a Builder nor a permitted"
            + " subclass of their sealed enclosing type; make them top-level or not public")
        .isEmpty();
  }
}
