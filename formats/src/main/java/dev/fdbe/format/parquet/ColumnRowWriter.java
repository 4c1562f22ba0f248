package dev.fdbe.format.parquet;

import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Row;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;

/**
 * Writes staged rows' values straight into parquet-java's column writers, one per leaf column,
 * and their row groups into a {@link ParquetFileWriter}: what parquet-java's {@code ParquetWriter}
 * does, without its record layer (a record consumer that walks the schema for every field of every
 * row) and with one page compressor shared by every column.
 *
 * <p>Each schema column is one leaf. A plain column's definition level is its maximum when the value
 * is there, 0 when it is null. A string list is Parquet's 3-level list
 * ({@code <name> (LIST) / list / element}, elements optional): a null list is level 0, an empty list
 * the level of the list itself, an element repeats at level 1 after the first and is one level
 * below the maximum when null.
 *
 * <p>The open row group lives in a column store and a page store that are replaced after each
 * flush; {@link #bufferedBytes} is what they hold (closed pages compressed with headers, open
 * pages uncompressed). Not thread-safe.
 */
final class ColumnRowWriter {
  private final ParquetSchema schema;
  private final ColumnType[] types;
  private final ColumnDescriptor[] leaves;
  private final int[] maxDefinition;
  private final ParquetProperties properties;
  private final BytesInputCompressor compressor;
  private final ParquetFileWriter file;
  private final ColumnWriter[] writers;
  private ColumnWriteStore columns;
  private ColumnChunkPageWriteStore pages;
  private long rowGroupRows;

  /**
   * Starts the file (writes the magic bytes).
   *
   * @param rowGroupBytes the row group size, which the file writer only uses to align row groups to
   *     blocks (never, on a stream)
   */
  ColumnRowWriter(OutputFile out, ParquetSchema schema, ParquetProperties properties, BytesInputCompressor compressor,
      long rowGroupBytes) throws IOException {
    this.schema = schema;
    this.properties = properties;
    this.compressor = compressor;
    List<ColumnDescriptor> descriptors = schema.message().getColumns();
    int n = schema.schema().size();
    if (descriptors.size() != n) {
      throw new IllegalStateException("expected one Parquet leaf per column, got " + descriptors.size() + " for " + n);
    }
    this.types = new ColumnType[n];
    this.leaves = descriptors.toArray(new ColumnDescriptor[0]);
    this.maxDefinition = new int[n];
    for (int i = 0; i < n; i++) {
      types[i] = schema.schema().column(i).type();
      maxDefinition[i] = leaves[i].getMaxDefinitionLevel();
    }
    this.writers = new ColumnWriter[n];
    this.file = new ParquetFileWriter(out, schema.message(), ParquetFileWriter.Mode.CREATE,
        rowGroupBytes, 0, null, properties);
    file.start();
    openRowGroup();
  }

  private void openRowGroup() {
    pages = new ColumnChunkPageWriteStore(compressor, schema.message(), HeapByteBufferAllocator.getInstance(),
        properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled());
    columns = properties.newColumnWriteStore(schema.message(), pages, pages);
    for (int i = 0; i < leaves.length; i++) {
      writers[i] = columns.getColumnWriter(leaves[i]);
    }
    rowGroupRows = 0;
  }

  /** Writes one row; a page that fills up is closed (and compressed) on the way. */
  void write(StagedRow staged) {
    Row row = staged.row();
    for (int i = 0; i < types.length; i++) {
      ColumnWriter writer = writers[i];
      if (row.isNull(i)) {
        writer.writeNull(0, 0);
        continue;
      }
      int level = maxDefinition[i];
      switch (types[i]) {
        case STRING, JSON -> writer.write(staged.string(i), 0, level);
        case INT64 -> writer.write(row.getLong(i), 0, level);
        case TIMESTAMP -> writer.write(row.getTimestampMicros(i), 0, level);
        case BOOLEAN -> writer.write(row.getBoolean(i), 0, level);
        case STRING_LIST -> writeList(writer, level, staged.list(i), staged.listSize(i));
        default -> throw new IllegalStateException("unhandled column type " + types[i]);
      }
    }
    columns.endRecord();
    rowGroupRows++;
  }

  private static void writeList(ColumnWriter writer, int level, Binary[] elements, int size) {
    if (size == 0) {
      writer.writeNull(0, level - 2);
      return;
    }
    for (int j = 0; j < size; j++) {
      int repetition = j == 0 ? 0 : 1;
      if (elements[j] == null) {
        writer.writeNull(repetition, level - 1);
      } else {
        writer.write(elements[j], repetition, level);
      }
    }
  }

  /** What the open row group holds: closed pages compressed with their headers, open pages uncompressed. */
  long bufferedBytes() {
    return columns.getBufferedSize();
  }

  /** Rows in the open row group. */
  long rowGroupRows() {
    return rowGroupRows;
  }

  /** Writes the open row group out, if it has rows, and opens the next. */
  void flushRowGroup() throws IOException {
    closeRowGroup();
    openRowGroup();
  }

  /** Writes the open row group and the footer, with the Avro schema in its key/value metadata. */
  void finish() throws IOException {
    closeRowGroup();
    file.end(Map.of(ParquetSchema.AVRO_SCHEMA_KEY, schema.avroJson()));
  }

  private void closeRowGroup() throws IOException {
    if (rowGroupRows > 0) {
      file.startBlock(rowGroupRows);
      columns.flush();
      pages.flushToFileWriter(file);
      file.endBlock();
    }
    columns.close();
    pages.close();
  }
}
