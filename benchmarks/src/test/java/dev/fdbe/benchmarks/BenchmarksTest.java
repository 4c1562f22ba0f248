package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.format.ExportFiles;
import dev.fdbe.format.parquet.ParquetFormat;
import dev.fdbe.internal.json.JsonSyntax;
import dev.fdbe.schema.Row;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Fork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each benchmark does the work it claims to measure: the writers and their peers write every row
 * (read back and compared), DuckDB's COPY writes the table, the limits compress the serialized rows.
 */
class BenchmarksTest {
  private static final List<Row> ROWS = EventRows.generate(WriterBenchmark.ROWS, 1);

  @Test
  void rowsAreRealisticEvents() {
    assertThat(ROWS).hasSize(WriterBenchmark.ROWS);
    assertThat(ROWS).allSatisfy(row -> assertThat(row.getString(2).length()).isBetween(300, 900));
    assertThat(ROWS.stream().map(row -> row.getString(1)).distinct()).hasSize(10);
    assertThat(ROWS.stream().filter(row -> row.isNull(3))).isNotEmpty();
    assertThat(EventRows.generate(5, 1).get(4).getString(0)).isEqualTo(ROWS.get(4).getString(0));
  }

  @ParameterizedTest
  @EnumSource(FileFormat.class)
  void theFormatBenchmarkWritesEveryRow(FileFormat format) throws IOException {
    FormatThroughput benchmark = new FormatThroughput();
    benchmark.format = format;
    benchmark.compression = Compression.ZSTD;
    benchmark.maxSizeMb = 0;
    benchmark.seed = 1;
    benchmark.setUp();
    FormatThroughput.Output output = new FormatThroughput.Output();
    long size = benchmark.write(output);

    byte[] file = FormatThroughput.serialize(format, Compression.ZSTD, ROWS);
    assertThat(size).isEqualTo(output.bytes).isEqualTo(file.length);
    assertSameRows(ExportFiles.readAll(new ByteArrayInputStream(file), format, Compression.ZSTD, EventRows.SCHEMA));
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
  void theJacksonPeerWritesEveryRow(Compression compression) throws IOException {
    JacksonJsonLines peer = new JacksonJsonLines();
    peer.compression = compression;
    peer.setUp();
    Sinks.Capturing out = new Sinks.Capturing();
    assertWroteEveryRow(peer.writeTo(out), out, FileFormat.JSON_LINES, compression);
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "ZSTD", "BROTLI"})
  void theGenericRecordPeerWritesEveryRow(Compression compression) throws IOException {
    AvroParquet peer = new AvroParquet();
    peer.compression = compression;
    peer.setUp();
    Sinks.Capturing out = new Sinks.Capturing();
    assertWroteEveryRow(peer.writeTo(out), out, FileFormat.PARQUET, compression);
  }

  /**
   * The peer writes the file fdbe's writer writes in {@link FormatThroughput} (no part limit), so
   * that only the record path differs: per column chunk the same codec, encodings, pages, and
   * statistics and column index where fdbe keeps them (none for JSON columns); the sizes differ by
   * the footers' metadata. The peer with 16 KiB pages fails the same comparison.
   */
  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "ZSTD"})
  void theGenericRecordPeerWritesFdbesLayout(Compression compression, @TempDir Path directory) throws IOException {
    Path fdbeFile = directory.resolve("fdbe.parquet");
    Files.write(fdbeFile, FormatThroughput.serialize(FileFormat.PARQUET, compression, ROWS));
    Path peerFile = peerFile(compression, AvroParquet.PAGE_BYTES, directory.resolve("peer.parquet"));
    Path smallPages = peerFile(compression, 16 * 1024, directory.resolve("small-pages.parquet"));

    List<String> fdbeLayout = layout(fdbeFile);
    assertThat(fdbeLayout).anyMatch(chunk -> chunk.contains("statistics false")).anyMatch(
        chunk -> chunk.contains("statistics true"));
    assertThat(layout(peerFile)).isEqualTo(fdbeLayout);
    assertThat(Files.size(peerFile)).isCloseTo(Files.size(fdbeFile), withinPercentage(0.1));
    assertThat(layout(smallPages)).isNotEqualTo(fdbeLayout);
  }

  private static Path peerFile(Compression compression, int pageBytes, Path file) throws IOException {
    AvroParquet peer = new AvroParquet();
    peer.compression = compression;
    peer.pageSizeBytes = pageBytes;
    peer.setUp();
    Sinks.Capturing out = new Sinks.Capturing();
    peer.writeTo(out);
    return Files.write(file, out.bytes.toByteArray());
  }

  /** One line per column chunk: its row group, path, codec, encodings, pages and what it keeps of statistics. */
  private static List<String> layout(Path file) throws IOException {
    List<String> chunks = new ArrayList<>();
    ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(ParquetFormat.codecFactory()).build();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
      List<BlockMetaData> rowGroups = reader.getFooter().getBlocks();
      for (int g = 0; g < rowGroups.size(); g++) {
        for (ColumnChunkMetaData chunk : rowGroups.get(g).getColumns()) {
          chunks.add(g + " " + chunk.getPath() + " " + chunk.getCodec() + " " + new TreeSet<>(chunk.getEncodings())
              + " pages " + reader.readOffsetIndex(chunk).getPageCount()
              + " statistics " + !chunk.getStatistics().isEmpty()
              + " column index " + (chunk.getColumnIndexReference() != null));
        }
      }
    }
    return chunks;
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"PARQUET:ZSTD", "CSV:NONE", "JSON_LINES:GZIP"})
  void duckDbCopiesTheSameRows(String target) throws Exception {
    DuckDbCopy peer = new DuckDbCopy();
    peer.target = target;
    peer.threads = "1";
    peer.setUp();
    Path directory;
    try {
      peer.copy();
      directory = Path.of(peer.statement().split("'")[1]).getParent();
      Path written = directory.resolve("out");
      assertThat(written).isRegularFile();
      String reader = target.startsWith("PARQUET") ? "read_parquet" : target.startsWith("CSV") ? "read_csv"
          : "read_json";
      try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
          Statement statement = duckdb.createStatement();
          ResultSet count = statement.executeQuery("SELECT COUNT(*), COUNT(DISTINCT uuid) FROM " + reader + "('"
              + written + "'" + (target.endsWith("GZIP") ? ", compression = 'gzip'" : "") + ")")) {
        count.next();
        assertThat(count.getLong(1)).isEqualTo(WriterBenchmark.ROWS);
        assertThat(count.getLong(2)).isEqualTo(WriterBenchmark.ROWS);
      }
    } finally {
      peer.tearDown();
    }
    assertThat(directory).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZSTD"})
  void theCompressionThreadsBenchmarkWritesEveryRowInBothJvms(Compression compression) throws Exception {
    CompressionThreads benchmark = new CompressionThreads();
    benchmark.format = FileFormat.CSV;
    benchmark.compression = compression;
    benchmark.setUp();
    Sinks.Capturing out = new Sinks.Capturing();
    long size = benchmark.writeFile(out);
    assertThat(size).isEqualTo(out.bytes.size());
    List<Map<String, Object>> read = ExportFiles.readAll(new ByteArrayInputStream(out.bytes.toByteArray()),
        FileFormat.CSV, compression, EventRows.SCHEMA);
    assertThat(read).hasSize(CompressionThreads.FILE_ROWS);
    assertSameRows(read.subList(0, ROWS.size()));
    assertSameRows(read.subList(read.size() - ROWS.size(), read.size()));

    CompressionThreads.Cpu cpu = new CompressionThreads.Cpu();
    cpu.start();
    benchmark.pool(cpu);
    assertThat(cpu.rows).isEqualTo(CompressionThreads.FILE_ROWS);
    assertThat(cpu.writerCpuMicros).isPositive();
    assertThat(cpu.processCpuMicros).isPositive();

    Fork pool = CompressionThreads.class.getMethod("pool", CompressionThreads.Cpu.class).getAnnotation(Fork.class);
    Fork writerThread = CompressionThreads.class.getMethod("writerThread", CompressionThreads.Cpu.class)
        .getAnnotation(Fork.class);
    assertThat(writerThread.jvmArgsPrepend()).as("the writer's thread compresses: one processor")
        .containsExactly("-XX:ActiveProcessorCount=1");
    assertThat(pool.jvmArgsPrepend()).doesNotContain("-XX:ActiveProcessorCount=1");
    assertThat(pool.jvmArgsAppend()).containsExactly(writerThread.jvmArgsAppend());
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"gzip-jdk", "gzip-fdbe", "zstd-jni", "zstd-fdbe"})
  void theStreamCodecBenchmarkCompressesTheInput(String codec) throws IOException {
    StreamCodecBenchmark benchmark = new StreamCodecBenchmark();
    benchmark.codec = codec;
    benchmark.makeInput();
    long size = benchmark.compress(new org.openjdk.jmh.infra.Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
    assertThat(size).isPositive().isLessThan(8L * 1024 * 1024 / 2);
  }

  @Test
  void theJsonCheckBenchmarkHasBothSidesDecideEveryDocumentValid() throws IOException {
    JsonCheckBenchmark benchmark = new JsonCheckBenchmark();
    benchmark.makeDocuments();
    for (int i = 0; i < JsonCheckBenchmark.DOCUMENTS; i++) { // every document once, on each side
      assertThat(JsonSyntax.check(benchmark.document(i))).as("decided without Jackson").isEqualTo(JsonSyntax.VALID);
      assertThat(benchmark.fdbe()).isTrue();
      assertThat(benchmark.jackson()).isTrue();
    }
  }

  @Test
  void theLimitsCompressOrCopyTheSerializedRows() throws IOException {
    long raw = FormatThroughput.serialize(FileFormat.JSON_LINES, Compression.NONE, ROWS).length;
    CodecLimit copy = limit(FileFormat.JSON_LINES, Compression.NONE);
    assertThat(copy.compress()).isEqualTo(raw);
    CodecLimit zstd = limit(FileFormat.JSON_LINES, Compression.ZSTD);
    assertThat(zstd.compress()).isPositive().isLessThan(raw / 2);
    CodecLimit pages = limit(FileFormat.PARQUET, Compression.SNAPPY);
    long parquet = FormatThroughput.serialize(FileFormat.PARQUET, Compression.NONE, ROWS).length;
    assertThat(pages.compress()).isPositive().isLessThan(parquet);
    for (CodecLimit limit : List.of(copy, zstd, pages)) {
      limit.tearDown();
    }
  }

  private static CodecLimit limit(FileFormat format, Compression compression) throws IOException {
    CodecLimit limit = new CodecLimit();
    limit.format = format;
    limit.compression = compression;
    limit.setUp();
    return limit;
  }

  private static void assertWroteEveryRow(long size, Sinks.Capturing out, FileFormat format, Compression compression)
      throws IOException {
    assertThat(size).isEqualTo(out.bytes.size());
    assertSameRows(ExportFiles.readAll(new ByteArrayInputStream(out.bytes.toByteArray()), format, compression,
        EventRows.SCHEMA));
  }

  private static void assertSameRows(List<Map<String, Object>> read) {
    assertThat(read).hasSize(ROWS.size());
    for (int i = 0; i < ROWS.size(); i += 997) {
      assertThat(read.get(i).get("uuid")).isEqualTo(ROWS.get(i).getString(0));
      assertThat(read.get(i).get("event")).isEqualTo(ROWS.get(i).getString(1));
      assertThat(read.get(i).get("distinct_id")).isEqualTo(ROWS.get(i).getString(3));
    }
  }

  @Test
  void copyStatementsNameTheCodec() {
    assertThat(DuckDbCopy.copyStatement(FileFormat.PARQUET, Compression.LZ4, "/x"))
        .isEqualTo("COPY events TO '/x' (FORMAT parquet, COMPRESSION lz4_raw)");
    assertThat(DuckDbCopy.copyStatement(FileFormat.CSV, Compression.NONE, "/x"))
        .isEqualTo("COPY events TO '/x' (FORMAT csv, HEADER, COMPRESSION none)");
    assertThat(DuckDbCopy.copyStatement(FileFormat.JSON_LINES, Compression.ZSTD, "/x"))
        .isEqualTo("COPY events TO '/x' (FORMAT json, COMPRESSION zstd)");
  }
}
