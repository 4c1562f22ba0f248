package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Levels encoded by {@link LevelEncoder} decode with parquet-java's own decoder, within the stated bound. */
class LevelEncoderTest {

  @ParameterizedTest(name = "bit width {0}")
  @ValueSource(ints = {1, 2})
  void randomLevelSequencesDecodeToThemselvesWithinTheBound(int bitWidth) throws IOException {
    SplittableRandom random = new SplittableRandom(bitWidth);
    int maxLevel = (1 << bitWidth) - 1;
    for (int sequence = 0; sequence < 2000; sequence++) {
      int count = 1 + random.nextInt(sequence < 1000 ? 40 : 3000);
      byte[] levels = new byte[count];
      int i = 0;
      while (i < count) {
        // Runs of every length: short ones that bit-pack, long ones that go RLE, around the 8-value edge.
        int run = Math.min(count - i, switch (random.nextInt(4)) {
          case 0 -> 1;
          case 1 -> 1 + random.nextInt(9);
          case 2 -> 7 + random.nextInt(3);
          default -> 1 + random.nextInt(700);
        });
        Arrays.fill(levels, i, i + run, (byte) random.nextInt(maxLevel + 1));
        i += run;
      }
      assertRoundTrip(levels, bitWidth);
    }
  }

  @Test
  void edgeShapesDecodeToThemselves() throws IOException {
    assertRoundTrip(new byte[] {1}, 1);
    assertRoundTrip(new byte[8], 1);
    assertRoundTrip(new byte[7], 1);
    // More than 63 groups that never repeat 8 times: the bit-packed run splits at the header's limit.
    byte[] alternating = new byte[64 * 8 * 3 + 5];
    for (int i = 0; i < alternating.length; i++) {
      alternating[i] = (byte) (i % 2);
    }
    assertRoundTrip(alternating, 1);
    // A run long enough for a multi-byte varint header.
    byte[] long3 = new byte[100_000];
    Arrays.fill(long3, (byte) 3);
    long3[50_000] = 2;
    assertRoundTrip(long3, 2);
  }

  @Test
  void alternatingLevelsAreBitPackedNotOneRunEach() {
    byte[] levels = new byte[8 * 63];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = (byte) (i % 2);
    }
    byte[] out = new byte[LevelEncoder.maxEncodedBytes(levels.length)];
    int end = LevelEncoder.encode(levels, levels.length, 1, out, 0);
    // 4 bytes of length, one header, 63 bytes of bits.
    assertThat(end).isEqualTo(4 + 1 + 63);
  }

  @Test
  void widthsAboveTwoAreRefused() {
    assertThatThrownBy(() -> LevelEncoder.encode(new byte[] {4}, 1, 3, new byte[64], 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bit width 3");
  }

  private static void assertRoundTrip(byte[] levels, int bitWidth) throws IOException {
    int count = levels.length;
    int offset = 3;
    byte[] out = new byte[offset + LevelEncoder.maxEncodedBytes(count)];
    int end = LevelEncoder.encode(levels, count, bitWidth, out, offset);
    assertThat(end - offset).as("encoded size of %d levels", count).isLessThanOrEqualTo(LevelEncoder.maxEncodedBytes(count));
    int length = (out[offset] & 0xff) | (out[offset + 1] & 0xff) << 8 | (out[offset + 2] & 0xff) << 16
        | (out[offset + 3] & 0xff) << 24;
    assertThat(length).as("length prefix").isEqualTo(end - offset - 4);
    RunLengthBitPackingHybridDecoder decoder =
        new RunLengthBitPackingHybridDecoder(bitWidth, new ByteArrayInputStream(out, offset + 4, length));
    byte[] decoded = new byte[count];
    for (int i = 0; i < count; i++) {
      decoded[i] = (byte) decoder.readInt();
    }
    assertThat(decoded).isEqualTo(levels);
  }
}
