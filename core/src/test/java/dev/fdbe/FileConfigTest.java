package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The size limit is checked once, where the config is made, and derived in bytes in one place. */
class FileConfigTest {
  @ParameterizedTest
  @ValueSource(longs = {0, 1, 100, FileConfig.MAX_SIZE_MB})
  void limitsFromNoneToOneTebibyteAreAccepted(long maxSizeMb) {
    assertThat(new FileConfig(FileFormat.CSV, Compression.NONE, maxSizeMb).maxSizeMb()).isEqualTo(maxSizeMb);
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, Long.MIN_VALUE})
  void aNegativeLimitIsAnInvalidRequestNamingTheField(long maxSizeMb) {
    assertThatThrownBy(() -> new FileConfig(FileFormat.CSV, Compression.NONE, maxSizeMb))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.attr()).isEqualTo("file"))
        .hasMessage("'max_size_mb' must be null, 0 or a positive number of MiB, got " + maxSizeMb);
  }

  @ParameterizedTest
  @ValueSource(longs = {FileConfig.MAX_SIZE_MB + 1, Long.MAX_VALUE})
  void aLimitAboveOneTebibyteIsAnInvalidRequestNamingTheField(long maxSizeMb) {
    assertThatThrownBy(() -> new FileConfig(FileFormat.CSV, Compression.NONE, maxSizeMb))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.attr()).isEqualTo("file"))
        .hasMessage("'max_size_mb' must be at most 1048576 (1 TiB), got " + maxSizeMb);
  }

  @Test
  void withMaxSizeMbIsCheckedLikeTheConstructor() {
    assertThatThrownBy(() -> FileConfig.of(FileFormat.CSV).withMaxSizeMb(-1)).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void maxPartBytesIsTheLimitInBytesAndZeroForOneFile() {
    assertThat(FileConfig.of(FileFormat.CSV).maxPartBytes()).isZero();
    assertThat(FileConfig.of(FileFormat.CSV).withMaxSizeMb(1).maxPartBytes()).isEqualTo(1024L * 1024);
    assertThat(FileConfig.of(FileFormat.CSV).withMaxSizeMb(FileConfig.MAX_SIZE_MB).maxPartBytes())
        .isEqualTo(1024L * 1024 * 1024 * 1024);
  }

  @Test
  void nullComponentsAreNamed() {
    assertThatThrownBy(() -> new FileConfig(null, Compression.NONE, 0)).hasMessage("format");
    assertThatThrownBy(() -> new FileConfig(FileFormat.CSV, null, 0)).hasMessage("compression");
  }
}
