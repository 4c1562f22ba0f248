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

  private static final List<byte[]> FREE = new ArrayList<>();
  private static long pooledBytes;

  private PageArrays() {}

  /** An array of at least {@code length} bytes, its contents undefined: a kept one if any is long enough. */
  static byte[] take(int length) {
    synchronized (FREE) {
      for (int i = FREE.size() - 1; i >= 0; i--) {
        byte[] array = FREE.get(i);
        if (array.length >= length) {
          FREE.set(i, FREE.get(FREE.size() - 1));
          FREE.remove(FREE.size() - 1);
          pooledBytes -= array.length;
          return array;
        }
      }
    }
    return new byte[length];
  }

  /** An array of at least {@code length} bytes holding {@code array[0, used)}; {@code array} is given back. */
  static byte[] grow(byte[] array, int used, int length) {
    byte[] grown = take(Math.max(length, array.length + (array.length >> 1)));
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
