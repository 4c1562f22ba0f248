package dev.fdbe.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3StorageConfigTest {
  @Test
  void defaults() {
    S3StorageConfig config = S3StorageConfig.builder("acme-exports").build();

    assertThat(config.bucket()).isEqualTo("acme-exports");
    assertThat(config.keyPrefix()).isEmpty();
    assertThat(config.region()).isEmpty();
    assertThat(config.endpoint()).isEmpty();
    assertThat(config.pathStyle()).isFalse();
    assertThat(config.profile()).isEmpty();
    assertThat(config.accessKeyId()).isEmpty();
    assertThat(config.serverSideEncryption()).isEmpty();
    assertThat(config.kmsKeyId()).isEmpty();
    assertThat(config.partSizeBytes()).isEqualTo(16L * 1024 * 1024).isEqualTo(S3StorageConfig.DEFAULT_PART_BYTES);
    assertThat(config.inFlightParts()).isEqualTo(4).isEqualTo(S3StorageConfig.DEFAULT_IN_FLIGHT_PARTS);
    assertThat(config.maxObjectBytes()).isEqualTo(10_000L * 16 * 1024 * 1024);
  }

  @Test
  void everyOptionIsKept() {
    S3StorageConfig config = S3StorageConfig.builder("b-1.x")
        .keyPrefix("exports/fdbe/")
        .region("eu-west-1")
        .endpoint(URI.create("http://127.0.0.1:9000"))
        .pathStyle(true)
        .credentials("AKIA", "secret")
        .serverSideEncryption(ServerSideEncryption.SSE_KMS)
        .kmsKeyId("alias/fdbe")
        .partSizeBytes(S3StorageConfig.MIN_PART_BYTES)
        .inFlightParts(1)
        .build();

    assertThat(config.keyPrefix()).as("one trailing slash is dropped").isEqualTo("exports/fdbe");
    assertThat(config.objectName("1/r/a.csv")).isEqualTo("exports/fdbe/1/r/a.csv");
    assertThat(config.region()).hasValue("eu-west-1");
    assertThat(config.endpoint()).hasValue(URI.create("http://127.0.0.1:9000"));
    assertThat(config.pathStyle()).isTrue();
    assertThat(config.accessKeyId()).hasValue("AKIA");
    assertThat(config.serverSideEncryption()).hasValue(ServerSideEncryption.SSE_KMS);
    assertThat(config.kmsKeyId()).hasValue("alias/fdbe");
    assertThat(config.partSizeBytes()).isEqualTo(5L * 1024 * 1024);
    assertThat(config.inFlightParts()).isEqualTo(1);
    assertThat(S3StorageConfig.builder("bucket").build().objectName("a.csv")).isEqualTo("a.csv");
  }

  @Test
  void bucketNamesFollowS3Rules() {
    for (String bad : List.of("", "ab", "Upper", "under_score", "-dash", "dash-", "a..b", "192.168.1.1",
        "x".repeat(64), "a b")) {
      assertThatThrownBy(() -> S3StorageConfig.builder(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
    }
    assertThat(S3StorageConfig.builder("abc").build().bucket()).isEqualTo("abc");
    assertThat(S3StorageConfig.builder("x".repeat(63)).build().bucket()).hasSize(63);
  }

  @Test
  void nullsAreRefusedNamingTheParameter() {
    S3StorageConfig.Builder builder = S3StorageConfig.builder("bucket");
    assertThatThrownBy(() -> S3StorageConfig.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("bucket");
    assertThatThrownBy(() -> builder.keyPrefix(null)).isInstanceOf(NullPointerException.class).hasMessage("keyPrefix");
    assertThatThrownBy(() -> builder.region(null)).isInstanceOf(NullPointerException.class).hasMessage("region");
    assertThatThrownBy(() -> builder.endpoint(null)).isInstanceOf(NullPointerException.class).hasMessage("endpoint");
    assertThatThrownBy(() -> builder.profile(null)).isInstanceOf(NullPointerException.class).hasMessage("profile");
    assertThatThrownBy(() -> builder.credentials(null, "s")).isInstanceOf(NullPointerException.class)
        .hasMessage("accessKeyId");
    assertThatThrownBy(() -> builder.credentials("a", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("secretAccessKey");
    assertThatThrownBy(() -> builder.serverSideEncryption(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("serverSideEncryption");
    assertThatThrownBy(() -> builder.kmsKeyId(null)).isInstanceOf(NullPointerException.class).hasMessage("kmsKeyId");
  }

  @Test
  void badValuesAreRefusedNamingThem() {
    S3StorageConfig.Builder builder = S3StorageConfig.builder("bucket");
    assertThatThrownBy(() -> builder.keyPrefix("/abs")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/abs'");
    assertThatThrownBy(() -> builder.keyPrefix("a/../b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.region("eu west")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'eu west'");
    for (String url : List.of("ftp://h", "/relative", "http://user:pw@h", "http://h/?a=1", "http:opaque")) {
      assertThatThrownBy(() -> builder.endpoint(URI.create(url))).as(url)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + url + "'");
    }
    assertThatThrownBy(() -> builder.profile("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.credentials(" ", "s")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.credentials("a", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.kmsKeyId("has space")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void partSizeAndInFlightPartsHaveBounds() {
    S3StorageConfig.Builder builder = S3StorageConfig.builder("bucket");
    assertThatThrownBy(() -> builder.partSizeBytes(S3StorageConfig.MIN_PART_BYTES - 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 5242879");
    assertThatThrownBy(() -> builder.partSizeBytes(S3StorageConfig.MAX_PART_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.inFlightParts(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inFlightParts must be from 1 to 64, got 0");
    assertThatThrownBy(() -> builder.inFlightParts(65)).isInstanceOf(IllegalArgumentException.class);
    assertThat(S3StorageConfig.builder("bucket").partSizeBytes(S3StorageConfig.MAX_PART_BYTES)
        .inFlightParts(64).build().inFlightParts()).isEqualTo(64);
  }

  @Test
  void settingAnOptionTwiceOrTwoExclusiveOnesIsAnIllegalStateShowingTheEarlierValue() {
    S3StorageConfig.Builder builder = S3StorageConfig.builder("bucket").region("eu-west-1").partSizeBytes(6L << 20)
        .credentials("AKIA1", "secret-one");

    assertThatThrownBy(() -> builder.region("us-east-1")).isInstanceOf(IllegalStateException.class)
        .hasMessage("region was already set to eu-west-1");
    assertThatThrownBy(() -> builder.partSizeBytes(7L << 20)).isInstanceOf(IllegalStateException.class)
        .hasMessage("partSizeBytes was already set to 6291456");
    assertThatThrownBy(() -> builder.profile("dev")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("access key AKIA1").hasMessageNotContaining("secret-one");
    assertThatThrownBy(() -> S3StorageConfig.builder("bucket").profile("dev").credentials("a", "b"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("dev");
  }

  @Test
  void aKmsKeyNeedsSseKms() {
    assertThatThrownBy(() -> S3StorageConfig.builder("bucket").kmsKeyId("alias/k").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("alias/k").hasMessageContaining("none");
    assertThatThrownBy(() -> S3StorageConfig.builder("bucket").kmsKeyId("alias/k")
        .serverSideEncryption(ServerSideEncryption.SSE_S3).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("SSE_S3");
    assertThat(S3StorageConfig.builder("bucket").serverSideEncryption(ServerSideEncryption.SSE_KMS).build()
        .kmsKeyId()).isEmpty();
  }

  @Test
  void toStringNeverShowsTheSecret() {
    String text = S3StorageConfig.builder("bucket").credentials("AKIAEXAMPLE", "wJalrXUtnFEMI").build().toString();

    assertThat(text).contains("AKIAEXAMPLE").contains("bucket").doesNotContain("wJalrXUtnFEMI");
  }

  @Test
  void toBuilderCopiesValuesThatMayEachBeReplacedOnce() {
    S3StorageConfig original = S3StorageConfig.builder("bucket").region("eu-west-1").profile("dev")
        .inFlightParts(2).build();

    assertThat(original.toBuilder().build()).isEqualTo(original).hasSameHashCodeAs(original);
    S3StorageConfig changed = original.toBuilder().region("us-east-1").credentials("a", "b").build();
    assertThat(changed.region()).hasValue("us-east-1");
    assertThat(changed.profile()).as("explicit keys replace the copied profile").isEmpty();
    assertThat(changed.inFlightParts()).isEqualTo(2);
    assertThat(changed).isNotEqualTo(original);
  }

  @Test
  void theBuilderStaysUsableAfterBuild() {
    S3StorageConfig.Builder builder = S3StorageConfig.builder("bucket");
    S3StorageConfig first = builder.build();
    builder.inFlightParts(8);

    assertThat(first.inFlightParts()).isEqualTo(4);
    assertThat(builder.build().inFlightParts()).isEqualTo(8);
  }

  @Test
  void serverSideEncryptionIsNamedByItsHeaderValue() {
    assertThat(ServerSideEncryption.fromHeaderValue("AES256")).isEqualTo(ServerSideEncryption.SSE_S3);
    assertThat(ServerSideEncryption.fromHeaderValue("aws:kms")).isEqualTo(ServerSideEncryption.SSE_KMS);
    assertThatThrownBy(() -> ServerSideEncryption.fromHeaderValue("aes256"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'aes256'");
  }
}
