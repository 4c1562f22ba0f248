package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --public-url}: the one source of absolute links, required beyond loopback. */
class PublicUrlTest {
  @TempDir
  Path directory;

  private static ServerApp.Settings settings(String... args) {
    return Main.settings(Options.parse(List.of(args), Commands.SERVE_OPTIONS, Map.of()), Map.of());
  }

  @Test
  void onLoopbackItDefaultsToTheAddressListenedOn() {
    assertThat(settings().publicUrl()).as("resolved once the port is bound").isNull();
    assertThat(settings("--host", "localhost").publicUrl()).isNull();
    assertThat(settings("--host", "::1").publicUrl()).isNull();
    assertThat(ServerApp.urlHost("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(ServerApp.urlHost("::1")).isEqualTo("[::1]");
    assertThat(ServerApp.urlHost("0.0.0.0")).isEqualTo("127.0.0.1");
    assertThat(settings("--public-url", "https://exports.example.com").publicUrl())
        .hasToString("https://exports.example.com");
  }

  @Test
  void beyondLoopbackTheServerRefusesToStartWithoutIt() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(List.of("serve", "--host", "0.0.0.0", "--data-dir", directory.toString()),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--public-url is required").contains("0.0.0.0");
    assertThat(directory).isEmptyDirectory();
    assertThatThrownBy(() -> settings("--host", "::")).hasMessageContaining("--public-url is required");
    assertThat(settings("--host", "0.0.0.0", "--public-url", "http://10.1.2.3:8000").publicUrl())
        .hasToString("http://10.1.2.3:8000");
  }

  @Test
  void aPublicUrlMustBeAnAbsoluteHttpUrl() {
    for (String bad : List.of("exports.example.com", "ftp://example.com", "https://example.com/?a=b",
        "https://example.com/#top", "https://user:pw@example.com", "http://", "ht tp://x")) {
      assertThatThrownBy(() -> settings("--public-url", bad)).as(bad)
          .isInstanceOf(Options.UsageException.class).hasMessageContaining("--public-url");
    }
  }
}
