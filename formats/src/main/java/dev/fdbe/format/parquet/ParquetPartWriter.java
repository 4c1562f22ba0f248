package dev.fdbe.format.parquet;

import dev.fdbe.ExportException;
import dev.fdbe.format.internal.CompressionPool;
import dev.fdbe.internal.json.Utf8Row;
import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import org.apache.parquet.column.ParquetProperties;
import org.jspecify.annotations.Nullable;

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
 * <p>A caller's rows (any but the engine's, which come certified or checked where the engine reads
 * them) have their JSON checked on the same threads, a batch at a time ({@link DeferredRows}), and
 * reach the column writers a batch late. While rows wait, {@link #stage} bounds the file with their
 * unchecked JSON at its longest and room for every page they may close; where that bound would reach
 * the part limit, or the rows might fill the row group, it writes them first and decides by exact
 * figures. That bound is never below the exact one, so the files are the same bytes as with the
 * check on the writer's thread.
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
  private final ParquetSchema schema;
  private final WriterContext context;
  /** The row being staged: the writer's own, or the slot of {@link #deferred} once there is one. */
  private StagedRow staged;
  /** The pool that checks a caller's JSON values ({@link DeferredRows}); null for none. */
  private final @Nullable CompressionPool checkPool;
  /** A caller's committed rows waiting for their JSON check; null until the first. */
  private @Nullable DeferredRows deferred;
  private final ColumnRowWriter writer;
  private final int columns;
  /** How full a column's page gets before it closes. */
  private final long pageCloseBytes;
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
    this.schema = schema;
    this.context = context;
    this.staged = new StagedRow(schema.schema(), context);
    this.checkPool = pool.orElse(null);
    this.columns = schema.schema().size();
    this.pageCloseBytes = Math.max(1, ColumnChunkWriter.pageCloseBytes(layout.pageSizeBytes()));
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
    // A caller's row: its JSON is checked on the pool. The engine's rows come from a reading thread
    // that checks JSON where the writer is the slower one; a check here would take its core.
    boolean defer = checkPool != null && !(row instanceof Utf8Row);
    if (defer && deferred == null) {
      deferred = new DeferredRows(checkPool, () -> new StagedRow(schema.schema(), context));
      staged = deferred.slot();
    }
    staged.set(row, defer);
    hasStaged = true;
    if (isDeferring()) {
      long size = deferredBound();
      if (size >= 0) {
        return size;
      }
      // Near the part limit or the row group's end: decide by exact figures, as without deferring.
      writeDeferred();
      staged.check();
      staged.resolve();
    }
    measureIfStale();
    long size = boundWithStaged();
    if (maxPartBytes > 0 && size > maxPartBytes && (measuredUnsettled > 0 || rawSinceMeasured > 0)) {
      // Past the limit by the figures at hand, which overstate: decide by exact ones.
      settle();
      measure();
      size = boundWithStaged();
    }
    return size;
  }

  /** Whether the staged row waits for its check, or rows committed before it do. */
  private boolean isDeferring() {
    return deferred != null && (!deferred.isEmpty() || staged.unchecked());
  }

  /**
   * The bound with the staged row while rows wait in {@link #deferred}: the figures last measured,
   * the raw bytes of the rows not in the column writers yet (their unchecked JSON at its longest),
   * and room for every page those rows might close, a page header, pending levels and index entries
   * each: at least the exact bound, so the writer's decisions come out as if no row had waited.
   * Returns -1 where the rows might fill the row group or the bound would reach the part limit: the
   * writer then writes them and decides by exact figures.
   */
  private long deferredBound() {
    measureIfStale();
    long added = deferred.rawBytes() + staged.rawBytes();
    if (measuredBuffered + rawSinceMeasured + added >= rowGroupBytes) {
      return -1;
    }
    long closes = 2L * columns + 2 * (added / pageCloseBytes) + 2;
    long size = bound.of(measuredPosition, measuredBuffered, measuredClosedCompressed, measuredUnsettled + closes,
        measuredPages + closes, rowGroups, rawSinceMeasured + added,
        extraFooterBytes + deferred.untruncatableBytes() + staged.untruncatableBytes())
        + closes * (SizeBound.PAGE_HEADER_BYTES + SizeBound.PENDING_PAGE_BYTES);
    return maxPartBytes > 0 && size >= maxPartBytes ? -1 : size;
  }

  /** Writes the rows waiting in {@link #deferred} into the column writers; the staged row stays staged. */
  private void writeDeferred() throws IOException {
    stepDeferred(deferred::drainAll);
  }

  /**
   * One step of {@link #deferred}, which sends rows to the column writers ({@link #write}); a failure
   * ends the file. The row to stage next is then {@link #deferred}'s slot.
   */
  private void stepDeferred(DeferredStep step) throws IOException {
    try {
      step.run(this::write);
    } catch (IOException | RuntimeException e) {
      fail();
      throw e;
    }
    staged = deferred.slot();
  }

  /** {@link DeferredRows#add} or {@link DeferredRows#drainAll}. */
  private interface DeferredStep {
    void run(DeferredRows.Sink sink) throws IOException;
  }

  private void measureIfStale() {
    if (file.position() != measuredPosition || writer.closedPages() != measuredPages
        || rawSinceMeasured > measureEveryRawBytes) {
      measure();
    }
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
    if (isDeferring()) {
      records++;
      stepDeferred(deferred::add);
      return;
    }
    write(staged);
    records++;
  }

  /** Writes a row into the column writers, and the row group out when it is full. */
  private void write(StagedRow row) throws IOException {
    try {
      writer.write(row);
    } catch (IOException | RuntimeException e) {
      // The column writers are in an unknown state; the file takes no more rows and gets no footer.
      fail();
      if (e instanceof IOException io) {
        throw io;
      }
      throw new ExportException("cannot write a row to Parquet: " + e.getMessage(), e);
    }
    extraFooterBytes += row.untruncatableBytes();
    rawSinceMeasured += row.rawBytes();
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

  /** Ends the file after a failure: it takes no more rows and gets no footer. */
  private void fail() {
    if (!finished) {
      finished = true;
      writer.release();
    }
  }

  /** Settles the pages being compressed; a page that failed to compress fails the writer, as a row would. */
  private void settle() throws IOException {
    try {
      writer.settle();
    } catch (IOException | RuntimeException e) {
      fail();
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
    if (deferred != null) {
      writeDeferred();
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
