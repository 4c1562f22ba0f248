package dev.fdbe.format.parquet;

import dev.fdbe.format.internal.CompressionPool;
import dev.fdbe.schema.ColumnType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;

/**
 * Writes staged rows' values into one {@link ColumnChunkWriter} per leaf column, and their row
 * groups into a {@link ParquetFileWriter}, which writes page headers, checksums, column and offset
 * indexes and the footer: what parquet-java's {@code ParquetWriter} does with its record layer,
 * column writers and page store, in fewer steps (no record consumer walking the schema for every
 * field, levels kept as bytes and encoded once per page, a page's bytes copied at most once: by its
 * compression, or, uncompressed, only when its array is much longer than the page; see {@link
 * ColumnChunkWriter}).
 *
 * <p>Each schema column is one leaf. A plain column's definition level is its maximum when the value
 * is there, 0 when it is null. A string list is Parquet's 3-level list
 * ({@code <name> (LIST) / list / element}, elements optional): a null list is level 0, an empty list
 * the level of the list itself, an element repeats at level 1 after the first and is one level
 * below the maximum when null.
 *
 * <p>{@link #bufferedBytes} is what the open row group holds: closed pages compressed, with a page
 * header's upper bound each, and open pages uncompressed; closed pages of a codec that
 * {@linkplain ColumnCodec#compressesOnThreads compresses on threads} count uncompressed until they
 * are settled ({@link #settle}). Not thread-safe.
 */
final class ColumnRowWriter {
  private final ParquetSchema schema;
  private final ColumnType[] types;
  private final int[] maxDefinition;
  private final ParquetFileWriter file;
  private final Pages pages;
  private final ColumnChunkWriter[] chunks;
  private long rowGroupRows;

  /**
   * Starts the file (writes the magic bytes).
   *
   * @param properties the page size, which columns keep statistics, checksums and truncation lengths
   * @param rowGroupBytes the row group size, which the file writer only uses to align row groups to
   *     blocks (never, on a stream)
   * @param pool the threads that compress pages of a codec that
   *     {@linkplain ColumnCodec#compressesOnThreads compresses on threads}; absent to compress them on
   *     the writer's thread
   */
  ColumnRowWriter(OutputFile out, ParquetSchema schema, ParquetProperties properties, ColumnCodec codec,
      long rowGroupBytes, Optional<CompressionPool> pool) throws IOException {
    this.schema = schema;
    List<ColumnDescriptor> descriptors = schema.message().getColumns();
    int n = schema.schema().size();
    if (descriptors.size() != n) {
      throw new IllegalStateException("expected one Parquet leaf per column, got " + descriptors.size() + " for " + n);
    }
    this.types = new ColumnType[n];
    this.maxDefinition = new int[n];
    this.pages = new Pages(codec, pool);
    this.chunks = new ColumnChunkWriter[n];
    try {
      for (int i = 0; i < n; i++) {
        ColumnDescriptor leaf = descriptors.get(i);
        types[i] = schema.schema().column(i).type();
        maxDefinition[i] = leaf.getMaxDefinitionLevel();
        chunks[i] = new ColumnChunkWriter(leaf, properties.getStatisticsEnabled(leaf),
            properties.getPageSizeThreshold(), pages);
      }
      this.file = new ParquetFileWriter(out, schema.message(), ParquetFileWriter.Mode.CREATE,
          rowGroupBytes, 0, null, properties);
      file.start();
    } catch (IOException | RuntimeException | Error e) {
      release();
      throw e;
    }
  }

  /** Writes one row; a page that fills up is closed on the way, and compressed or handed to a thread. */
  void write(StagedRow staged) throws IOException {
    for (int i = 0; i < types.length; i++) {
      ColumnChunkWriter chunk = chunks[i];
      if (staged.isNull(i)) {
        chunk.writeNull(0, 0);
        continue;
      }
      int level = maxDefinition[i];
      switch (types[i]) {
        case STRING, JSON -> chunk.write(staged.string(i), 0, level);
        case INT64, TIMESTAMP -> chunk.write(staged.longValue(i), 0, level);
        case BOOLEAN -> chunk.write(staged.longValue(i) != 0, 0, level);
        case STRING_LIST -> writeList(chunk, level, staged.list(i), staged.listSize(i));
        default -> throw new IllegalStateException("unhandled column type " + types[i]);
      }
    }
    for (ColumnChunkWriter chunk : chunks) {
      chunk.endRow();
    }
    rowGroupRows++;
  }

  private static void writeList(ColumnChunkWriter chunk, int level, byte[][] elements, int size) {
    if (size == 0) {
      chunk.writeNull(0, level - 2);
      return;
    }
    for (int j = 0; j < size; j++) {
      int repetition = j == 0 ? 0 : 1;
      if (elements[j] == null) {
        chunk.writeNull(repetition, level - 1);
      } else {
        chunk.write(elements[j], repetition, level);
      }
    }
  }

  /**
   * What the open row group holds: closed pages compressed with their headers (those not yet settled
   * uncompressed), open pages uncompressed.
   */
  long bufferedBytes() {
    return sum(ColumnChunkWriter::bufferedBytes);
  }

  /** The closed pages of the open row group that {@link #bufferedBytes} counts uncompressed, not yet settled. */
  long unsettledPages() {
    return sum(ColumnChunkWriter::unsettledPages);
  }

  /** Counts every closed page of the open row group compressed, waiting for those being compressed. */
  void settle() throws IOException {
    for (ColumnChunkWriter chunk : chunks) {
      chunk.settle();
    }
  }

  /** The compressed bytes of the open row group's closed pages that are settled, without headers. */
  long closedCompressedBytes() {
    return sum(ColumnChunkWriter::closedCompressedBytes);
  }

  private long sum(ToLongFunction<ColumnChunkWriter> figure) {
    long sum = 0;
    for (ColumnChunkWriter chunk : chunks) {
      sum += figure.applyAsLong(chunk);
    }
    return sum;
  }

  /** The pages closed in the whole file so far. */
  long closedPages() {
    return pages.closedPages();
  }

  /** Rows in the open row group. */
  long rowGroupRows() {
    return rowGroupRows;
  }

  /** Writes the open row group out, if it has rows; the next row starts another. */
  void flushRowGroup() throws IOException {
    if (rowGroupRows > 0) {
      for (ColumnChunkWriter chunk : chunks) {
        chunk.closePageForFile();
      }
      file.startBlock(rowGroupRows);
      for (ColumnChunkWriter chunk : chunks) {
        chunk.writeChunk(file);
      }
      file.endBlock();
      rowGroupRows = 0;
    }
  }

  /** Writes the open row group and the footer, with the Avro schema in its key/value metadata. */
  void finish() throws IOException {
    try {
      flushRowGroup();
      file.end(Map.of(ParquetSchema.AVRO_SCHEMA_KEY, schema.avroJson()));
    } finally {
      release();
    }
  }

  /** Frees the codec's native resources and gives the columns' arrays back; the file takes no more rows. */
  void release() {
    pages.close();
    for (ColumnChunkWriter chunk : chunks) {
      if (chunk != null) { // null past a column whose writer could not be made
        chunk.release();
      }
    }
  }
}
