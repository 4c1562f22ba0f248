package dev.fdbe.format.parquet;

import dev.fdbe.ExportException;
import dev.fdbe.format.internal.CompressionPool;
import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import org.apache.parquet.column.ParquetProperties;

/**
 * Writes one Parquet file onto the engine's stream with our column writers ({@link ColumnRowWriter})
 * and {@link ColumnCodec}s, parquet-java's file writer laying out the file; no Hadoop file system or
 * codec is involved.
 *
 * <p>{@link #stage} encodes the row's strings and returns {@link SizeBound}'s bound for the file
 * with the row; {@link #commit} hands the row to the column writers. The bound needs to know, besides
 * what the column writers report buffered, which part of that is compressed pages (they count them),
 * and a row group flush shows as the stream position moving (nothing else writes between the magic
 * and the footer), after which the row group's counts start again.
 *
 * <p>Pages of a codec that {@linkplain ColumnCodec#compressesOnThreads compresses on threads} count
 * uncompressed, at the codec's worst case, until the writer settles them
 * ({@link ColumnRowWriter#settle}), whether a thread or the writer compressed them. The writer
 * settles them, and measures again, only where a decision depends on their size: when the bound
 * would put the file past the part limit, and when the row group may be full. So it measures the
 * same figures at the same rows with threads or without, however fast the threads are, and the
 * files (their parts' rows, row groups and bytes) are the same.
 *
 * <p>JSON columns have no statistics (nor column index): the minimum and maximum of JSON text
 * select nothing a reader could use, and comparing every document with them cost about a seventh
 * of the writer's time.
 *
 * <p>Values are PLAIN encoded, never with a dictionary: a dictionary lives outside the open pages and
 * may fall back to plain encoding mid-page, which would leave no useful bound; the codecs recover
 * most of what it saves. Not thread-safe.
 */
final class ParquetPartWriter implements RecordWriter {
  private final OutputStream out;
  private final StreamOutputFile file;
  private final SizeBound bound;
  private final StagedRow staged;
  private final ColumnRowWriter writer;
  private final long rowGroupBytes;
  private long records;
  private long rowGroups;
  private long extraFooterBytes;
  /** The part limit, 0 for none: a bound past it makes the writer settle its pages and measure again. */
  private final long maxPartBytes;
  /** What was measured last (see {@link #measure}): the stream position, ... */
  private long measuredPosition = -1;
  /**
   * ... the row group's buffered bytes, the compressed bytes of its settled pages, how many are not
   * yet settled, and the count of the pages closed in the file.
   */
  private long measuredBuffered;
  private long measuredClosedCompressed;
  private long measuredUnsettled;
  private long measuredPages;
  /** Raw bytes committed since then. */
  private long rawSinceMeasured;
  /** Raw bytes after which the writer measures again anyway, so that the bound stays close (an eighth of a page). */
  private final long measureEveryRawBytes;
  private boolean hasStaged;
  private boolean finished;

  /**
   * A writer onto {@code out}.
   *
   * @param pool the threads that compress pages of a codec that
   *     {@linkplain ColumnCodec#compressesOnThreads compresses on threads}; absent to compress them on
   *     the writer's thread
   */
  ParquetPartWriter(OutputStream out, ParquetSchema schema, ColumnCodec codec, ParquetLayout layout,
      WriterContext context, Optional<CompressionPool> pool)
      throws IOException {
    this.out = out;
    this.maxPartBytes = context.maxPartBytes();
    this.file = new StreamOutputFile(out);
    this.bound = new SizeBound(schema, codec);
    this.staged = new StagedRow(schema.schema(), context);
    this.measureEveryRawBytes = layout.pageSizeBytes() / 8;
    this.rowGroupBytes = layout.rowGroupBytes();
    // What our column writers (page size, statistics) and parquet-java's file writer (the rest) read.
    ParquetProperties.Builder properties = ParquetProperties.builder()
        .withPageSize(layout.pageSizeBytes())
        .withStatisticsTruncateLength(StagedRow.TRUNCATE_BYTES)
        .withColumnIndexTruncateLength(StagedRow.TRUNCATE_BYTES)
        .withPageWriteChecksumEnabled(true);
    for (Column column : schema.schema().columns()) {
      if (column.type() == ColumnType.JSON) {
        properties.withStatisticsEnabled(column.name(), false);
      }
    }
    this.writer = new ColumnRowWriter(file, schema, properties.build(), codec, rowGroupBytes, pool);
  }

  @Override
  public long stage(Row row) throws IOException {
    if (finished) {
      throw new IllegalStateException("the file is finished");
    }
    hasStaged = false;
    staged.set(row);
    hasStaged = true;
    if (file.position() != measuredPosition || writer.closedPages() != measuredPages
        || rawSinceMeasured > measureEveryRawBytes) {
      measure();
    }
    long size = boundWithStaged();
    if (maxPartBytes > 0 && size > maxPartBytes && (measuredUnsettled > 0 || rawSinceMeasured > 0)) {
      // Past the limit by the figures at hand, which overstate: decide by exact ones.
      settle();
      measure();
      size = boundWithStaged();
    }
    return size;
  }

  private long boundWithStaged() {
    return bound.of(measuredPosition, measuredBuffered, measuredClosedCompressed, measuredUnsettled, measuredPages,
        rowGroups, rawSinceMeasured + staged.rawBytes(), extraFooterBytes + staged.untruncatableBytes());
  }

  /**
   * Asks the column writers what the row group buffers, which walks every one of them. Until a
   * page closes or a row group goes out, a committed row adds at most its raw bytes to the open
   * pages and changes nothing else the bound depends on, so {@link #stage} adds the raw bytes
   * committed since to these figures instead of asking for every row; {@link SizeBound#of} is
   * monotone in both the buffered and the added bytes, so the result is still an upper bound. The
   * raw bytes overstate what many rows add (levels, booleans), so after an eighth of a page it
   * asks again.
   */
  private void measure() {
    measuredPosition = file.position();
    measuredBuffered = writer.bufferedBytes();
    measuredClosedCompressed = writer.closedCompressedBytes();
    measuredUnsettled = writer.unsettledPages();
    measuredPages = writer.closedPages();
    rawSinceMeasured = 0;
  }

  @Override
  public void commit() throws IOException {
    if (!hasStaged) {
      throw new IllegalStateException("no row is staged");
    }
    hasStaged = false;
    try {
      writer.write(staged);
    } catch (IOException | RuntimeException e) {
      // The column writers are in an unknown state; the file takes no more rows and gets no footer.
      finished = true;
      writer.release();
      if (e instanceof IOException io) {
        throw io;
      }
      throw new ExportException("cannot write a row to Parquet: " + e.getMessage(), e);
    }
    records++;
    extraFooterBytes += staged.untruncatableBytes();
    rawSinceMeasured += staged.rawBytes();
    if (measuredBuffered + rawSinceMeasured >= rowGroupBytes) {
      // Perhaps full by the figures at hand: decide by exact ones.
      settle();
      measure();
      if (measuredBuffered >= rowGroupBytes) {
        writer.flushRowGroup();
        // The row group is in the stream; the column writers start empty.
        rowGroups++;
        measure();
      }
    }
  }

  /** Settles the pages being compressed; a page that failed to compress fails the writer, as a row would. */
  private void settle() throws IOException {
    try {
      writer.settle();
    } catch (IOException | RuntimeException e) {
      finished = true;
      writer.release();
      throw e;
    }
  }

  @Override
  public long records() {
    return records;
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    hasStaged = false;
    try {
      writer.finish();
    } catch (RuntimeException e) {
      throw new ExportException("cannot finish the Parquet file: " + e.getMessage(), e);
    }
    out.flush();
  }
}
