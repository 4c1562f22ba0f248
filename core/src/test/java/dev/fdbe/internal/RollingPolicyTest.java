package dev.fdbe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link RollingPolicy}. */
class RollingPolicyTest {
  private static final long MIB = FileConfig.BYTES_PER_MB;
  private static final RollingPolicy ONE_MIB = RollingPolicy.of(FileConfig.of(FileFormat.CSV).withMaxSizeMb(1));

  @Test
  void theLimitIsMaxSizeMbInStoredBytes() {
    assertThat(ONE_MIB.maxPartBytes()).isEqualTo(MIB);
    assertThat(RollingPolicy.of(FileConfig.of(FileFormat.CSV).withMaxSizeMb(100)).maxPartBytes()).isEqualTo(100 * MIB);
  }

  @Test
  void withoutALimitThereIsOnePartWhateverItsSize() {
    RollingPolicy policy = RollingPolicy.of(FileConfig.of(FileFormat.CSV));

    assertThat(policy).isSameAs(RollingPolicy.ONE_PART);
    assertThat(policy.maxPartBytes()).isZero();
    assertThat(policy.shouldRollOnEvent(1_000_000, Long.MAX_VALUE)).isFalse();
  }

  @Test
  void aRowThatKeepsThePartWithinTheLimitStays() {
    assertThat(ONE_MIB.shouldRollOnEvent(10, MIB - 1)).isFalse();
    assertThat(ONE_MIB.shouldRollOnEvent(10, MIB)).as("a part exactly at the limit keeps the row").isFalse();
  }

  @Test
  void aRowThatWouldCrossTheLimitRollsThePartBeforeItIsAppended() {
    assertThat(ONE_MIB.shouldRollOnEvent(10, MIB + 1)).isTrue();
    assertThat(ONE_MIB.shouldRollOnEvent(1, Long.MAX_VALUE)).isTrue();
  }

  @Test
  void aPartWithoutRowsTakesARowLargerThanTheLimit() {
    assertThat(ONE_MIB.shouldRollOnEvent(0, MIB + 1)).isFalse();
    assertThat(ONE_MIB.shouldRollOnEvent(0, Long.MAX_VALUE)).isFalse();
  }
}
