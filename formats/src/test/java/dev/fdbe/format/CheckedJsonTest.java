package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.internal.json.JsonSyntax;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Row;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The engine's reading thread checks JSON values and its rows say which ones it certified
 * ({@link Row#isCheckedJson}), so that writers skip their own check for those: the files and the
 * warnings are the same as for rows that say nothing.
 */
class CheckedJsonTest {
  private static final Schema EVENTS = Model.EVENTS.schema();

  @Test
  void writersWriteTheSameFilesAndWarningsWhetherOrNotTheRowsSayTheirJsonIsChecked() throws IOException {
    List<Map<String, Object>> values = new ArrayList<>(new HardRows(15).rows(Model.EVENTS, 300));
    Map<String, Object> invalid = new java.util.HashMap<>(values.get(0));
    invalid.put("properties", "{\"unterminated\": ");
    values.add(invalid);
    long certified = values.stream()
        .map(row -> (String) row.get("properties"))
        .filter(text -> text != null && isCertified(text))
        .count();
    assertThat(certified).as("rows whose JSON the reading thread would certify").isGreaterThan(100);

    for (FormatProvider format : ServiceLoader.load(FormatProvider.class)) {
      for (Compression compression : List.of(Compression.NONE, Compression.ZSTD)) {
        List<String> plainWarnings = new ArrayList<>();
        List<String> checkedWarnings = new ArrayList<>();
        byte[] plain = write(format, compression, values, row -> row, plainWarnings);
        byte[] checked = write(format, compression, values, CheckedJsonTest::checkedAsTheEngineDoes, checkedWarnings);

        assertThat(checked).as("%s %s", format.format(), compression).isEqualTo(plain);
        assertThat(checkedWarnings).as("%s %s", format.format(), compression)
            .isEqualTo(plainWarnings)
            .anyMatch(warning -> warning.contains("properties"));
      }
    }
    assertThat(ServiceLoader.load(FormatProvider.class).stream().map(p -> p.get().format()))
        .containsExactlyInAnyOrder(FileFormat.values());
  }

  private static byte[] write(FormatProvider format, Compression compression, List<Map<String, Object>> values,
      Function<Row, Row> rows, List<String> warnings) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WriterContext context = (key, message) -> warnings.add(key + ": " + message);
    RecordWriter writer = format.open(out, EVENTS, compression, context);
    for (Map<String, Object> value : values) {
      writer.stage(rows.apply(TestRows.row(EVENTS, value)));
      writer.commit();
    }
    writer.finish();
    return out.toByteArray();
  }

  private static boolean isCertified(String text) {
    return JsonSyntax.check(text.getBytes(StandardCharsets.UTF_8)) == JsonSyntax.VALID;
  }

  /** The row, answering {@link Row#isCheckedJson} as the engine's reading thread does: by the fast check. */
  private static Row checkedAsTheEngineDoes(Row row) {
    return new Row() {
      @Override
      public boolean isNull(int column) {
        return row.isNull(column);
      }

      @Override
      public String getString(int column) {
        return row.getString(column);
      }

      @Override
      public long getLong(int column) {
        return row.getLong(column);
      }

      @Override
      public boolean getBoolean(int column) {
        return row.getBoolean(column);
      }

      @Override
      public long getTimestampMicros(int column) {
        return row.getTimestampMicros(column);
      }

      @Override
      public List<String> getStringList(int column) {
        return row.getStringList(column);
      }

      @Override
      public boolean isCheckedJson(int column) {
        return EVENTS.column(column).type() == ColumnType.JSON && !row.isNull(column)
            && isCertified(row.getString(column));
      }
    };
  }
}
