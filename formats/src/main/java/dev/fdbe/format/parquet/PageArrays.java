package dev.fdbe.format.parquet;

import java.util.ArrayList;
import java.util.List;

/**
 * Byte arrays that the Parquet writers of this process hand on from one file to the next: a
 * column's open page, its levels, the page being compressed. A file of a few thousand rows would
 * otherwise spend a tenth of its time growing and zeroing new arrays to the page size (measured with
 * {@code ParquetVsPeers}, files of 10,000 rows). At most {@value #MAX_POOLED_BYTES} bytes are kept in
 * all, in arrays of at most {@value #MAX_ARRAY_BYTES} bytes; an array given back beyond that is left
 * to the garbage collector. Thread-safe.
 */
final class PageArrays {
  /** Bytes kept between files, across the process. */
  static final long MAX_POOLED_BYTES = 16L << 20;
  /** The largest array kept: a page of the largest page size, with room for a row beyond it. */
  static final int MAX_ARRAY_BYTES = 4 << 20;
  /**
   * The longest array that fits one region of G1 (the JDK's default collector) at the regions'
   * smallest size, 1 MiB, which G1 takes on heaps below 2 GiB: 1 MiB less a byte array's header. G1
   * gives an array of half a region or more regions of its own; an array of a 1 MiB page with an
   * eighth of room beyond it would take two, nearly half of them empty. On larger regions an array
   * this long is an ordinary object.
   */
  static final int ONE_REGION_BYTES = (1 << 20) - 16;

  private static final List<byte[]> FREE = new ArrayList<>();
  private static long pooledBytes;

  private PageArrays() {}

  /**
   * {@code wanted}, or {@link #ONE_REGION_BYTES} where {@code wanted} is more and {@code needed} is
   * not: the length of an array that should have room beyond {@code needed}, cut to what one small
   * region of G1 holds rather than taking two, and to the longest array Java allows.
   */
  static int withinRegion(long needed, long wanted) {
    return wanted > ONE_REGION_BYTES && needed <= ONE_REGION_BYTES
        ? ONE_REGION_BYTES
        : (int) Math.min(Integer.MAX_VALUE - 16, wanted);
  }

  /**
   * An array of at least {@code length} bytes, its contents undefined: the shortest kept one that is
   * long enough, if any, so that a column asking for a small array does not take a page-sized one.
   */
  static byte[] take(int length) {
    synchronized (FREE) {
      int best = -1;
      for (int i = 0; i < FREE.size(); i++) {
        int candidate = FREE.get(i).length;
        if (candidate >= length && (best < 0 || candidate < FREE.get(best).length)) {
          best = i;
        }
      }
      if (best >= 0) {
        byte[] array = FREE.get(best);
        FREE.set(best, FREE.get(FREE.size() - 1));
        FREE.remove(FREE.size() - 1);
        pooledBytes -= array.length;
        return array;
      }
    }
    return new byte[length];
  }

  /**
   * An array of at least {@code length} bytes holding {@code array[0, used)}, half as long again as
   * {@code array} if that is more; {@code array} is given back.
   */
  static byte[] grow(byte[] array, int used, int length) {
    return grow(array, used, length, Integer.MAX_VALUE);
  }

  /**
   * As {@link #grow(byte[], int, int)}, but growing by half no further than {@code limit} while
   * {@code length} is within it: an array that is to hold one page stops at the page's size, so
   * that it can be handed on with the page without much room to spare.
   */
  static byte[] grow(byte[] array, int used, int length, int limit) {
    int half = array.length + (array.length >> 1);
    int target = length <= limit ? Math.max(length, Math.min(half, limit)) : Math.max(length, half);
    byte[] grown = take(target);
    System.arraycopy(array, 0, grown, 0, used);
    give(array);
    return grown;
  }

  /** Gives an array back for another writer; the caller no longer uses it. */
  static void give(byte[] array) {
    if (array.length == 0 || array.length > MAX_ARRAY_BYTES) {
      return;
    }
    synchronized (FREE) {
      if (pooledBytes + array.length <= MAX_POOLED_BYTES) {
        FREE.add(array);
        pooledBytes += array.length;
      }
    }
  }
}
