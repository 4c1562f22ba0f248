package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.format.parquet.ParquetFormat;
import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Row;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * How fast does parquet-avro write the rows {@link FormatThroughput} writes, one Avro
 * {@code GenericRecord} per row through {@code AvroParquetWriter}, as its users write Parquet? The
 * peer of fdbe's Parquet writer; same rows, same counting sink, scores are rows/s.
 *
 * <p>Only the record path should differ, so the peer compresses pages with fdbe's page codecs and
 * writes onto the sink as fdbe does, through the public {@link ParquetFormat#codecFactory()},
 * {@link ParquetFormat#codecName(Compression)} and {@link ParquetFormat#outputFile(OutputStream)}.
 * The page layout is set here on parquet-java's builder as fdbe's writer sets it (no dictionary, no
 * bloom filter, statistics and column index truncated to {@value #TRUNCATE_BYTES} bytes and none
 * for JSON columns, page size checked after every row, page checksums, Parquet 1.0 pages), with
 * {@code pageSizeBytes} pages and row groups of 32 MiB. The default page size, {@value #PAGE_BYTES}
 * bytes, is the one fdbe's writer uses for parts without a limit, as {@link FormatThroughput} writes
 * them ({@code maxSizeMb=0}), so that only the record path differs: the two files have the same
 * row groups, pages, codecs, encodings and statistics (the test checks their footers). Smaller
 * pages make a different file (16 KiB pages: 1% larger uncompressed, 12–22% with a codec) at a
 * different speed, so {@code -p pageSizeBytes=16384} is not a like-for-like peer.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar AvroParquet -p compression=NONE,ZSTD}
 */
public class AvroParquet extends WriterBenchmark {
  /** The peer's default page size: fdbe's writer's for parts without a limit (and parquet-java's default). */
  static final int PAGE_BYTES = 1024 * 1024;
  /** The row group size of fdbe's writer: at most 32 MiB buffered. */
  static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;
  /** The length fdbe's writer truncates string statistics and column index entries to. */
  static final int TRUNCATE_BYTES = 64;

  /** The compression of the pages. */
  @Param({"NONE", "ZSTD", "GZIP", "SNAPPY", "LZ4", "BROTLI"})
  public Compression compression;

  /** The uncompressed size at which a column's page is closed. */
  @Param("" + PAGE_BYTES)
  public int pageSizeBytes = PAGE_BYTES;

  private List<Row> rows;
  private org.apache.avro.Schema schema;

  @Setup(Level.Trial)
  public void setUp() {
    rows = EventRows.generate(ROWS, 1);
    schema = EventRows.avroSchema();
  }

  /** Writes the rows as one Parquet file; returns its size. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long write() throws IOException {
    return writeTo(new Sinks.Counting());
  }

  long writeTo(Sinks.Counting out) throws IOException {
    PlainParquetConfiguration conf = new PlainParquetConfiguration();
    conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    AvroParquetWriter.Builder<GenericRecord> builder = AvroParquetWriter.<GenericRecord>builder(
        ParquetFormat.outputFile(out))
        .withConf(conf)
        .withSchema(schema)
        .withDataModel(GenericData.get())
        .withCodecFactory(ParquetFormat.codecFactory())
        .withCompressionCodec(ParquetFormat.codecName(compression))
        .withPageSize(pageSizeBytes)
        .withRowGroupSize(ROW_GROUP_BYTES)
        .withDictionaryEncoding(false)
        .withBloomFilterEnabled(false)
        .withSizeStatisticsEnabled(false)
        .withStatisticsTruncateLength(TRUNCATE_BYTES)
        .withColumnIndexTruncateLength(TRUNCATE_BYTES)
        .withMinRowCountForPageSizeCheck(1)
        .withPageWriteChecksumEnabled(true)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0);
    for (Column column : EventRows.SCHEMA.columns()) {
      if (column.type() == ColumnType.JSON) {
        builder.withStatisticsEnabled(column.name(), false);
      }
    }
    try (ParquetWriter<GenericRecord> writer = builder.build()) {
      for (Row row : rows) {
        writer.write(EventRows.toRecord(row, schema));
      }
    }
    return out.count;
  }
}
