package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  @TempDir
  Path parent;

  private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();
  private final PrintStream warn = new PrintStream(warnings, true, StandardCharsets.UTF_8);

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void aNewDataDirectoryIsCreatedPrivate() throws Exception {
    Path directory = DataDirectory.makePrivate(parent.resolve("a/b/data"), warn);

    assertThat(mode(directory)).isEqualTo("rwx------");
    assertThat(warnings.size()).isZero();
  }

  @Test
  void anExistingDirectoryOpenToOthersIsTightenedWithAWarning() throws Exception {
    Path directory = Files.createDirectory(parent.resolve("data"));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));

    DataDirectory.makePrivate(directory, warn);

    assertThat(mode(directory)).isEqualTo("rwx------");
    assertThat(warnings.toString(StandardCharsets.UTF_8)).contains("Warning").contains(directory.toString())
        .contains("rwxr-xr-x");
  }

  @Test
  void oneProcessHoldsADirectoryAndTheNextIsToldWho() throws Exception {
    Path directory = parent.resolve("data");
    try (DataDirectory held = DataDirectory.claim(directory, "serve", warn)) {
      held.record(new DataDirectory.Holder(ProcessHandle.current().pid(), "serve", Instant.parse("2026-12-01T00:00:00Z"),
          URI.create("http://127.0.0.1:8123"), "t".repeat(64)));
      assertThat(mode(directory.resolve(DataDirectory.HOLDER_FILE))).isEqualTo("rw-------");
      assertThat(mode(directory.resolve(DataDirectory.LOCK_FILE))).isEqualTo("rw-------");

      assertThatThrownBy(() -> DataDirectory.claim(directory, "example-export", warn))
          .isInstanceOf(DataDirectory.HeldException.class)
          .hasMessageContaining("in use by the fdbe server (pid " + ProcessHandle.current().pid())
          .hasMessageContaining("http://127.0.0.1:8123")
          .hasMessageContaining("--data-dir");
      // The refused claim did not drop the holder's lock.
      assertThatThrownBy(() -> DataDirectory.claim(directory, "keys list", warn))
          .isInstanceOf(DataDirectory.HeldException.class);
    }
    assertThat(directory.resolve(DataDirectory.HOLDER_FILE)).doesNotExist();
    try (DataDirectory again = DataDirectory.claim(directory, "keys list", warn)) {
      assertThat(DataDirectory.readHolder(again.path).orElseThrow().command()).isEqualTo("keys list");
    }
  }

  @Test
  void aFileThatHoldsSecretsIsMadePrivate() throws Exception {
    Path file = Files.writeString(parent.resolve("fdbe.mv.db"), "x");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    DataDirectory.makeFilePrivate(file);

    assertThat(mode(file)).isEqualTo("rw-------");
  }
}
