package dev.fdbe.internal.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Tests on eight bytes at once ("SIMD within a register") for the byte scans of JSON text (the
 * check, and {@link Utf8}'s search for the {@code ?} of a lone surrogate): a word is read from a byte
 * array, little-endian so that its lowest lane is its first byte, and asked which of its bytes is a
 * given byte or below a bound. A lane mask marks each such byte by its high bit; its
 * lowest mark is always exact, and marks above it may be false (a borrow from the lane below), so a
 * mask answers "any?" and "which first?" ({@link #firstLane}), nothing else.
 */
public final class Swar {
  /** The bytes a word holds. */
  public static final int WIDTH = 8;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;

  private Swar() {}

  /** The eight bytes from {@code at} (which must leave eight in the array) as one word. */
  public static long word(byte[] bytes, int at) {
    return (long) LONGS.get(bytes, at);
  }

  /** The byte repeated in every lane of a word, to pass to {@link #hasByte}. */
  public static long broadcast(int b) {
    return ONES * (b & 0xff);
  }

  /** Whether any byte of the word equals the byte that {@code pattern} is a {@link #broadcast} of. */
  public static boolean hasByte(long word, long pattern) {
    return lanesEqual(word, pattern) != 0;
  }

  /** The lane mask of the bytes equal to the byte that {@code pattern} is a {@link #broadcast} of. */
  public static long lanesEqual(long word, long pattern) {
    long v = word ^ pattern;
    return (v - ONES) & ~v & HIGHS;
  }

  /**
   * The lane mask of the bytes that, read unsigned, are below {@code bound} (at most 128). Below the
   * first such byte no lane borrows, and a byte at or above the bound subtracts to a high bit only
   * when its own is set, which {@code ~word} clears: so the lowest mark is exact.
   */
  public static long lanesBelow(long word, int bound) {
    return (word - ONES * bound) & ~word & HIGHS;
  }

  /** The place (0 to 7, from the word's first byte) of the lowest mark of a lane mask that is not 0. */
  public static int firstLane(long lanes) {
    return Long.numberOfTrailingZeros(lanes) >>> 3;
  }

  /** Whether every byte of the array is below 128. */
  public static boolean isAscii(byte[] bytes) {
    return isAscii(bytes, 0, bytes.length);
  }

  /** Whether every byte of the array from {@code from} (inclusive) to {@code to} (exclusive) is below 128. */
  public static boolean isAscii(byte[] bytes, int from, int to) {
    int i = from;
    long high = 0;
    for (; i <= to - WIDTH; i += WIDTH) {
      high |= word(bytes, i);
    }
    for (; i < to; i++) {
      high |= bytes[i];
    }
    return (high & HIGHS) == 0;
  }
}
