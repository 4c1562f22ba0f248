package dev.fdbe.format.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.ExportFiles;
import dev.fdbe.format.TestRows;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class CsvFormatTest {
  private static final Schema EVENTS = Model.EVENTS.schema();
  private static final Schema SESSIONS = Model.SESSIONS.schema();
  private final List<String> warnings = new ArrayList<>();
  private final WriterContext context = new WriterContext() {
    private final java.util.Set<String> keys = new java.util.HashSet<>();

    @Override
    public void warnOnce(String key, String message) {
      if (keys.add(key)) {
        warnings.add(message);
      }
    }
  };

  private byte[] write(Schema schema, List<Map<String, Object>> rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = new CsvFormat().open(out, schema, Compression.NONE, context);
    for (Map<String, Object> row : rows) {
      writer.stage(TestRows.row(schema, row));
      writer.commit();
    }
    writer.finish();
    return out.toByteArray();
  }

  private static Map<String, Object> event(String uuid, String name, Instant timestamp) {
    Map<String, Object> row = new HashMap<>();
    row.put("uuid", uuid);
    row.put("event", name);
    row.put("timestamp", timestamp);
    return row;
  }

  @Test
  void headerNamesAreQuotedAsFieldsAre() throws IOException {
    Schema odd = new Schema(List.of(dev.fdbe.schema.Column.optional("a,b", dev.fdbe.schema.ColumnType.STRING),
        dev.fdbe.schema.Column.optional("q\"x", dev.fdbe.schema.ColumnType.STRING),
        dev.fdbe.schema.Column.optional("z", dev.fdbe.schema.ColumnType.STRING)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = new CsvFormat().open(out, odd, Compression.NONE, (key, message) -> { });
    writer.finish();
    byte[] bytes = out.toByteArray();

    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("\"a,b\",\"q\"\"x\",z\r\n");
    assertThat(ExportFiles.readAll(new ByteArrayInputStream(bytes), FileFormat.CSV, Compression.NONE, odd)).isEmpty();
  }

  @Test
  void multiLineJsonKeepsEveryNumberAsWritten() throws IOException {
    Map<String, Object> row = new HashMap<>();
    row.put("uuid", "00000000-0000-0000-0000-000000000001");
    row.put("event", "e");
    row.put("timestamp", Instant.EPOCH);
    row.put("properties", "{\n \"a\": 1e400,\r\n \"b\": 0.1000000000000000000000000001 }");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = new CsvFormat().open(out, Model.EVENTS.schema(), Compression.NONE, (key, message) -> { });
    writer.stage(TestRows.row(Model.EVENTS.schema(), row));
    writer.commit();
    writer.finish();

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"{\"\"a\"\":1e400,\"\"b\"\":0.1000000000000000000000000001}\"");
  }

  @Test
  void isFoundWithServiceLoader() {
    assertThat(ServiceLoader.load(FormatProvider.class)).anyMatch(p -> p instanceof CsvFormat);
  }

  @Test
  void goldenFileQuotesExactlyWhatNeedsQuoting() throws IOException {
    Map<String, Object> row = event("u1", "plain", Instant.parse("2026-11-20T10:00:00.000123Z"));
    row.put("properties", "{\"a\": \"b,c\"}");
    row.put("distinct_id", "say \"hi\", twice\r\nthen stop");
    row.put("created_at", Instant.parse("1969-12-31T23:59:59.999999Z"));
    row.put("elements_chain", "");
    row.put("person_id", " padded ");
    Map<String, Object> nulls = event("u2", "ünï 🎉", Instant.parse("2026-11-20T10:00:01Z"));

    String text = new String(write(EVENTS, List.of(row, nulls)), StandardCharsets.UTF_8);

    assertThat(text).isEqualTo(
        "uuid,event,properties,distinct_id,timestamp,created_at,_inserted_at,elements_chain,person_id,person_properties\r\n"
        + "u1,plain,\"{\"\"a\"\": \"\"b,c\"\"}\",\"say \"\"hi\"\", twice\r\nthen stop\",2026-11-20T10:00:00.000123Z,"
        + "1969-12-31T23:59:59.999999Z,,\"\",\" padded \",\r\n"
        + "u2,ünï 🎉,,,2026-11-20T10:00:01.000000Z,,,,,\r\n");
  }

  @Test
  void listsAreJsonArraysAndIntegersAndBooleansArePlain() throws IOException {
    Map<String, Object> session = new HashMap<>();
    session.put("session_id", "s1");
    session.put("team_id", Long.MIN_VALUE);
    session.put("urls", Arrays.asList("https://a/?x=1,2", null, "q\"uote"));
    session.put("is_bounce", true);
    session.put("_inserted_at", Instant.parse("2026-11-20T00:00:00Z"));

    byte[] bytes = write(SESSIONS, List.of(session));
    String record = new String(bytes, StandardCharsets.UTF_8).split("\r\n")[1];

    assertThat(record).startsWith("s1,-9223372036854775808,,,,\"[\"\"https://a/?x=1,2\"\",null,\"\"q\\\"\"uote\"\"]\",")
        .contains(",true,");
    assertThat(ExportFiles.readAll(new ByteArrayInputStream(bytes), FileFormat.CSV, Compression.NONE, SESSIONS))
        .containsExactly(TestRows.expected(SESSIONS, session));
  }

  @Test
  void multiLineJsonIsCompactedAndInvalidJsonBecomesAJsonStringWithOneWarning() throws IOException {
    Map<String, Object> pretty = event("u1", "e", Instant.EPOCH);
    pretty.put("properties", "{\n  \"a\": [1,\n 2]\n}");
    Map<String, Object> broken = event("u2", "e", Instant.EPOCH);
    broken.put("properties", "{broken");
    Map<String, Object> alsoBroken = event("u3", "e", Instant.EPOCH);
    alsoBroken.put("properties", "nope");

    byte[] bytes = write(EVENTS, List.of(pretty, broken, alsoBroken));
    String text = new String(bytes, StandardCharsets.UTF_8);

    assertThat(text).contains(",\"{\"\"a\"\":[1,2]}\",").contains(",\"\"\"{broken\"\"\",");
    assertThat(warnings).singleElement().asString().contains("'properties'").contains("{broken");
    List<Map<String, Object>> back = ExportFiles.readAll(new ByteArrayInputStream(bytes), FileFormat.CSV,
        Compression.NONE, EVENTS);
    assertThat(back).extracting(r -> r.get("properties")).containsExactly("{\"a\":[1,2]}", "\"{broken\"", "\"nope\"");
  }

  @Test
  void emptyStringsAndNullsStayApart() throws IOException {
    Map<String, Object> empty = event("u1", "", Instant.EPOCH);
    empty.put("distinct_id", "");
    Map<String, Object> nulls = event("u2", "x", Instant.EPOCH);

    List<Map<String, Object>> back = ExportFiles.readAll(new ByteArrayInputStream(write(EVENTS, List.of(empty, nulls))),
        FileFormat.CSV, Compression.NONE, EVENTS);

    assertThat(back.get(0).get("distinct_id")).isEqualTo("");
    assertThat(back.get(0).get("event")).isEqualTo("");
    assertThat(back.get(1).get("distinct_id")).isNull();
  }

  @Test
  void stageReportsTheExactSizeIncludingTheHeader() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = new CsvFormat().open(out, EVENTS, Compression.NONE, context);
    long header = out.size();
    long withRow = writer.stage(TestRows.row(EVENTS, event("u1", "e", Instant.EPOCH)));
    writer.commit();
    writer.finish();

    assertThat(header).isPositive();
    assertThat(withRow).isEqualTo(out.size());
  }

  @Test
  void aFileWithOnlyTheHeaderReadsAsNoRows() throws IOException {
    byte[] bytes = write(EVENTS, List.of());

    assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("uuid,event,").endsWith("person_properties\r\n");
    assertThat(ExportFiles.readAll(new ByteArrayInputStream(bytes), FileFormat.CSV, Compression.NONE, EVENTS)).isEmpty();
  }

  @Test
  void readerRefusesFilesThatAreNotOurs() {
    byte[] wrongHeader = "a,b\r\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ExportFiles.readAll(new ByteArrayInputStream(wrongHeader), FileFormat.CSV,
        Compression.NONE, EVENTS)).hasMessageContaining("CSV header");
    byte[] unterminated = ("session_id,team_id\r\n\"open").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ExportFiles.readAll(new ByteArrayInputStream(unterminated), FileFormat.CSV,
        Compression.NONE, Schema.of(SESSIONS.column(0), SESSIONS.column(1)))).hasMessageContaining("quoted field");
  }
}
