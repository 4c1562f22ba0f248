package dev.fdbe.format.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Parquet's RLE/bit-packed hybrid encoding of repetition and definition levels, as a data page of
 * version 1 holds them: a 4-byte little-endian length, then runs. A value repeated at least 8 times
 * is one RLE run (a varint header {@code count << 1}, then the value in one byte, levels being below
 * 256); anything else goes out bit-packed in groups of 8 values (a one-byte header
 * {@code groups << 1 | 1}, at most 63 groups, then {@code bitWidth} bytes per group, least
 * significant bits first). Only the last group of a page may be padded, with zeros; the page header's
 * value count tells the reader where the levels end.
 *
 * <p>The encoded levels never take more than {@link #maxEncodedBytes}: RLE runs cost at most two
 * bytes per 8 values (and fewer beyond 63 values), bit-packed values at most a quarter of a byte each
 * for widths up to 2, and a bit-packed run's header one byte per run, a run ending only at an RLE run
 * of 8 or more values or after 63 groups.
 */
final class LevelEncoder {
  private static final int MIN_RLE_RUN = 8;
  private static final int MAX_GROUPS = 63;
  /** Writes an int into a byte array, little-endian, as Parquet's length prefixes are. */
  static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private LevelEncoder() {}

  /** The bit width of levels up to {@code maxLevel}. */
  static int bitWidth(int maxLevel) {
    return 32 - Integer.numberOfLeadingZeros(maxLevel);
  }

  /** An upper bound of what {@link #encode} writes for {@code count} levels of a width up to 2. */
  static int maxEncodedBytes(int count) {
    return 4 + 8 + (int) ((3L * count + 7) / 8);
  }

  /**
   * Writes {@code levels[0, count)} with their length prefix into {@code out} from {@code at};
   * {@code out} must have {@link #maxEncodedBytes} bytes from there. Returns the position after.
   */
  static int encode(byte[] levels, int count, int bitWidth, byte[] out, int at) {
    if (bitWidth < 1 || bitWidth > 2) {
      throw new IllegalArgumentException("levels of bit width " + bitWidth + " are not supported");
    }
    int start = at;
    at += 4;
    int i = 0;
    while (i < count) {
      int run = runLength(levels, i, count);
      if (run >= MIN_RLE_RUN) {
        at = writeVarint(out, at, run << 1);
        out[at++] = levels[i];
        i += run;
        continue;
      }
      // Bit-packed groups of 8 until a long run starts at a group boundary, the group limit, or the end.
      int header = at++;
      int groups = 0;
      do {
        at = packGroup(levels, i, count, bitWidth, out, at);
        i += 8;
        groups++;
      } while (i < count && groups < MAX_GROUPS && runLength(levels, i, count) < MIN_RLE_RUN);
      out[header] = (byte) (groups << 1 | 1);
    }
    INT_LE.set(out, start, at - start - 4);
    return at;
  }

  private static int runLength(byte[] levels, int from, int count) {
    byte value = levels[from];
    int end = from + 1;
    while (end < count && levels[end] == value) {
      end++;
    }
    return end - from;
  }

  /** Packs the 8 levels from {@code from} (zeros past {@code count}) into {@code bitWidth} bytes. */
  private static int packGroup(byte[] levels, int from, int count, int bitWidth, byte[] out, int at) {
    long bits = 0;
    for (int j = 0; j < 8; j++) {
      long level = from + j < count ? levels[from + j] : 0;
      bits |= level << (j * bitWidth);
    }
    for (int b = 0; b < bitWidth; b++) {
      out[at++] = (byte) (bits >>> (8 * b));
    }
    return at;
  }

  private static int writeVarint(byte[] out, int at, int value) {
    while ((value & ~0x7f) != 0) {
      out[at++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out[at++] = (byte) value;
    return at;
  }
}
