package dev.fdbe.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class GcsStorageConfigTest {
  /** A client that is never used to send anything: the config only holds it. */
  private final Storage client = StorageOptions.http().setProjectId(GcsStub.PROJECT)
      .setCredentials(NoCredentials.getInstance()).build().getService();

  @Test
  void defaults() {
    GcsStorageConfig config = GcsStorageConfig.builder("my-bucket").build();

    assertThat(config.bucket()).isEqualTo("my-bucket");
    assertThat(config.keyPrefix()).isEmpty();
    assertThat(config.chunkSizeBytes()).isEqualTo(GcsStorageConfig.DEFAULT_CHUNK_SIZE_BYTES).isEqualTo(16 << 20);
    assertThat(config.projectId()).isEmpty();
    assertThat(config.credentialsFile()).isEmpty();
    assertThat(config.credentials()).isEmpty();
    assertThat(config.endpoint()).isEmpty();
    assertThat(config.storage()).isEmpty();
    assertThat(config.linkSigner()).isEmpty();
    assertThat(config.clock()).isEqualTo(Clock.systemUTC());
  }

  @Test
  void bucketNamesAreChecked() {
    for (String bad : new String[] {"", "ab", "UPPER", "-start", "end-", "a..b", "with space", "x".repeat(64),
        "gs://b"}) {
      assertThatThrownBy(() -> GcsStorageConfig.builder(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> GcsStorageConfig.builder(null)).isInstanceOf(NullPointerException.class);
    for (String good : new String[] {"abc", "my_bucket-1", "x".repeat(63), "a.b.c", "1bucket"}) {
      assertThat(GcsStorageConfig.builder(good).build().bucket()).isEqualTo(good);
    }
  }

  @Test
  void keyPrefixIsAValidKey() {
    assertThat(GcsStorageConfig.builder("bkt").keyPrefix("fdbe/exports").build().keyPrefix()).isEqualTo("fdbe/exports");
    for (String bad : new String[] {"", "/a", "a/", "a//b", "a/../b", "a b"}) {
      assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").keyPrefix(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void chunkSizeIsAPositiveMultipleOf256KiBUpTo1GiB() {
    int k256 = GcsStorageConfig.CHUNK_SIZE_GRANULARITY_BYTES;
    assertThat(GcsStorageConfig.builder("bkt").chunkSizeBytes(k256).build().chunkSizeBytes()).isEqualTo(k256);
    assertThat(GcsStorageConfig.builder("bkt").chunkSizeBytes(GcsStorageConfig.MAX_CHUNK_SIZE_BYTES).build()
        .chunkSizeBytes()).isEqualTo(1 << 30);
    for (int bad : new int[] {0, -k256, k256 + 1, k256 / 2, GcsStorageConfig.MAX_CHUNK_SIZE_BYTES + k256}) {
      assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").chunkSizeBytes(bad)).as("%s", bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(bad));
    }
  }

  @Test
  void endpointIsAnHttpOriginWithoutPath() {
    assertThat(GcsStorageConfig.builder("bkt").endpoint(URI.create("http://127.0.0.1:4443/")).build().endpoint())
        .contains(URI.create("http://127.0.0.1:4443"));
    for (String bad : new String[] {"ftp://h", "http:opaque", "http://u@h", "http://h/path", "http://h?q=1",
        "http://h#f", "/relative"}) {
      assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").endpoint(URI.create(bad))).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
    }
  }

  @Test
  void projectIdMustNotBeBlank() {
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").projectId(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void settingAnOptionTwiceNamesTheEarlierValue() {
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").keyPrefix("a").keyPrefix("b"))
        .isInstanceOf(IllegalStateException.class).hasMessage("keyPrefix was already set to a");
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").chunkSizeBytes(1 << 20).chunkSizeBytes(1 << 21))
        .isInstanceOf(IllegalStateException.class).hasMessage("chunkSizeBytes was already set to 1048576");
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").projectId("p").projectId("q"))
        .isInstanceOf(IllegalStateException.class).hasMessage("projectId was already set to p");
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").linkSigner(SigningKeys.credentials())
        .linkSigner(SigningKeys.credentials()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(SigningKeys.EMAIL);
  }

  @Test
  void aGivenClientExcludesTheSettingsOfOneToBuildInEitherOrder() {
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").endpoint(URI.create("http://h:1")).storage(client))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("endpoint, already set to http://h:1");
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").storage(client).projectId("p"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("projectId conflicts with storage");
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").storage(client).credentialsFile(Path.of("k.json")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").credentialsFile(Path.of("k.json"))
        .credentials(SigningKeys.credentials()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("k.json");
    assertThatThrownBy(() -> GcsStorageConfig.builder("bkt").credentials(SigningKeys.credentials())
        .credentialsFile(Path.of("k.json")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ServiceAccountCredentials");
  }

  @Test
  void toBuilderCopiesAndAnotherWayToConnectReplacesTheCopiedOne() {
    GcsStorageConfig original = GcsStorageConfig.builder("bkt").keyPrefix("p").chunkSizeBytes(1 << 20)
        .credentialsFile(Path.of("k.json")).endpoint(URI.create("http://h:1")).build();

    GcsStorageConfig copy = original.toBuilder().build();
    assertThat(copy.keyPrefix()).isEqualTo("p");
    assertThat(copy.chunkSizeBytes()).isEqualTo(1 << 20);
    assertThat(copy.credentialsFile()).contains(Path.of("k.json"));
    assertThat(copy.endpoint()).contains(URI.create("http://h:1"));

    GcsStorageConfig onClient = original.toBuilder().storage(client).keyPrefix("q").build();
    assertThat(onClient.storage()).contains(client);
    assertThat(onClient.credentialsFile()).isEmpty();
    assertThat(onClient.endpoint()).isEmpty();
    assertThat(onClient.keyPrefix()).isEqualTo("q");
    assertThat(onClient.chunkSizeBytes()).isEqualTo(1 << 20);
  }

  @Test
  void buildLeavesTheBuilderReusable() {
    GcsStorageConfig.Builder builder = GcsStorageConfig.builder("bkt").keyPrefix("p");
    assertThat(builder.build().keyPrefix()).isEqualTo(builder.build().keyPrefix());
  }

  @Test
  void toStringShowsNoSecrets() {
    String text = GcsStorageConfig.builder("bkt").keyPrefix("p").credentials(SigningKeys.credentials()).build()
        .toString();
    assertThat(text).startsWith("GcsStorageConfig[gs://bkt/p").contains("ServiceAccountCredentials")
        .doesNotContain("PRIVATE");
  }
}
