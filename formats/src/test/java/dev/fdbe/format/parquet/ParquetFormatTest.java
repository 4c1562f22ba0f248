package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.ExportException;
import dev.fdbe.Model;
import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.DuckDb;
import dev.fdbe.format.HardRows;
import dev.fdbe.format.TestRows;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The writer's contract: staging, committing, finishing, the size bound, and the reader's checks. */
class ParquetFormatTest {
  private static final Schema EVENTS = Model.EVENTS.schema();

  @TempDir
  Path dir;

  @Test
  void theEngineFindsTheProvider() {
    assertThat(ServiceLoader.load(FormatProvider.class).stream().map(ServiceLoader.Provider::get))
        .filteredOn(p -> p.format() == FileFormat.PARQUET)
        .singleElement()
        .isInstanceOf(ParquetFormat.class)
        .satisfies(p -> assertThat(p.compressions()).containsExactlyInAnyOrder(Compression.values()));
  }

  @Test
  void aStagedRowThatIsNotCommittedIsNotWritten() throws Exception {
    List<Map<String, Object>> rows = EventRows.rows(1, 4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = new ParquetFormat().open(out, EVENTS, Compression.ZSTD, WriterContext.NONE);
    writer.stage(TestRows.row(EVENTS, rows.get(0)));
    writer.commit();
    writer.stage(TestRows.row(EVENTS, rows.get(1)));
    writer.stage(TestRows.row(EVENTS, rows.get(2)));
    writer.commit();
    writer.stage(TestRows.row(EVENTS, rows.get(3)));
    assertThat(writer.records()).isEqualTo(2);
    writer.finish();

    Path file = Files.write(dir.resolve("staged.parquet"), out.toByteArray());
    assertThat(ParquetFiles.read(file, EVENTS))
        .isEqualTo(ParquetFiles.expected(EVENTS, List.of(rows.get(0), rows.get(2))));
  }

  @Test
  void commitWithoutStageAndUseAfterFinishAreRefused() throws Exception {
    RecordWriter writer = new ParquetFormat().open(new ByteArrayOutputStream(), EVENTS, Compression.NONE,
        WriterContext.NONE);
    assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("staged");
    writer.stage(TestRows.row(EVENTS, EventRows.rows(1, 1).get(0)));
    writer.commit();
    assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class);
    writer.finish();
    assertThatThrownBy(() -> writer.stage(TestRows.row(EVENTS, EventRows.rows(1, 1).get(0))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void anEmptyWriterFinishesAValidFileWithoutRows(Compression compression) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = new ParquetFormat().open(out, EVENTS, compression, WriterContext.NONE);
    writer.finish();
    Path file = Files.write(dir.resolve("empty.parquet"), out.toByteArray());
    try (DuckDb duck = new DuckDb()) {
      String source = "read_parquet(" + DuckDb.literal(file.toString()) + ")";
      assertThat(duck.scalar("SELECT count(*) FROM " + source)).isEqualTo(0L);
      assertThat(duck.types("SELECT * FROM " + source)).containsOnlyKeys(
          EVENTS.columns().stream().map(c -> c.name()).toList());
    }
    assertThat(ParquetFiles.read(file, EVENTS)).isEmpty();
  }

  @Test
  void theWriterNeverClosesTheStreamAndFlushesTheWholeFile() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    boolean[] closed = {false};
    OutputStream out = new FilterOutputStream(sink) {
      private final ByteArrayOutputStream held = new ByteArrayOutputStream();

      @Override
      public void write(int b) {
        held.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        held.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        held.writeTo(sink);
        held.reset();
      }

      @Override
      public void close() {
        closed[0] = true;
      }
    };
    RecordWriter writer = new ParquetFormat().open(out, EVENTS, Compression.GZIP, WriterContext.NONE);
    writer.stage(TestRows.row(EVENTS, EventRows.rows(2, 1).get(0)));
    writer.commit();
    writer.finish();
    assertThat(closed[0]).as("closed").isFalse();
    byte[] bytes = sink.toByteArray();
    assertThat(new String(bytes, bytes.length - 4, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .as("the footer's magic reached the stream").isEqualTo("PAR1");
  }

  @Test
  void aRequiredColumnHoldingNullIsRefusedAtStage() throws Exception {
    Map<String, Object> row = new java.util.HashMap<>(EventRows.rows(3, 1).get(0));
    row.put("uuid", null);
    RecordWriter writer = new ParquetFormat().open(new ByteArrayOutputStream(), EVENTS, Compression.NONE,
        WriterContext.NONE);
    assertThatThrownBy(() -> writer.stage(TestRows.row(EVENTS, row)))
        .isExactlyInstanceOf(ExportException.class).hasMessageContaining("'uuid'");
    assertThat(writer.records()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void theBoundIsNeverBelowTheFinishedFile(Compression compression) throws Exception {
    HardRows hard = new HardRows(compression.ordinal());
    for (Model model : Model.values()) {
      Schema schema = model.schema();
      List<Map<String, Object>> rows = hard.rows(model, 60);
      // Large incompressible values make parquet-java write several row groups.
      java.util.Random random = new java.util.Random(model.ordinal());
      String column = switch (model) {
        case EVENTS -> "elements_chain";
        case PERSONS -> "distinct_id";
        case SESSIONS -> "end_pathname";
      };
      for (int i = 0; i < rows.size(); i += 10) {
        StringBuilder noise = new StringBuilder();
        random.ints(40_000, 33, 127).forEach(c -> noise.append((char) c));
        rows.get(i).put(column, noise.toString());
      }
      for (int count : new int[] {1, 2, 7, 30, 60}) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Small pages and row groups, so that the bound is checked across closed pages and row groups.
        ParquetPartWriter writer = ParquetFormat.open(out, schema, compression, new ParquetLayout(8192, 64 * 1024));
        long bound = 0;
        for (Map<String, Object> row : rows.subList(0, count)) {
          bound = writer.stage(TestRows.row(schema, row));
          writer.commit();
        }
        writer.finish();
        assertThat((long) out.size()).as("%s, %s rows", model, count).isLessThanOrEqualTo(bound);
        if (count == 60) {
          Path file = Files.write(dir.resolve(model + ".parquet"), out.toByteArray());
          try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
              ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            assertThat(reader.getRowGroups()).as("row groups").hasSizeGreaterThan(1);
          }
        }
      }
    }
  }

  @Test
  void jsonColumnsCarryNoStatisticsWhileOtherColumnsKeepTheirs() throws Exception {
    Path file = ParquetFiles.write(dir.resolve("statistics.parquet"), EVENTS, Compression.ZSTD,
        EventRows.rows(6, 200));
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      Map<String, org.apache.parquet.hadoop.metadata.ColumnChunkMetaData> chunks = new java.util.HashMap<>();
      reader.getRowGroups().get(0).getColumns().forEach(c -> chunks.put(c.getPath().toDotString(), c));
      for (dev.fdbe.schema.Column column : EVENTS.columns()) {
        var chunk = chunks.get(column.name());
        if (column.type() == dev.fdbe.schema.ColumnType.JSON) {
          assertThat(chunk.getStatistics().hasNonNullValue()).as(column.name()).isFalse();
          assertThat(reader.readColumnIndex(chunk)).as(column.name()).isNull();
        } else if (column.type() != dev.fdbe.schema.ColumnType.STRING_LIST) {
          assertThat(chunk.getStatistics().hasNonNullValue()).as(column.name()).isTrue();
        }
      }
    }
  }

  /**
   * The writer finds each page's smallest and largest string and long itself: every page's entry in
   * the column index, and every chunk's statistics, are what parquet-java's own statistics make of
   * the page's values one by one. Strings that sort differently as signed and unsigned bytes, that
   * are prefixes of one another or empty, and timestamps before 1970, over many small pages.
   */
  @Test
  void pageStatisticsAreThoseParquetJavaKeepsOfEveryValue() throws Exception {
    String[] strings = {"", "a", "ab", "abc", "abd", "b", "Z", "é", "\u00ff", "日本", "\ud83d\ude00", "~", "\u007f"};
    java.util.Random random = new java.util.Random(11);
    List<Map<String, Object>> rows = EventRows.rows(8, 3000);
    for (Map<String, Object> row : rows) {
      if (row.get("distinct_id") != null) {
        row.put("distinct_id", strings[random.nextInt(strings.length)] + strings[random.nextInt(strings.length)]);
      }
      if (row.get("created_at") != null) {
        row.put("created_at", java.time.Instant.EPOCH.plus(random.nextLong() % 4_000_000_000_000_000L,
            java.time.temporal.ChronoUnit.MICROS));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParquetPartWriter writer = ParquetFormat.open(out, EVENTS, Compression.NONE,
        new ParquetLayout(4096, ParquetLayout.MAX_ROW_GROUP_BYTES));
    for (Map<String, Object> row : rows) {
      writer.stage(TestRows.row(EVENTS, row));
      writer.commit();
    }
    writer.finish();
    Path file = Files.write(dir.resolve("page-statistics.parquet"), out.toByteArray());

    int checked = 0;
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      assertThat(reader.getRowGroups()).hasSize(1);
      for (var chunk : reader.getRowGroups().get(0).getColumns()) {
        Column column = EVENTS.column(EVENTS.indexOf(chunk.getPath().toDotString()));
        if (column.type() != ColumnType.STRING && column.type() != ColumnType.TIMESTAMP) {
          continue;
        }
        var offsets = reader.readOffsetIndex(chunk);
        var index = reader.readColumnIndex(chunk);
        assertThat(offsets.getPageCount()).as(column.name() + " pages").isGreaterThan(3);
        var whole = org.apache.parquet.column.statistics.Statistics.createStats(chunk.getPrimitiveType());
        for (int page = 0; page < offsets.getPageCount(); page++) {
          var expected = org.apache.parquet.column.statistics.Statistics.createStats(chunk.getPrimitiveType());
          long end = page + 1 < offsets.getPageCount() ? offsets.getFirstRowIndex(page + 1) : rows.size();
          for (long r = offsets.getFirstRowIndex(page); r < end; r++) {
            Object value = rows.get((int) r).get(column.name());
            for (var statistics : List.of(expected, whole)) {
              if (value == null) {
                statistics.incrementNumNulls();
              } else if (value instanceof String text) {
                statistics.updateStats(org.apache.parquet.io.api.Binary.fromString(text));
              } else {
                statistics.updateStats(java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH,
                    (java.time.Instant) value));
              }
            }
          }
          String where = column.name() + " page " + page;
          assertThat(index.getNullCounts().get(page)).as(where + " nulls").isEqualTo(expected.getNumNulls());
          assertThat(index.getNullPages().get(page)).as(where + " only nulls").isEqualTo(!expected.hasNonNullValue());
          if (expected.hasNonNullValue()) {
            assertThat(bytes(index.getMinValues().get(page))).as(where + " min").isEqualTo(expected.getMinBytes());
            assertThat(bytes(index.getMaxValues().get(page))).as(where + " max").isEqualTo(expected.getMaxBytes());
            checked++;
          }
        }
        assertThat(chunk.getStatistics()).as(column.name() + " chunk statistics").isEqualTo(whole);
      }
    }
    assertThat(checked).as("pages checked").isGreaterThan(20);
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  @Test
  void stringsWhoseStatisticsCannotBeTruncatedAreBounded() throws Exception {
    // parquet-java keeps the whole value as a page maximum when its truncated prefix cannot be incremented.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParquetPartWriter writer = ParquetFormat.open(out, EVENTS, Compression.NONE,
        new ParquetLayout(16 * 1024, ParquetLayout.MAX_ROW_GROUP_BYTES));
    long bound = 0;
    List<Map<String, Object>> rows = EventRows.rows(4, 3);
    String[] largest = {"\u007f", "\u07ff", "\uffff", "\udbff\udfff"};
    for (int i = 0; i < 3; i++) {
      Map<String, Object> row = new java.util.HashMap<>(rows.get(i));
      row.put("elements_chain", largest[i].repeat(60_000));
      row.put("distinct_id", largest[i + 1].repeat(20_000));
      bound = writer.stage(TestRows.row(EVENTS, row));
      writer.commit();
    }
    writer.finish();
    assertThat((long) out.size()).isLessThanOrEqualTo(bound);
    assertThat((long) out.size()).as("values kept whole in the footer").isGreaterThan(200_000);
  }

  @Test
  void longStringsAreTruncatedInTheFooter() throws Exception {
    Map<String, Object> row = new java.util.HashMap<>(EventRows.rows(5, 1).get(0));
    row.put("properties", "{\"k\":\"" + "x".repeat(5_000_000) + "\"}");
    Path file = ParquetFiles.write(dir.resolve("long.parquet"), EVENTS, Compression.ZSTD, List.of(row));
    byte[] bytes = Files.readAllBytes(file);
    int footer = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    assertThat(footer).as("footer bytes").isLessThan(16_384);
    assertThat(bytes.length).as("file bytes").isLessThan(100_000);
  }

  @Test
  void invalidJsonIsWrittenAsAJsonStringWithOneWarningPerColumn() throws Exception {
    List<String> warnings = new java.util.ArrayList<>();
    java.util.Set<String> keys = new java.util.HashSet<>();
    dev.fdbe.spi.WriterContext context = (key, message) -> {
      if (keys.add(key)) {
        warnings.add(message);
      }
    };
    List<Map<String, Object>> rows = EventRows.rows(3, 9);
    rows.get(0).put("properties", "{broken");
    rows.get(1).put("properties", "not json either");
    rows.get(2).put("person_properties", "{\"fine\": true}");
    Path file = dir.resolve("invalid-json.parquet");
    try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
      dev.fdbe.spi.RecordWriter writer = new ParquetFormat().open(out, EVENTS, Compression.ZSTD, context);
      for (Map<String, Object> row : rows) {
        writer.stage(dev.fdbe.format.TestRows.row(EVENTS, row));
        writer.commit();
      }
      writer.finish();
    }

    List<Map<String, Object>> read = ParquetFiles.read(file, EVENTS);
    assertThat(read.get(0).get("properties")).isEqualTo("\"{broken\"");
    assertThat(read.get(1).get("properties")).isEqualTo("\"not json either\"");
    assertThat(read.get(2).get("person_properties")).isEqualTo("{\"fine\":true}");
    assertThat(warnings).singleElement().asString().contains("'properties'").contains("{broken");
  }

  @Test
  void theReaderRefusesAFileOfAnotherSchema() throws Exception {
    Path file = ParquetFiles.write(dir.resolve("events.parquet"), EVENTS, Compression.NONE, EventRows.rows(6, 3));
    assertThatThrownBy(() -> ParquetRowReader.open(file, Model.PERSONS.schema()))
        .isExactlyInstanceOf(ExportException.class).hasMessageContaining("team_id");
  }

  @Test
  void theReaderRefusesAFileThatIsNotParquet() throws Exception {
    Path file = Files.writeString(dir.resolve("text.parquet"), "not a parquet file at all");
    assertThatThrownBy(() -> ParquetRowReader.open(file, EVENTS))
        .isExactlyInstanceOf(ExportException.class).hasMessageContaining("text.parquet");
  }

  @Test
  void aColumnNameAvroCannotHoldIsNamed() {
    Schema schema = Schema.of(dev.fdbe.schema.Column.required("$bad-name", dev.fdbe.schema.ColumnType.STRING));
    assertThatThrownBy(() -> new ParquetFormat().open(new ByteArrayOutputStream(), schema, Compression.NONE,
        WriterContext.NONE)).isExactlyInstanceOf(ExportException.class).hasMessageContaining("'$bad-name'");
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void parquetJavaWritesWithTheFormatsCodecsOntoAStream(Compression compression) throws Exception {
    Schema schema = Schema.of(Column.required("id", ColumnType.STRING), Column.optional("n", ColumnType.INT64));
    org.apache.avro.Schema avro = ParquetSchema.of(schema).avro();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(ParquetFormat.outputFile(out))
        .withConf(new PlainParquetConfiguration())
        .withSchema(avro)
        .withDataModel(GenericData.get()) // else parquet-avro asks Hadoop's configuration for one
        .withCodecFactory(ParquetFormat.codecFactory())
        .withCompressionCodec(ParquetFormat.codecName(compression))
        .build()) {
      for (int i = 0; i < 3; i++) {
        GenericData.Record record = new GenericData.Record(avro);
        record.put("id", "row-" + i);
        record.put("n", i == 1 ? null : (long) i);
        writer.write(record);
      }
    }

    Path file = Files.write(dir.resolve("parquet-java.parquet"), out.toByteArray());
    assertThat(ParquetFiles.read(file, schema)).extracting(row -> row.get("id"), row -> row.get("n"))
        .containsExactly(tuple("row-0", 0L), tuple("row-1", null), tuple("row-2", 2L));
  }

  @Test
  void theCodecNamesAreParquetsNamesOfTheCompressions() {
    assertThat(ParquetFormat.codecName(Compression.NONE)).isEqualTo(CompressionCodecName.UNCOMPRESSED);
    assertThat(ParquetFormat.codecName(Compression.LZ4)).isEqualTo(CompressionCodecName.LZ4_RAW);
    assertThat(ParquetFormat.codecName(Compression.ZSTD)).isEqualTo(CompressionCodecName.ZSTD);
    assertThatThrownBy(() -> ParquetFormat.codecFactory().getCompressor(CompressionCodecName.LZO))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("LZO");
  }
}
