package dev.fdbe.format.parquet;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.FutureTask;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveComparator;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/**
 * One leaf column's pages of the open row group: the open page's values in PLAIN encoding and its
 * levels, and the pages closed so far, compressed, until the row group goes to the file. A page is
 * what parquet-java's version 1 writer makes of the same values (levels RLE/bit-packed hybrid with a
 * length prefix, {@link LevelEncoder}; values PLAIN), and it closes by parquet-java's rule: at a
 * row's end, once it holds 90% of the page size or {@value #PAGE_ROW_LIMIT} rows. Its size counts
 * the levels at their encoded bound ({@link LevelEncoder#maxEncodedBytes}), more than they usually
 * take, so pages of columns with many levels and small values close a little earlier.
 *
 * <p>Statistics are parquet-java's own ({@link Statistics#createStats}, or no-op statistics for a
 * column without them), one per page; {@link ParquetFileWriter#writeDataPage} merges them into the
 * chunk's statistics and column index as parquet-java's page store does. For strings and longs,
 * whose order parquet-java takes as unsigned bytes and as signed numbers, the page's smallest and
 * largest value are found here (strings with the JDK's {@link Arrays#compareUnsigned}, where
 * parquet-java compares byte by byte) and given to the statistics when the page closes, which
 * leaves them as they would be after every value.
 *
 * <p>The open page's values lie in one array after room kept for its levels ({@link #levelRoom}),
 * where a closing page's levels go just before its values, so that the page is one run of bytes to
 * compress (or, uncompressed, to keep) without assembling it elsewhere; a page with more levels
 * than that room, or with nulls only, is assembled in an array the file's columns share. A
 * compressed page is kept in one array of its compressed size. An uncompressed page keeps the array
 * it was written in when the array is at most a quarter longer than the page, and the column writes
 * on in another; else the page is copied, into an array a page of the column's row group before
 * left behind if one fits it as closely, or a new one an eighth longer than the page, or shorter
 * where that keeps it in one region of G1's ({@link #spareArray}). The other array the column
 * writes on in is the array of one of its pages of the row group before, once that went to the
 * file, or one from {@link PageArrays} (in a file's first row group, usually a new one). Copying
 * every page into a new array of its size spent a sixth of the uncompressed writer's time zeroing
 * new arrays (measured with {@code ParquetVsPeers}). So a row group held uncompressed takes at most
 * a quarter more memory than its bytes, beside the arrays of the row group before that the column
 * has not reused yet; those go back to {@link PageArrays} when the next row group is written, and
 * every array when the file is done ({@link #release}). Not thread-safe.
 */
final class ColumnChunkWriter {
  /** parquet-java's default row count limit of a page. */
  static final int PAGE_ROW_LIMIT = 20_000;
  private static final byte[] NONE = new byte[0];
  /** An uncompressed page keeps its array if the array is no more than this fraction (1/4) longer than the page. */
  private static final int HANDED_ON_SLACK_SHIFT = 2;
  /** parquet-java's order of plain longs (not public), which timestamps share. */
  private static final PrimitiveComparator<?> SIGNED_LONGS =
      Types.required(PrimitiveTypeName.INT64).named("long").comparator();
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final ColumnDescriptor descriptor;
  private final PrimitiveType primitive;
  private final boolean statisticsEnabled;
  private final int repetitionWidth;
  private final int definitionWidth;
  private final long pageCloseBytes;
  /**
   * How long the open page's array grows by half: a page's worth, the close threshold and an eighth,
   * or less (but at least a sixteenth beyond the threshold) where that keeps it within one region of
   * G1's ({@link PageArrays#withinRegion}).
   * Only a row that needs more grows it further (by half again); such an array is let go when its
   * page is copied, so that the column's next pages can keep theirs.
   */
  private final int pageArrayBytes;
  private final Pages pages;
  /**
   * Bytes kept free at the front of {@link #values} for the encoded levels: their bound at the most
   * levels a page of a column without repetition has; a page with more levels (of a list column) is
   * assembled in the shared array instead.
   */
  private final int levelRoom;

  /**
   * The open page's values, from {@link #levelRoom} to {@link #valueEnd}; none from the moment the
   * array went with a closed page until the column needs another ({@link #room}).
   */
  private byte[] values;
  private int valueEnd;
  /** How long an array the column takes when it needs another. */
  private int nextArrayBytes;
  /** The length of a column's first array: the room for levels and a few values. */
  private final int firstArrayBytes;
  /** Arrays of uncompressed pages that went to the file, for the column's next pages. */
  private final ArrayDeque<byte[]> spareArrays = new ArrayDeque<>();
  private int booleanBits;
  private byte[] repetitions;
  private byte[] definitions;
  private int levels;
  private int pageRows;
  private Statistics<?> statistics;
  /** Whether the open page's smallest and largest string or long are found here rather than by {@link #statistics}. */
  private final boolean ownStringBounds;
  private final boolean ownLongBounds;
  private byte @Nullable [] minString;
  private byte @Nullable [] maxString;
  private boolean hasLongs;
  private long minLong;
  private long maxLong;

  private final List<ClosedPage> closed = new ArrayList<>();
  /** The compressed bytes of the closed pages, but for those not yet settled ({@link #settle}). */
  private long closedCompressedBytes;
  /** From this index on, {@link #closed} holds the pages not yet settled. */
  private int firstUnsettled;
  /** The uncompressed bytes and the number of the closed pages not yet settled. */
  private long unsettledRawBytes;
  private int unsettledPages;
  private long chunkValues;

  /**
   * A closed page: its bytes, {@code array[offset, offset + length)}, compressed; whether the array
   * is the column's to reuse once the page is in the file; what the bytes decompress to and what the
   * page header says of the page; and, for a page a compression thread compresses, its task, the
   * bytes being none until the page is settled ({@link #settle}).
   */
  private record ClosedPage(byte[] array, int offset, int length, boolean reusable, int uncompressedSize,
      int valueCount, int rowCount, Statistics<?> statistics, @Nullable FutureTask<byte[]> compressing) {
    /** A page a compression thread compresses: its bytes are known once {@link #compressing} is done. */
    static ClosedPage compressing(FutureTask<byte[]> task, int uncompressedSize, int valueCount, int rowCount,
        Statistics<?> statistics) {
      return new ClosedPage(NONE, 0, 0, false, uncompressedSize, valueCount, rowCount, statistics, task);
    }

    /** This page with its compressed bytes, done. */
    ClosedPage compressed(byte[] bytes) {
      return new ClosedPage(bytes, 0, bytes.length, false, uncompressedSize, valueCount, rowCount, statistics, null);
    }
  }

  ColumnChunkWriter(ColumnDescriptor descriptor, boolean statisticsEnabled, int pageSizeBytes,
      Pages pages) {
    this.descriptor = descriptor;
    this.primitive = descriptor.getPrimitiveType();
    this.statisticsEnabled = statisticsEnabled;
    this.repetitionWidth = LevelEncoder.bitWidth(descriptor.getMaxRepetitionLevel());
    this.definitionWidth = LevelEncoder.bitWidth(descriptor.getMaxDefinitionLevel());
    this.repetitions = repetitionWidth == 0 ? NONE : PageArrays.take(1024);
    this.definitions = definitionWidth == 0 ? NONE : PageArrays.take(1024);
    this.pageCloseBytes = pageCloseBytes(pageSizeBytes);
    this.pages = pages;
    this.levelRoom = (repetitionWidth > 0 ? LevelEncoder.maxEncodedBytes(PAGE_ROW_LIMIT) : 0)
        + (definitionWidth > 0 ? LevelEncoder.maxEncodedBytes(PAGE_ROW_LIMIT) : 0);
    long threshold = levelRoom + pageCloseBytes;
    this.pageArrayBytes = PageArrays.withinRegion(threshold + pageCloseBytes / 16, threshold + pageCloseBytes / 8);
    this.firstArrayBytes = levelRoom + 4096;
    this.nextArrayBytes = firstArrayBytes;
    this.values = NONE;
    this.valueEnd = levelRoom;
    this.statistics = newStatistics();
    this.ownStringBounds = statisticsEnabled && primitive.getPrimitiveTypeName() == PrimitiveTypeName.BINARY
        && (Object) primitive.comparator() == PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR;
    this.ownLongBounds = statisticsEnabled && primitive.getPrimitiveTypeName() == PrimitiveTypeName.INT64
        && (Object) primitive.comparator() == SIGNED_LONGS;
  }

  /** How full a page of the given page size gets before it closes: 90%, parquet-java's rule. */
  static long pageCloseBytes(int pageSizeBytes) {
    return pageSizeBytes - pageSizeBytes / 10;
  }

  private Statistics<?> newStatistics() {
    return statisticsEnabled ? Statistics.createStats(primitive) : Statistics.noopStats(primitive);
  }

  /** A null (or, in a list, an empty list or a null element) at the given levels. */
  void writeNull(int repetition, int definition) {
    levels(repetition, definition);
    statistics.incrementNumNulls();
  }

  /**
   * A string's UTF-8 bytes. The column, and parquet-java's statistics and column index after it, may
   * keep the array until the file is written: the caller never changes it.
   */
  void write(byte[] value, int repetition, int definition) {
    levels(repetition, definition);
    int length = value.length;
    byte[] into = room(4 + length);
    LevelEncoder.INT_LE.set(into, valueEnd, length);
    System.arraycopy(value, 0, into, valueEnd + 4, length);
    valueEnd += 4 + length;
    if (!ownStringBounds) {
      if (statisticsEnabled) { // a column without statistics has no-op ones
        statistics.updateStats(Binary.fromConstantByteArray(value));
      }
    } else if (minString == null || maxString == null) {
      minString = value;
      maxString = value;
    } else if (Arrays.compareUnsigned(value, minString) < 0) {
      minString = value;
    } else if (Arrays.compareUnsigned(value, maxString) > 0) {
      maxString = value;
    }
  }

  void write(long value, int repetition, int definition) {
    levels(repetition, definition);
    LONG_LE.set(room(8), valueEnd, value);
    valueEnd += 8;
    if (!ownLongBounds) {
      statistics.updateStats(value);
    } else if (!hasLongs) {
      hasLongs = true;
      minLong = value;
      maxLong = value;
    } else {
      minLong = Math.min(minLong, value);
      maxLong = Math.max(maxLong, value);
    }
  }

  void write(boolean value, int repetition, int definition) {
    levels(repetition, definition);
    if ((booleanBits & 7) == 0) {
      room(1)[valueEnd++] = 0;
    }
    if (value) {
      values[valueEnd - 1] |= (byte) (1 << (booleanBits & 7));
    }
    booleanBits++;
    statistics.updateStats(value);
  }

  private void levels(int repetition, int definition) {
    if (repetition == 0) {
      pageRows++;
    }
    if (repetitionWidth > 0 && levels == repetitions.length) {
      repetitions = PageArrays.grow(repetitions, levels, levels + 1);
    }
    if (definitionWidth > 0 && levels == definitions.length) {
      definitions = PageArrays.grow(definitions, levels, levels + 1);
    }
    if (repetitionWidth > 0) {
      repetitions[levels] = (byte) repetition;
    }
    if (definitionWidth > 0) {
      definitions[levels] = (byte) definition;
    }
    levels++;
  }

  private byte[] room(int bytes) {
    if (values.length - valueEnd < bytes) {
      if (values == NONE) {
        byte[] spare = spareArrays.poll();
        values = spare != null ? spare : PageArrays.take(nextArrayBytes);
      }
      if (values.length - valueEnd < bytes) {
        values = PageArrays.grow(values, valueEnd, valueEnd + bytes, pageArrayBytes);
      }
    }
    return values;
  }

  /**
   * The open page's size once encoded, uncompressed, at most; an empty page counts its levels' fixed
   * bound too, so that a row adds no more than its values and 3/8 of a byte per level (within
   * {@link StagedRow#rawBytes}'s byte per level).
   */
  private long openPageBytes() {
    long bytes = valueEnd - levelRoom;
    if (repetitionWidth > 0) {
      bytes += LevelEncoder.maxEncodedBytes(levels);
    }
    if (definitionWidth > 0) {
      bytes += LevelEncoder.maxEncodedBytes(levels);
    }
    return bytes;
  }

  /** Closes the open page if it is full; call at the end of a row. */
  void endRow() throws IOException {
    if (pageRows >= PAGE_ROW_LIMIT || openPageBytes() >= pageCloseBytes) {
      closePage(false);
    }
  }

  /**
   * Closes the open page, if it has any levels. An uncompressed page keeps the array it was written
   * in if the array has little room to spare, or whatever its room when {@code toFileNow}: the page
   * then goes to the file before anything else is written, and the array comes back at once.
   */
  private void closePage(boolean toFileNow) throws IOException {
    if (levels == 0) {
      return;
    }
    if (minString != null && maxString != null) {
      statistics.updateStats(Binary.fromConstantByteArray(minString));
      statistics.updateStats(Binary.fromConstantByteArray(maxString));
      minString = null;
      maxString = null;
    }
    if (hasLongs) {
      statistics.updateStats(minLong);
      statistics.updateStats(maxLong);
      hasLongs = false;
    }
    byte[] page = pages.page(2 * LevelEncoder.maxEncodedBytes(levels), 0);
    int levelBytes = 0;
    if (repetitionWidth > 0) {
      levelBytes = LevelEncoder.encode(repetitions, levels, repetitionWidth, page, levelBytes);
    }
    if (definitionWidth > 0) {
      levelBytes = LevelEncoder.encode(definitions, levels, definitionWidth, page, levelBytes);
    }
    int valueBytes = valueEnd - levelRoom;
    int length = levelBytes + valueBytes;
    byte[] input = values;
    int offset = levelRoom - levelBytes;
    if (offset >= 0 && values != NONE) {
      System.arraycopy(page, 0, values, offset, levelBytes);
    } else { // more levels than the room before the values, or only nulls: assembled in the shared array
      input = pages.page(length, levelBytes);
      if (valueBytes > 0) {
        System.arraycopy(values, levelRoom, input, levelBytes, valueBytes);
      }
      offset = 0;
    }
    ClosedPage closedPage;
    if (pages.onThreads() && input == values) { // only a compressing codec has threads
      // The array goes with the page to a compression thread, which gives it to PageArrays once done.
      closedPage = ClosedPage.compressing(pages.submit(values, offset, length), length, levels, pageRows, statistics);
      nextArrayBytes = values.length <= PageArrays.MAX_ARRAY_BYTES ? values.length : firstArrayBytes;
      values = NONE;
    } else if (pages.compresses()) {
      byte[] bytes = pages.compress(input, offset, length);
      closedPage = new ClosedPage(bytes, 0, bytes.length, false, length, levels, pageRows, statistics, null);
    } else {
      boolean handOn = input == values && (toFileNow || values.length - length <= length >> HANDED_ON_SLACK_SHIFT);
      if (handOn) {
        closedPage = new ClosedPage(values, offset, length, true, length, levels, pageRows, statistics, null);
        nextArrayBytes = values.length <= PageArrays.MAX_ARRAY_BYTES ? values.length : firstArrayBytes;
        values = NONE;
      } else {
        byte[] copy = spareArray(length);
        System.arraycopy(input, offset, copy, 0, length);
        // Only an array long enough to hold a page's levels and some values is worth a column's reuse.
        boolean reusable = copy.length >= firstArrayBytes;
        closedPage = new ClosedPage(copy, 0, length, reusable, length, levels, pageRows, statistics, null);
        if (values.length > pageArrayBytes) { // grown past a page by a large row, or a long pooled array
          values = NONE;
          nextArrayBytes = pageArrayBytes;
        }
      }
    }
    pages.closed();
    closed.add(closedPage);
    if (pages.compresses()) { // counted uncompressed until settled, whether a thread compressed it or not
      unsettledRawBytes += length;
      unsettledPages++;
    } else {
      closedCompressedBytes += closedPage.length();
    }
    chunkValues += levels;
    if (values.length > PageArrays.MAX_ARRAY_BYTES) {
      values = NONE; // a page of huge values leaves no huge array behind it
      nextArrayBytes = firstArrayBytes;
    }
    valueEnd = levelRoom;
    booleanBits = 0;
    levels = 0;
    pageRows = 0;
    statistics = newStatistics();
  }

  /**
   * Closed pages compressed with a header each (an upper bound of it), but those not yet settled
   * uncompressed, and the open page uncompressed.
   */
  long bufferedBytes() {
    return closedCompressedBytes + (long) closed.size() * SizeBound.PAGE_HEADER_BYTES + unsettledRawBytes
        + openPageBytes();
  }

  /** The compressed bytes of the row group's closed pages that are settled, without headers. */
  long closedCompressedBytes() {
    return closedCompressedBytes;
  }

  /** The closed pages whose compression is not yet settled: {@link #bufferedBytes} counts them uncompressed. */
  int unsettledPages() {
    return unsettledPages;
  }

  /**
   * Counts the closed pages compressed from now on, waiting for those being compressed on a thread
   * (or compressing those no thread has started). Until then a codec that
   * {@linkplain ColumnCodec#compressesOnThreads compresses on threads} has its closed pages counted
   * uncompressed, wherever they were compressed, so that what the writer measures depends neither on
   * whether a pool took the pages nor on how quickly it compressed them.
   */
  void settle() throws IOException {
    if (unsettledPages == 0) {
      return;
    }
    for (int i = firstUnsettled; i < closed.size(); i++) {
      ClosedPage page = closed.get(i);
      FutureTask<byte[]> task = page.compressing();
      if (task != null) {
        page = page.compressed(Pages.await(task));
        closed.set(i, page);
      }
      closedCompressedBytes += page.length();
    }
    firstUnsettled = closed.size();
    unsettledRawBytes = 0;
    unsettledPages = 0;
  }

  /**
   * Closes the open page ahead of {@link #writeChunk}, so that the last pages of all columns compress
   * at once rather than one after another as each column is written.
   */
  void closePageForFile() throws IOException {
    closePage(true);
  }

  /** Closes the open page and writes the column's chunk of the row group to the file; the column starts empty. */
  void writeChunk(ParquetFileWriter file) throws IOException {
    closePage(true);
    settle();
    giveSpares(); // those this row group did not need: a column keeps one row group's arrays at most
    file.startColumn(descriptor, chunkValues, pages.codec().parquetName());
    Encoding repetitionEncoding = repetitionWidth > 0 ? Encoding.RLE : Encoding.BIT_PACKED;
    Encoding definitionEncoding = definitionWidth > 0 ? Encoding.RLE : Encoding.BIT_PACKED;
    for (ClosedPage page : closed) {
      // As a buffer, not an array: parquet-java reads a buffer's bytes for the page checksum in place,
      // where it would first copy an array's into a new buffer.
      BytesInput bytes = BytesInput.from(ByteBuffer.wrap(page.array(), page.offset(), page.length()));
      file.writeDataPage(page.valueCount(), page.uncompressedSize(), bytes, page.statistics(),
          page.rowCount(), repetitionEncoding, definitionEncoding, Encoding.PLAIN);
    }
    file.endColumn();
    for (ClosedPage page : closed) {
      if (page.reusable() && page.array().length <= PageArrays.MAX_ARRAY_BYTES) {
        spareArrays.push(page.array());
      }
    }
    closed.clear();
    closedCompressedBytes = 0;
    firstUnsettled = 0;
    chunkValues = 0;
  }

  /**
   * An array for a copy of a page of {@code length} bytes: a spare of the column's with little room to
   * spare, else a new one an eighth longer, so that the page of the next row group, of about the same
   * length, fits the array this one leaves behind. A column whose open pages keep an array with more
   * room than that (one whose pages close by their row count) thus copies every page into an array
   * of its previous row group, where a new array per page would outlive many young collections and
   * be promoted, only to die when its row group is written.
   */
  private byte[] spareArray(int length) {
    for (Iterator<byte[]> spares = spareArrays.iterator(); spares.hasNext(); ) {
      byte[] spare = spares.next();
      if (spare.length >= length && spare.length - length <= length >> HANDED_ON_SLACK_SHIFT) {
        spares.remove();
        return spare;
      }
    }
    return new byte[PageArrays.withinRegion(length, (long) length + (length >> 3))];
  }

  private void giveSpares() {
    for (byte[] spare : spareArrays) {
      PageArrays.give(spare);
    }
    spareArrays.clear();
  }

  /** Gives the column's arrays back for another file; the column takes no more values. */
  void release() {
    PageArrays.give(values);
    PageArrays.give(repetitions);
    PageArrays.give(definitions);
    giveSpares();
    values = NONE;
    repetitions = NONE;
    definitions = NONE;
    closed.clear();
  }
}
