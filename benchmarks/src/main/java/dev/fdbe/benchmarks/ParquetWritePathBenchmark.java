package dev.fdbe.benchmarks;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.fdbe.Column;
import dev.fdbe.Compression;
import dev.fdbe.Model;
import dev.fdbe.Schema;
import dev.fdbe.format.parquet.ParquetFormat;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.Row;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Is writing rows straight to Parquet's record consumer (what {@link ParquetFormat}'s writer does)
 * faster than building one Avro {@code GenericRecord} per row and writing it with
 * {@code AvroParquetWriter}?
 *
 * <p>Both write the same {@value #ROWS} events rows (properties JSON of 300 to 800 bytes, ten event
 * names, some nulls), built in {@link #setUp}, with zstd level 3 from zstd-jni, plain encoding, 16 KiB
 * pages checked after every row and statistics truncated to 64 bytes, into an output that discards
 * the bytes. The direct
 * path goes through the public {@code RecordWriter} API, so it also pays for the size bound of
 * every {@code stage}. Scores are rows per second.
 *
 * <p>Run: {@code mvn -q -B -pl formats,benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar ParquetWritePathBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 8, time = 5)
public class ParquetWritePathBenchmark {
  static final int ROWS = 20_000;
  private static final Schema EVENTS = Model.EVENTS.schema();
  private static final String[] NAMES = {"$pageview", "$autocapture", "$pageleave", "$identify", "signed_up",
      "$feature_flag_called", "checkout_started", "$screen", "purchase", "$rageclick"};

  private List<Row> rows;
  private org.apache.avro.Schema avroSchema;

  /** Builds the rows once. */
  @Setup
  public void setUp() {
    Random random = new Random(1);
    rows = new ArrayList<>(ROWS);
    long start = Instant.parse("2026-11-20T00:00:00Z").getEpochSecond() * 1_000_000L;
    for (int i = 0; i < ROWS; i++) {
      Object[] values = new Object[EVENTS.size()];
      values[0] = new UUID(random.nextLong(), random.nextLong()).toString();
      values[1] = NAMES[random.nextInt(NAMES.length)];
      values[2] = properties(random);
      values[3] = random.nextInt(10) == 0 ? null : "user-" + random.nextInt(5000);
      long timestamp = start + i * 1_234_567L;
      values[4] = timestamp;
      values[5] = random.nextInt(5) == 0 ? null : timestamp + random.nextInt(1_000_000);
      values[6] = timestamp + 2_000_000;
      values[7] = random.nextInt(3) == 0 ? null : "button.btn:nth-child=" + random.nextInt(9) + ";div.main";
      values[8] = random.nextInt(4) == 0 ? null : new UUID(random.nextLong(), random.nextLong()).toString();
      values[9] = random.nextInt(3) == 0 ? null : "{\"email\":\"user" + random.nextInt(5000) + "@example.com\"}";
      rows.add(new ArrayRow(values));
    }
    avroSchema = avroSchema(EVENTS);
  }

  private static String properties(Random random) {
    StringBuilder json = new StringBuilder("{\"$current_url\":\"https://app.example.com/")
        .append(Long.toHexString(random.nextLong())).append("\",\"$browser\":\"Chrome\",\"$lib\":\"web\"");
    int target = 300 + random.nextInt(500);
    for (int k = 0; json.length() < target; k++) {
      json.append(",\"prop_").append(k).append("\":\"").append(Long.toString(random.nextLong(), 36)).append('"');
    }
    return json.append('}').toString();
  }

  /** (a) The format's writer: stage and commit each row, straight to the record consumer. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long direct() throws IOException {
    CountingOutputStream out = new CountingOutputStream();
    RecordWriter writer = new ParquetFormat().open(out, EVENTS, Compression.ZSTD, WriterContext.NONE);
    for (Row row : rows) {
      writer.stage(row);
      writer.commit();
    }
    writer.finish();
    return out.count;
  }

  /** (b) One GenericRecord per row, written with AvroParquetWriter. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long avroRecords() throws IOException {
    CountingOutputStream out = new CountingOutputStream();
    PlainParquetConfiguration conf = new PlainParquetConfiguration();
    conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new DiscardingFile(out))
        .withConf(conf)
        .withSchema(avroSchema)
        .withDataModel(GenericData.get())
        .withCodecFactory(new ZstdCodecs())
        .withCompressionCodec(CompressionCodecName.ZSTD)
        .withPageSize(16 * 1024)
        .withRowGroupSize(64L * 1024 * 1024)
        .withDictionaryEncoding(false)
        .withSizeStatisticsEnabled(false)
        .withStatisticsTruncateLength(64)
        .withColumnIndexTruncateLength(64)
        .withMinRowCountForPageSizeCheck(1)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .build()) {
      for (Row row : rows) {
        GenericData.Record record = new GenericData.Record(avroSchema);
        for (int i = 0; i < EVENTS.size(); i++) {
          if (row.isNull(i)) {
            continue;
          }
          record.put(i, switch (EVENTS.column(i).type()) {
            case STRING, JSON -> row.getString(i);
            case INT64 -> row.getLong(i);
            case BOOLEAN -> row.getBoolean(i);
            case TIMESTAMP -> row.getTimestampMicros(i);
            case STRING_LIST -> row.getStringList(i);
          });
        }
        writer.write(record);
      }
    }
    return out.count;
  }

  private static org.apache.avro.Schema avroSchema(Schema schema) {
    List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
    for (Column column : schema.columns()) {
      org.apache.avro.Schema type = switch (column.type()) {
        case STRING, JSON -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING);
        case INT64 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG);
        case BOOLEAN -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BOOLEAN);
        case TIMESTAMP -> LogicalTypes.timestampMicros()
            .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG));
        case STRING_LIST -> org.apache.avro.Schema.createArray(org.apache.avro.Schema.createUnion(
            org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL),
            org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING)));
      };
      fields.add(column.nullable()
          ? new org.apache.avro.Schema.Field(column.name(), org.apache.avro.Schema.createUnion(
              org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), type), null,
              org.apache.avro.Schema.Field.NULL_DEFAULT_VALUE)
          : new org.apache.avro.Schema.Field(column.name(), type));
    }
    return org.apache.avro.Schema.createRecord("ExportRow", null, "dev.fdbe", false, fields);
  }

  /** A row over an array of values: strings, boxed longs for INT64 and TIMESTAMP (micros), lists. */
  private record ArrayRow(Object[] values) implements Row {
    @Override
    public boolean isNull(int column) {
      return values[column] == null;
    }

    @Override
    public String getString(int column) {
      return (String) values[column];
    }

    @Override
    public long getLong(int column) {
      return (Long) values[column];
    }

    @Override
    public boolean getBoolean(int column) {
      return (Boolean) values[column];
    }

    @Override
    public long getTimestampMicros(int column) {
      return (Long) values[column];
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> getStringList(int column) {
      return (List<String>) values[column];
    }
  }

  /** Counts and drops the bytes. */
  private static final class CountingOutputStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** An output file over the discarding stream; closing it does nothing. */
  private record DiscardingFile(CountingOutputStream out) implements OutputFile {
    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return new PositionOutputStream() {
        @Override
        public long getPos() {
          return out.count;
        }

        @Override
        public void write(int b) {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          out.write(b, off, len);
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }

  /** zstd level 3 through zstd-jni, as the format's own codecs, for the Avro path. */
  private static final class ZstdCodecs implements CompressionCodecFactory {
    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
      ZstdCompressCtx context = new ZstdCompressCtx().setLevel(3);
      return new BytesInputCompressor() {
        private byte[] output = new byte[0];

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
          byte[] input = bytes.toByteArray();
          int bound = (int) Zstd.compressBound(input.length);
          if (output.length < bound) {
            output = new byte[bound];
          }
          int length = context.compressByteArray(output, 0, output.length, input, 0, input.length);
          return BytesInput.from(output, 0, length);
        }

        @Override
        public CompressionCodecName getCodecName() {
          return codecName;
        }

        @Override
        public void release() {
          context.close();
        }
      };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
      throw new UnsupportedOperationException("the benchmark only writes");
    }

    @Override
    public void release() {}
  }

}
