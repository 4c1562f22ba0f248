package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.Model;
import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.DuckDb;
import dev.fdbe.format.HardRows;
import dev.fdbe.format.TestRows;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every compression with every model: hostile rows survive a write and a read by DuckDB and by our reader. */
class ParquetRoundTripTest {
  private static DuckDb duck;

  @TempDir
  Path dir;

  @BeforeAll
  static void startDuckDb() throws Exception {
    duck = new DuckDb();
  }

  @AfterAll
  static void stopDuckDb() throws Exception {
    duck.close();
  }

  static Stream<Arguments> compressionsAndModels() {
    List<Arguments> cases = new ArrayList<>();
    for (Compression compression : Compression.values()) {
      for (Model model : Model.values()) {
        cases.add(Arguments.of(compression, model));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("compressionsAndModels")
  void hardRowsSurviveDuckDbAndOurReader(Compression compression, Model model) throws Exception {
    Schema schema = model.schema();
    HardRows hard = new HardRows(compression.ordinal() * 31L + model.ordinal());
    List<Map<String, Object>> rows = hard.rows(model, 300);
    rows.add(150, hard.huge(model, 1_000_000));
    Path file = ParquetFiles.write(dir.resolve(model + "-" + compression + ".parquet"), schema, compression, rows);

    List<Map<String, Object>> expected = ParquetFiles.expected(schema, rows);
    assertThat(ParquetFiles.readWithDuckDb(duck, file, schema)).as("DuckDB").isEqualTo(expected);
    assertThat(ParquetFiles.read(file, schema)).as("ParquetRowReader").isEqualTo(expected);
    String codec = (String) duck.scalar("SELECT DISTINCT compression FROM parquet_metadata("
        + DuckDb.literal(file.toString()) + ")");
    assertThat(codec).as("column codec").isEqualTo(switch (compression) {
      case NONE -> "UNCOMPRESSED";
      case LZ4 -> "LZ4_RAW";
      default -> compression.name();
    });
  }

  /**
   * Small pages and row groups, so that every column closes many pages and the file has many row
   * groups: every value read back is the value written, in every row group, with every codec.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Compression.class)
  void rowsAcrossManyPagesAndRowGroupsReadBackWhole(Compression compression) throws Exception {
    Schema schema = Model.EVENTS.schema();
    List<Map<String, Object>> rows = new HardRows(compression.ordinal() + 7L).rows(Model.EVENTS, 3000);
    Path file = dir.resolve("row-groups-" + compression + ".parquet");
    try (OutputStream out = Files.newOutputStream(file)) {
      ParquetPartWriter writer = ParquetFormat.open(out, schema, compression, new ParquetLayout(8192, 32 * 1024));
      for (Map<String, Object> row : rows) {
        writer.stage(TestRows.row(schema, row));
        writer.commit();
      }
      writer.finish();
    }
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      assertThat(reader.getRowGroups()).as("row groups").hasSizeGreaterThan(10);
    }
    assertThat(ParquetFiles.read(file, schema)).isEqualTo(ParquetFiles.expected(schema, rows));
  }

  /**
   * The pages a column closes where its levels do not fit the room kept for them before its values
   * (a list column with tens of thousands of elements in a page), and pages of nulls only, which
   * have no values at all, read back whole uncompressed (a page keeps the array it was written in)
   * and compressed. Two files in a row, the second written in arrays the first gave back with its
   * bytes still in them.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Compression.class, names = {"NONE", "ZSTD"})
  void pagesOfManyLevelsAndPagesOfNullsReadBackWhole(Compression compression) throws Exception {
    Schema schema = Schema.of(Column.required("id", ColumnType.STRING), Column.optional("note", ColumnType.STRING),
        Column.optional("tags", ColumnType.STRING_LIST));
    for (int file = 0; file < 2; file++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 60_000; i++) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", file + "-" + i);
        // A value that fills a page by itself, so that the page closes with its array, then nulls only.
        row.put("note", i == 0 ? "n".repeat(7_400) : i < 30_000 ? null : "note " + i);
        List<String> tags = new ArrayList<>();
        for (int j = 0; j < (i % 5_000 == 0 ? 30_000 : i % 3); j++) {
          tags.add(j % 11 == 0 ? null : "t" + j);
        }
        row.put("tags", i % 5 == 1 ? null : tags);
        rows.add(row);
      }
      Path path = dir.resolve("levels-" + compression + "-" + file + ".parquet");
      try (OutputStream out = Files.newOutputStream(path)) {
        ParquetPartWriter writer = ParquetFormat.open(out, schema, compression, new ParquetLayout(8192, 1 << 20));
        for (Map<String, Object> row : rows) {
          writer.stage(TestRows.row(schema, row));
          writer.commit();
        }
        writer.finish();
      }
      assertThat(ParquetFiles.read(path, schema)).as("file " + file).isEqualTo(ParquetFiles.expected(schema, rows));
    }
  }
}
