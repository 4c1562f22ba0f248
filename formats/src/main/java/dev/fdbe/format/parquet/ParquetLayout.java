package dev.fdbe.format.parquet;

/**
 * Page and row group sizes of the files a writer produces.
 *
 * <p>Pages matter to the size bound: pages the writer has closed and settled are counted exactly,
 * but the one open page of each column is only known uncompressed, so where the writer decides
 * (its pages settled) the bound may exceed the finished file by up to one page per column (less
 * what compression saves). Small pages keep
 * parts close to their limit; large pages compress better. Row groups do not affect the bound (a
 * closed row group is in the output stream); they bound the memory a writer holds.
 *
 * @param pageSizeBytes the uncompressed size at which a column's page is closed
 * @param rowGroupBytes the buffered size at which a row group is written out
 */
record ParquetLayout(int pageSizeBytes, long rowGroupBytes) {
  /** Pages no smaller than this, whatever the part limit. */
  static final int MIN_PAGE_BYTES = 8 * 1024;
  /** Parquet's customary page size, for parts without a limit. */
  static final int MAX_PAGE_BYTES = 1024 * 1024;
  /** Row groups of at most 32 MiB buffered per writer. */
  static final long MAX_ROW_GROUP_BYTES = 32L * 1024 * 1024;

  ParquetLayout {
    if (pageSizeBytes < 1) {
      throw new IllegalArgumentException("pageSizeBytes must be positive, got " + pageSizeBytes);
    }
    if (rowGroupBytes < pageSizeBytes) {
      throw new IllegalArgumentException("rowGroupBytes must be at least pageSizeBytes (" + pageSizeBytes
          + "), got " + rowGroupBytes);
    }
  }

  /**
   * The layout for parts of at most {@code maxPartBytes} (0 for no limit, as
   * {@link dev.fdbe.spi.WriterContext#maxPartBytes()} gives it) with {@code columns} columns: the
   * open pages of all columns together take at most an eighth of the limit.
   */
  static ParquetLayout forPartLimit(long maxPartBytes, int columns) {
    if (maxPartBytes == 0) {
      return new ParquetLayout(MAX_PAGE_BYTES, MAX_ROW_GROUP_BYTES);
    }
    long page = maxPartBytes / (8L * Math.max(1, columns));
    int pageSize = (int) Math.max(MIN_PAGE_BYTES, Math.min(MAX_PAGE_BYTES, page));
    return new ParquetLayout(pageSize, Math.max(pageSize, Math.min(MAX_ROW_GROUP_BYTES, maxPartBytes)));
  }
}
