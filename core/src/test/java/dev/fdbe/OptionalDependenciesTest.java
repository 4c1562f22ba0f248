package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.internal.RequestValidator;
import dev.fdbe.testing.ApiDump;
import dev.fdbe.testing.CoreAloneProbe;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * What a host meets when it adds none of core's optional dependencies (H2, pgjdbc, Micrometer, a storage
 * module, the formats): each one it asks for fails at once naming the coordinate to add, and an
 * export that needs none of them runs.
 */
class OptionalDependenciesTest {
  @Test
  void withCoreAloneEachOptionalPartNamesItsCoordinateAndAnInMemoryExportRuns() throws Exception {
    Map<String, String> seen = probeWithCoreAlone();

    assertThat(seen.get("h2")).isEqualTo("IllegalStateException: H2 is not on the class path: add "
        + "com.h2database:h2 to use an embedded run store");
    assertThat(seen.get("file:///tmp/fdbe-probe")).startsWith("IllegalArgumentException: no blob store handles "
        + "'file:///tmp/fdbe-probe'; add dev.fdbe:fdbe-storage-local to the class path for scheme 'file'");
    assertThat(seen.get("s3://bucket/prefix/")).contains("add dev.fdbe:fdbe-storage-s3 to the class path");
    assertThat(seen.get("gs://bucket/prefix/")).contains("add dev.fdbe:fdbe-storage-gcs to the class path");
    assertThat(seen.get("ftp://host/x")).doesNotContain("for scheme 'ftp'").contains("schemes on the class path: []");
    assertThat(seen.get("postgres-source")).as("a PostgreSQL source without pgjdbc")
        .isEqualTo("ExportException: cannot query the events table: the database connection failed (SQLSTATE 08001)");
    assertThat(seen.get("export")).as("an export without Micrometer, H2 or any store module").isEqualTo("COMPLETED");
  }

  @Test
  void anEngineWithoutFormatWritersRefusesARunNamingTheModule() {
    RequestValidator validator = new RequestValidator(Clock.systemUTC(), Duration.ofDays(7), Map.of());
    Instant start = Instant.now().minus(Duration.ofDays(2));
    ExportRequest request = ExportRequest.builder(Model.EVENTS, start, start.plus(Duration.ofDays(1)))
        .file(FileConfig.of(FileFormat.PARQUET)).build();

    assertThatThrownBy(() -> validator.validate(request)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("file format 'Parquet' is not available in this installation; no format writer is on "
            + "the class path (add dev.fdbe:fdbe-formats)");
  }

  /**
   * Runs {@link CoreAloneProbe} in a class loader holding core's classes, its test classes (for the
   * probe and a test format) and its required dependencies (slf4j-api, JSpecify), over the platform
   * class loader: no H2, Micrometer, storage module or fdbe-formats.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, String> probeWithCoreAlone() throws Exception {
    Path classes = ApiDump.classesDirOf(ExportEngine.class);
    Path testClasses = classes.resolveSibling("test-classes");
    URL[] path = {
        classes.toUri().toURL(),
        testClasses.toUri().toURL(),
        codeSourceOf(org.slf4j.LoggerFactory.class),
        codeSourceOf(org.jspecify.annotations.Nullable.class),
    };
    try (URLClassLoader alone = new URLClassLoader("core-alone", path, ClassLoader.getPlatformClassLoader())) {
      assertThat(canLoad(alone, "org.h2.Driver")).isFalse();
      assertThat(canLoad(alone, "io.micrometer.core.instrument.Metrics")).isFalse();
      assertThat(canLoad(alone, "org.postgresql.copy.CopyManager")).isFalse();
      assertThat(canLoad(alone, "dev.fdbe.storage.local.LocalBlobStore")).isFalse();
      Class<?> probe = Class.forName(CoreAloneProbe.class.getName(), true, alone);
      assertThat(probe.getClassLoader()).isSameAs(alone);
      Thread thread = Thread.currentThread();
      ClassLoader before = thread.getContextClassLoader();
      thread.setContextClassLoader(alone);
      try {
        return ((Callable<Map<String, String>>) probe.getDeclaredConstructor().newInstance()).call();
      } finally {
        thread.setContextClassLoader(before);
      }
    }
  }

  private static URL codeSourceOf(Class<?> type) throws Exception {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  private static boolean canLoad(ClassLoader loader, String name) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
