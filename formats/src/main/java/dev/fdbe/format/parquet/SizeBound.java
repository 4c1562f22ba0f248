package dev.fdbe.format.parquet;

import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import java.nio.charset.StandardCharsets;

/**
 * Upper bounds of the size a Parquet file in progress would have if it were finished now.
 *
 * <p>A finished file is: what is already in the output stream (magic and closed row groups), then
 * the current row group, then the column indexes, offset indexes and footer. The current row group
 * holds closed pages, compressed and with their headers, which parquet-java reports exactly, and
 * one open page per column, reported uncompressed (as are closed pages still being compressed on
 * another thread, which are bounded the same way); finishing compresses each open page (at most the
 * codec's worst case, see {@link ColumnCodec#maxCompressedSize}) and adds its header and the level
 * encoders' pending bytes. The footer parts grow with row groups (one chunk's metadata and
 * statistics per column) and pages (one column index and one offset index entry each); every entry
 * is bounded because string statistics are truncated to {@link StagedRow#TRUNCATE_BYTES} bytes, and
 * bloom filters, dictionaries and size statistics are off.
 *
 * <p>The constants are Thrift compact-protocol worst cases, rounded up: a varint of a 64-bit value
 * takes at most 10 bytes, a field header at most 3.
 */
final class SizeBound {
  /** A data page header: type, two sizes, value count, three encodings, CRC. */
  static final int PAGE_HEADER_BYTES = 64;
  /** Per open page: level runs not yet flushed, the two 4-byte level lengths, pending boolean bits. */
  static final int PENDING_PAGE_BYTES = 64;
  /** Per page: its column index entry (null flag, truncated min and max, null count) and offset index entry. */
  static final int PAGE_INDEX_BYTES = 2 * (StagedRow.TRUNCATE_BYTES + 8) + 64;
  /** Per column chunk: its metadata with four truncated statistics values, and index structure overhead. */
  static final int CHUNK_BYTES = 4 * (StagedRow.TRUNCATE_BYTES + 8) + 384;
  /** Per row group: its own fields. */
  static final int ROW_GROUP_BYTES = 64;
  /** Per file: version, row count, created-by, list headers, footer length and magic. */
  static final int FILE_BYTES = 512;

  private final ColumnCodec codec;
  private final int columns;
  private final long fileFooterBytes;
  private final long rowGroupFooterBytes;

  SizeBound(ParquetSchema schema, ColumnCodec codec) {
    this.codec = codec;
    this.columns = schema.schema().size();
    long file = FILE_BYTES + schema.avroJson().getBytes(StandardCharsets.UTF_8).length
        + ParquetSchema.AVRO_SCHEMA_KEY.length() + 64L;
    long rowGroup = ROW_GROUP_BYTES;
    for (Column column : schema.schema().columns()) {
      long name = column.name().getBytes(StandardCharsets.UTF_8).length;
      boolean list = column.type() == ColumnType.STRING_LIST;
      // Schema elements (a list has three) and the column order; the chunk's path in the schema.
      file += (list ? 3 : 1) * (name + 48) + 8;
      rowGroup += CHUNK_BYTES + name + (list ? 24 : 4);
    }
    this.fileFooterBytes = file;
    this.rowGroupFooterBytes = rowGroup;
  }

  /**
   * The bound.
   *
   * @param written bytes already in the output stream
   * @param buffered the current row group's buffered bytes: closed pages compressed with headers
   *     (those not yet settled uncompressed), open pages uncompressed
   * @param closedCompressed the compressed bytes (without headers) of the current row group's closed
   *     pages that {@code buffered} counts compressed
   * @param unsettledPages the current row group's closed pages that {@code buffered} counts
   *     uncompressed, their compression not yet settled: bounded like open pages
   * @param pages the pages closed so far in the whole file
   * @param rowGroups the row groups written so far
   * @param addedRawBytes uncompressed bytes the next row adds to the open pages, 0 for none
   * @param extraFooterBytes footer bytes beyond the budgets, see {@link StagedRow#untruncatableBytes()}
   */
  long of(long written, long buffered, long closedCompressed, long unsettledPages, long pages, long rowGroups,
      long addedRawBytes, long extraFooterBytes) {
    long open = Math.max(0, buffered - closedCompressed) + addedRawBytes;
    long rowGroup = buffered - open + addedRawBytes + codec.maxCompressedSize(open, columns + unsettledPages)
        + (long) columns * (PAGE_HEADER_BYTES + PENDING_PAGE_BYTES);
    long footer = fileFooterBytes + (rowGroups + 1) * rowGroupFooterBytes
        + (pages + columns) * (long) PAGE_INDEX_BYTES + extraFooterBytes;
    return written + rowGroup + footer;
  }
}
