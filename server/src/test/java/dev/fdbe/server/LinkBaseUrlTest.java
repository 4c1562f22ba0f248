package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.spi.BlobStoreProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --link-base-url}: where the links of local storage point, for local storage only. */
class LinkBaseUrlTest {
  private static ServerApp.Settings settings(Map<String, String> env, String... args) {
    return Main.settings(Options.parse(List.of(args), Commands.SERVE_OPTIONS, env), env);
  }

  private static ServerApp.Settings settings(String... args) {
    return settings(Map.of(), args);
  }

  @Test
  void withoutItTheServerKeepsItsDefault() {
    assertThat(settings().linkBaseUrl()).as("<public-url>/fdbe/local-downloads, once the port is bound").isNull();
    assertThat(settings("--storage", "file:///srv/fdbe").storage()).hasToString("file:///srv/fdbe");
  }

  @Test
  void theFlagOrItsVariableSetsIt() {
    assertThat(settings("--link-base-url", "https://downloads.example.com/fdbe").linkBaseUrl())
        .hasToString("https://downloads.example.com/fdbe");
    assertThat(settings(Map.of("FDBE_LINK_BASE_URL", "http://127.0.0.1:9000/x")).linkBaseUrl())
        .hasToString("http://127.0.0.1:9000/x");
    assertThat(settings(Map.of("FDBE_LINK_BASE_URL", "http://127.0.0.1:9000/x"), "--link-base-url",
        "https://flag.example.com").linkBaseUrl()).hasToString("https://flag.example.com");
  }

  @Test
  void aFileStorageUriGetsItAsItsParameter() {
    ServerApp.Settings settings = settings("--storage", "file:///srv/fdbe", "--link-base-url",
        "https://downloads.example.com/a+b&c=d");

    assertThat(settings.storage().getScheme()).isEqualTo("file");
    assertThat(settings.storage().getPath()).isEqualTo("/srv/fdbe");
    assertThat(BlobStoreProvider.parameters(settings.storage().getRawQuery()))
        .isEqualTo(Map.of("linkBaseUrl", "https://downloads.example.com/a+b&c=d"));
  }

  @Test
  void itMustBeAnAbsoluteHttpUrl() {
    for (String bad : List.of("downloads.example.com", "ftp://example.com", "https://example.com/?a=b",
        "https://example.com/#top", "https://user:pw@example.com", "http://", "ht tp://x")) {
      assertThatThrownBy(() -> settings("--link-base-url", bad)).as(bad)
          .isInstanceOf(Options.UsageException.class).hasMessageContaining("--link-base-url");
    }
    assertThatThrownBy(() -> settings(Map.of("FDBE_LINK_BASE_URL", "nope")))
        .isInstanceOf(Options.UsageException.class).hasMessageContaining("FDBE_LINK_BASE_URL");
  }

  @Test
  void itIsRefusedBesideAnotherStoreOrASecondLinkBaseUrl() {
    assertThatThrownBy(() -> settings("--storage", "s3://bucket/prefix?region=eu-west-1", "--link-base-url",
        "https://downloads.example.com")).isInstanceOf(Options.UsageException.class)
        .hasMessageContaining("--link-base-url applies to local storage only").hasMessageContaining("s3");
    assertThatThrownBy(() -> settings("--storage", "file:///srv/fdbe?linkBaseUrl=https%3A%2F%2Fa.example.com",
        "--link-base-url", "https://b.example.com")).isInstanceOf(Options.UsageException.class)
        .hasMessageContaining("give one of them");
  }

  @Test
  void aFileStorageWithoutALinkBaseOfItsOwnGetsTheServersSoThatItsLinksLeadHere(@TempDir Path directory) {
    URI here = URI.create("https://exports.example.com/fdbe/local-downloads");
    URI shared = directory.resolve("shared").toUri();
    assertThat(BlobStoreProvider.parameters(EmbeddedDefaults.linkedHere(shared, here).getRawQuery()))
        .isEqualTo(Map.of("linkBaseUrl", here.toString()));
    URI own = URI.create("file:///srv/fdbe?linkBaseUrl=https%3A%2F%2Fa.example.com");
    assertThat(EmbeddedDefaults.linkedHere(own, here)).isEqualTo(own);
    URI s3 = URI.create("s3://bucket/prefix?region=eu-west-1");
    assertThat(EmbeddedDefaults.linkedHere(s3, here)).isEqualTo(s3);

    Path dataDir = directory.resolve("data");
    try (EmbeddedDefaults defaults = new EmbeddedDefaults(dataDir, here, shared, ServerDatabase.embedded(dataDir))) {
      assertThat(defaults.localStore).isNotNull();
      assertThat(defaults.localStore.signedLink("1/x.jsonl", "x.jsonl", Instant.now().plusSeconds(60)).toString())
          .startsWith(here + "/1/x.jsonl?");
    }
  }
}
