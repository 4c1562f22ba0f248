package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageConfigTest {
  @TempDir
  Path dir;

  private static byte[] key(int length) {
    byte[] key = new byte[length];
    Arrays.fill(key, (byte) 1);
    return key;
  }

  @Test
  void defaults() {
    LocalStorageConfig config = LocalStorageConfig.builder(dir).build();

    assertThat(config.root()).isEqualTo(dir.toAbsolutePath().normalize());
    assertThat(config.linkBaseUrl()).isEqualTo(URI.create("http://127.0.0.1:8000/fdbe/local-downloads"))
        .isEqualTo(LocalStorageConfig.DEFAULT_LINK_BASE_URL);
    assertThat(config.signingKey()).isEmpty();
  }

  @Test
  void aRelativeRootIsMadeAbsoluteAndNormalized() {
    LocalStorageConfig config = LocalStorageConfig.builder(Path.of("a/../files")).build();

    assertThat(config.root()).isEqualTo(Path.of("files").toAbsolutePath());
  }

  @Test
  void buildingTouchesNoFile() {
    LocalStorageConfig.builder(dir.resolve("not-yet")).build();

    assertThat(dir.resolve("not-yet")).doesNotExist();
  }

  @Test
  void aFileSystemRootIsRefused() {
    Path top = dir.getRoot();
    assertThatThrownBy(() -> LocalStorageConfig.builder(top))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(top.toString());
  }

  @Test
  void nullsAreRefusedNamingTheParameter() {
    LocalStorageConfig.Builder builder = LocalStorageConfig.builder(dir);

    assertThatThrownBy(() -> LocalStorageConfig.builder(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("root");
    assertThatThrownBy(() -> builder.linkBaseUrl(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("linkBaseUrl");
    assertThatThrownBy(() -> builder.signingKey(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("signingKey");
  }

  @Test
  void linkBaseUrlDropsTrailingSlashes() {
    URI url = LocalStorageConfig.builder(dir).linkBaseUrl(URI.create("https://dl.example.com:8443/x//")).build()
        .linkBaseUrl();

    assertThat(url).isEqualTo(URI.create("https://dl.example.com:8443/x"));
    assertThat(LocalStorageConfig.builder(dir).linkBaseUrl(URI.create("http://h/")).build().linkBaseUrl())
        .isEqualTo(URI.create("http://h"));
  }

  @Test
  void linkBaseUrlMustBeAPlainHttpUrl() {
    for (String url : List.of("ftp://h/x", "/relative/path", "http:opaque", "http://user:pw@h/x", "http://h/x?a=1",
        "http://h/x#f", "file:///tmp")) {
      assertThatThrownBy(() -> LocalStorageConfig.builder(dir).linkBaseUrl(URI.create(url))).as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + url + "'");
    }
  }

  @Test
  void signingKeyNeedsAtLeast32Bytes() {
    assertThatThrownBy(() -> LocalStorageConfig.builder(dir).signingKey(key(31)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("signingKey must be at least 32 bytes, got 31");
    assertThatThrownBy(() -> LocalStorageConfig.builder(dir).signingKey(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
    assertThat(LocalStorageConfig.builder(dir).signingKey(key(32)).build().signingKey()).hasValueSatisfying(
        k -> assertThat(k).hasSize(32));
    assertThat(LocalStorageConfig.builder(dir).signingKey(key(64)).build().signingKey()).hasValueSatisfying(
        k -> assertThat(k).hasSize(64));
  }

  @Test
  void settingAnOptionTwiceIsAnIllegalStateShowingTheEarlierValue() {
    LocalStorageConfig.Builder builder = LocalStorageConfig.builder(dir)
        .linkBaseUrl(URI.create("http://first/x"))
        .signingKey(key(40));

    assertThatThrownBy(() -> builder.linkBaseUrl(URI.create("http://second/x")))
        .isInstanceOf(IllegalStateException.class).hasMessage("linkBaseUrl was already set to http://first/x");
    assertThatThrownBy(() -> builder.signingKey(key(32)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("signingKey was already set to <40 bytes, not shown>");
  }

  @Test
  void theSigningKeyIsCopiedInAndOut() {
    byte[] given = key(32);
    LocalStorageConfig config = LocalStorageConfig.builder(dir).signingKey(given).build();
    given[0] = 99;
    config.signingKey().orElseThrow()[1] = 99;

    assertThat(config.signingKey()).hasValueSatisfying(k -> assertThat(k).isEqualTo(key(32)));
  }

  @Test
  void toStringHidesTheSigningKey() {
    byte[] secret = "secret-secret-secret-secret-secret".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    LocalStorageConfig config = LocalStorageConfig.builder(dir).signingKey(secret).build();

    assertThat(config.toString()).contains(dir.toString()).contains("34 bytes").doesNotContain("secret");
  }

  @Test
  void toBuilderCopiesValuesThatMayEachBeReplacedOnce() {
    LocalStorageConfig original = LocalStorageConfig.builder(dir)
        .linkBaseUrl(URI.create("http://first/x"))
        .signingKey(key(32))
        .build();

    assertThat(original.toBuilder().build()).isEqualTo(original).hasSameHashCodeAs(original);
    LocalStorageConfig changed = original.toBuilder().linkBaseUrl(URI.create("http://second/x")).build();
    assertThat(changed.linkBaseUrl()).isEqualTo(URI.create("http://second/x"));
    assertThat(changed.signingKey()).hasValueSatisfying(k -> assertThat(k).isEqualTo(key(32)));
    assertThat(changed).isNotEqualTo(original);
  }

  @Test
  void theBuilderStaysUsableAfterBuild() {
    LocalStorageConfig.Builder builder = LocalStorageConfig.builder(dir);
    LocalStorageConfig first = builder.build();
    builder.linkBaseUrl(URI.create("http://h/x"));

    assertThat(first.linkBaseUrl()).isEqualTo(LocalStorageConfig.DEFAULT_LINK_BASE_URL);
    assertThat(builder.build().linkBaseUrl()).isEqualTo(URI.create("http://h/x"));
  }
}
