package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.format.parquet.BenchmarkAccess;
import dev.fdbe.schema.Row;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer of the Parquet writer: one Avro {@code GenericRecord} per row written with
 * {@code AvroParquetWriter}, as parquet-avro's users do. It uses the library's own page codecs and
 * page layout (16 KiB pages checked after every row, no dictionary, statistics truncated), so the
 * only difference measured is the record path. Same rows, same counting sink as
 * {@link FormatThroughput}; scores are rows/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AvroParquet {
  /** The compression of the pages. */
  @Param({"NONE", "ZSTD", "GZIP", "SNAPPY", "LZ4", "BROTLI"})
  public Compression compression;

  private List<Row> rows;
  private org.apache.avro.Schema schema;

  @Setup(Level.Trial)
  public void setUp() {
    rows = EventRows.generate(FormatThroughput.ROWS, 1);
    schema = EventRows.avroSchema();
  }

  /** Writes the rows as one Parquet file; returns its size. */
  @Benchmark
  @OperationsPerInvocation(FormatThroughput.ROWS)
  public long write() throws IOException {
    return writeTo(new Sinks.Counting());
  }

  long writeTo(Sinks.Counting out) throws IOException {
    PlainParquetConfiguration conf = new PlainParquetConfiguration();
    conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new Sinks.DiscardingFile(out))
        .withConf(conf)
        .withSchema(schema)
        .withDataModel(GenericData.get())
        .withCodecFactory(BenchmarkAccess.codecs())
        .withCompressionCodec(BenchmarkAccess.codecName(compression))
        .withPageSize(BenchmarkAccess.pageSizeBytes())
        .withRowGroupSize(BenchmarkAccess.rowGroupBytes())
        .withDictionaryEncoding(false)
        .withBloomFilterEnabled(false)
        .withSizeStatisticsEnabled(false)
        .withStatisticsTruncateLength(BenchmarkAccess.truncateBytes())
        .withColumnIndexTruncateLength(BenchmarkAccess.truncateBytes())
        .withMinRowCountForPageSizeCheck(1)
        .withPageWriteChecksumEnabled(true)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .build()) {
      for (Row row : rows) {
        writer.write(EventRows.toRecord(row, schema));
      }
    }
    return out.count;
  }
}
