package dev.fdbe.format.parquet;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>The open page's arrays come from {@link PageArrays} and go back there when the file is done
 * ({@link #release}); a closed page is one array of its compressed size. Not thread-safe.
 */
final class ColumnChunkWriter {
  /** parquet-java's default row count limit of a page. */
  static final int PAGE_ROW_LIMIT = 20_000;
  private static final byte[] NONE = new byte[0];
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
  private final Pages pages;

  private byte[] values = PageArrays.take(4096);
  private int valueBytes;
  private int booleanBits;
  private byte[] repetitions;
  private byte[] definitions;
  private int levels;
  private int pageRows;
  private Statistics<?> statistics;
  /** Whether the open page's smallest and largest string or long are found here rather than by {@link #statistics}. */
  private final boolean ownStringBounds;
  private final boolean ownLongBounds;
  private @Nullable Binary minString;
  private @Nullable Binary maxString;
  private boolean hasLongs;
  private long minLong;
  private long maxLong;

  private final List<ClosedPage> closed = new ArrayList<>();
  private long closedCompressedBytes;
  private long chunkValues;

  /** A closed page: its bytes (compressed), what they decompress to, and what the page header says of it. */
  private record ClosedPage(byte[] bytes, int uncompressedSize, int valueCount, int rowCount, Statistics<?> statistics) {}

  /** What the columns of one file share: the codec, and the arrays a page is assembled and compressed in. */
  static final class Pages {
    private final ColumnCodec codec;
    private final ColumnCodec.PageCodec pageCodec;
    private byte[] page = NONE;
    private byte[] compressed = NONE;
    private long closedPages;

    Pages(ColumnCodec codec) {
      this.codec = codec;
      this.pageCodec = codec.newPageCodec();
    }

    /** The pages closed in the file so far. */
    long closedPages() {
      return closedPages;
    }

    /** The array a page is assembled in, with at least {@code length} bytes, its first {@code kept} kept. */
    private byte[] page(int length, int kept) {
      if (page.length < length) {
        page = PageArrays.grow(page, kept, length);
      }
      return page;
    }

    /**
     * The page's bytes as they go to the file: its levels, {@code page[0, levelBytes)}, then
     * {@code values[0, valueBytes)}, compressed, in a new array of their size.
     */
    private byte[] close(int levelBytes, byte[] values, int valueBytes) throws IOException {
      closedPages++;
      int length = levelBytes + valueBytes;
      if (codec == ColumnCodec.UNCOMPRESSED) {
        byte[] bytes = new byte[length];
        System.arraycopy(page, 0, bytes, 0, levelBytes);
        System.arraycopy(values, 0, bytes, levelBytes, valueBytes);
        return bytes;
      }
      byte[] input = page(length, levelBytes);
      System.arraycopy(values, 0, input, levelBytes, valueBytes);
      int bound = pageCodec.maxCompressedLength(length);
      if (compressed.length < bound) {
        compressed = PageArrays.grow(compressed, 0, bound);
      }
      byte[] bytes = Arrays.copyOf(compressed, pageCodec.compress(input, 0, length, compressed));
      if (page.length > PageArrays.MAX_ARRAY_BYTES) {
        page = NONE; // a huge page leaves no huge arrays behind it
        compressed = NONE;
      }
      return bytes;
    }

    /** Frees the codec and gives the arrays back; idempotent. */
    void close() {
      pageCodec.close();
      PageArrays.give(page);
      PageArrays.give(compressed);
      page = NONE;
      compressed = NONE;
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
    this.pageCloseBytes = pageSizeBytes - pageSizeBytes / 10;
    this.pages = pages;
    this.statistics = newStatistics();
    this.ownStringBounds = statisticsEnabled && primitive.getPrimitiveTypeName() == PrimitiveTypeName.BINARY
        && (Object) primitive.comparator() == PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR;
    this.ownLongBounds = statisticsEnabled && primitive.getPrimitiveTypeName() == PrimitiveTypeName.INT64
        && (Object) primitive.comparator() == SIGNED_LONGS;
  }

  private Statistics<?> newStatistics() {
    return statisticsEnabled ? Statistics.createStats(primitive) : Statistics.noopStats(primitive);
  }

  /** A null (or, in a list, an empty list or a null element) at the given levels. */
  void writeNull(int repetition, int definition) {
    levels(repetition, definition);
    statistics.incrementNumNulls();
  }

  void write(Binary value, int repetition, int definition) {
    levels(repetition, definition);
    int length = value.length();
    byte[] into = room(4 + length);
    LevelEncoder.INT_LE.set(into, valueBytes, length);
    System.arraycopy(value.getBytesUnsafe(), 0, into, valueBytes + 4, length);
    valueBytes += 4 + length;
    if (!ownStringBounds) {
      statistics.updateStats(value);
    } else if (minString == null || maxString == null) {
      minString = value;
      maxString = value;
    } else if (compareUnsigned(value, minString) < 0) {
      minString = value;
    } else if (compareUnsigned(value, maxString) > 0) {
      maxString = value;
    }
  }

  private static int compareUnsigned(Binary a, Binary b) {
    return Arrays.compareUnsigned(a.getBytesUnsafe(), 0, a.length(), b.getBytesUnsafe(), 0, b.length());
  }

  void write(long value, int repetition, int definition) {
    levels(repetition, definition);
    LONG_LE.set(room(8), valueBytes, value);
    valueBytes += 8;
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
      room(1)[valueBytes++] = 0;
    }
    if (value) {
      values[valueBytes - 1] |= (byte) (1 << (booleanBits & 7));
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
    if (values.length - valueBytes < bytes) {
      values = PageArrays.grow(values, valueBytes, valueBytes + bytes);
    }
    return values;
  }

  /**
   * The open page's size once encoded, uncompressed, at most; an empty page counts its levels' fixed
   * bound too, so that a row adds no more than its values and 3/8 of a byte per level (within
   * {@link StagedRow#rawBytes}'s byte per level).
   */
  private long openPageBytes() {
    long bytes = valueBytes;
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
      closePage();
    }
  }

  private void closePage() throws IOException {
    if (levels == 0) {
      return;
    }
    if (minString != null && maxString != null) {
      statistics.updateStats(minString);
      statistics.updateStats(maxString);
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
    byte[] bytes = pages.close(levelBytes, values, valueBytes);
    closed.add(new ClosedPage(bytes, levelBytes + valueBytes, levels, pageRows, statistics));
    closedCompressedBytes += bytes.length;
    chunkValues += levels;
    if (values.length > PageArrays.MAX_ARRAY_BYTES) {
      values = PageArrays.take(4096); // a page of huge values leaves no huge array behind it
    }
    valueBytes = 0;
    booleanBits = 0;
    levels = 0;
    pageRows = 0;
    statistics = newStatistics();
  }

  /** Closed pages compressed with a header each (an upper bound of it), and the open page uncompressed. */
  long bufferedBytes() {
    return closedCompressedBytes + (long) closed.size() * SizeBound.PAGE_HEADER_BYTES + openPageBytes();
  }

  /** The compressed bytes of the row group's closed pages, without headers. */
  long closedCompressedBytes() {
    return closedCompressedBytes;
  }

  /** Closes the open page and writes the column's chunk of the row group to the file; the column starts empty. */
  void writeChunk(ParquetFileWriter file) throws IOException {
    closePage();
    file.startColumn(descriptor, chunkValues, pages.codec.parquetName());
    Encoding repetitionEncoding = repetitionWidth > 0 ? Encoding.RLE : Encoding.BIT_PACKED;
    Encoding definitionEncoding = definitionWidth > 0 ? Encoding.RLE : Encoding.BIT_PACKED;
    for (ClosedPage page : closed) {
      // As a buffer, not an array: parquet-java reads a buffer's bytes for the page checksum in place,
      // where it would first copy an array's into a new buffer.
      BytesInput bytes = BytesInput.from(ByteBuffer.wrap(page.bytes()));
      file.writeDataPage(page.valueCount(), page.uncompressedSize(), bytes, page.statistics(),
          page.rowCount(), repetitionEncoding, definitionEncoding, Encoding.PLAIN);
    }
    file.endColumn();
    closed.clear();
    closedCompressedBytes = 0;
    chunkValues = 0;
  }

  /** Gives the column's arrays back for another file; the column takes no more values. */
  void release() {
    PageArrays.give(values);
    PageArrays.give(repetitions);
    PageArrays.give(definitions);
    values = NONE;
    repetitions = NONE;
    definitions = NONE;
    closed.clear();
  }
}
