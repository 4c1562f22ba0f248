package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.DuckDb;
import dev.fdbe.format.HardRows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
}
