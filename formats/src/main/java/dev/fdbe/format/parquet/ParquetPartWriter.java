package dev.fdbe.format.parquet;

import dev.fdbe.ExportException;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

/**
 * Writes one Parquet file onto the engine's stream with parquet-java's {@link ParquetWriter},
 * {@link RowWriteSupport} and {@link ColumnCodecs}; no Hadoop file system or codec is involved.
 *
 * <p>{@link #stage} encodes the row's strings and returns {@link SizeBound}'s bound for the file
 * with the row; {@link #commit} hands the row to parquet-java. The bound needs to know, besides
 * what parquet-java reports buffered, which part of that is compressed pages: the codec factory
 * counts compressed bytes, and a row group flush shows as the stream position moving (nothing else
 * writes between the magic and the footer), after which the counts start again.
 *
 * <p>Dictionary encoding is off: a dictionary lives outside the reported buffer and may fall back
 * to plain encoding mid-page, which would leave no useful bound; the codecs recover most of what it
 * saves. Not thread-safe.
 */
final class ParquetPartWriter implements RecordWriter {
  private final OutputStream out;
  private final StreamOutputFile file;
  private final ColumnCodecs codecs = new ColumnCodecs();
  private final SizeBound bound;
  private final StagedRow staged;
  private final ParquetWriter<StagedRow> writer;
  private long records;
  private long rowGroups;
  private long rowGroupEnd;
  private long compressedAtRowGroupStart;
  private long extraFooterBytes;
  private boolean hasStaged;
  private boolean finished;

  ParquetPartWriter(OutputStream out, ParquetSchema schema, ColumnCodec codec, ParquetLayout layout,
      WriterContext context)
      throws IOException {
    this.out = out;
    this.file = new StreamOutputFile(out);
    this.bound = new SizeBound(schema, codec);
    this.staged = new StagedRow(schema.schema(), context);
    this.writer = new Builder(file, new RowWriteSupport(schema))
        .withConf(new PlainParquetConfiguration())
        .withCodecFactory(codecs)
        .withCompressionCodec(codec.parquetName())
        .withPageSize(layout.pageSizeBytes())
        .withRowGroupSize(layout.rowGroupBytes())
        .withDictionaryEncoding(false)
        .withBloomFilterEnabled(false)
        .withSizeStatisticsEnabled(false)
        .withStatisticsTruncateLength(StagedRow.TRUNCATE_BYTES)
        .withColumnIndexTruncateLength(StagedRow.TRUNCATE_BYTES)
        .withMinRowCountForPageSizeCheck(1)
        .withPageWriteChecksumEnabled(true)
        .build();
  }

  @Override
  public long stage(Row row) throws IOException {
    if (finished) {
      throw new IllegalStateException("the file is finished");
    }
    hasStaged = false;
    staged.set(row);
    hasStaged = true;
    return sizeWith(staged.rawBytes(), staged.untruncatableBytes());
  }

  /** The bound of the finished file with {@code rawBytes} more in the open pages. */
  private long sizeWith(long rawBytes, long extraBytes) {
    long written = file.position();
    long buffered = writer.getDataSize() - rowGroupEnd;
    long closedCompressed = codecs.compressedBytes() - compressedAtRowGroupStart;
    return bound.of(written, buffered, closedCompressed, codecs.pages(), rowGroups, rawBytes,
        extraFooterBytes + extraBytes);
  }

  @Override
  public void commit() throws IOException {
    if (!hasStaged) {
      throw new IllegalStateException("no row is staged");
    }
    hasStaged = false;
    long before = file.position();
    try {
      writer.write(staged);
    } catch (RuntimeException e) {
      // parquet-java aborts the file; it takes no more rows and writes no footer.
      finished = true;
      codecs.release();
      throw new ExportException("cannot write a row to Parquet: " + e.getMessage(), e);
    }
    records++;
    extraFooterBytes += staged.untruncatableBytes();
    if (file.position() != before) {
      // parquet-java wrote the row group out; its buffer starts empty, as do our counts.
      rowGroups++;
      rowGroupEnd = file.position();
      compressedAtRowGroupStart = codecs.compressedBytes();
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
      writer.close();
    } catch (RuntimeException e) {
      throw new ExportException("cannot finish the Parquet file: " + e.getMessage(), e);
    }
    out.flush();
  }

  /** parquet-java's builder, over our write support. */
  private static final class Builder extends ParquetWriter.Builder<StagedRow, Builder> {
    private final WriteSupport<StagedRow> support;

    Builder(OutputFile file, WriteSupport<StagedRow> support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<StagedRow> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<StagedRow> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
      return support;
    }
  }
}
