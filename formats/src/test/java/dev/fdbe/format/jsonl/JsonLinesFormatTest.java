package dev.fdbe.format.jsonl;

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

class JsonLinesFormatTest {
  private static final Schema EVENTS = Model.EVENTS.schema();
  private static final Schema SESSIONS = Model.SESSIONS.schema();

  private final List<String> warnings = new ArrayList<>();
  private final Map<String, Boolean> warnedKeys = new HashMap<>();
  private final WriterContext context = (key, message) -> {
    if (warnedKeys.putIfAbsent(key, true) == null) {
      warnings.add(message);
    }
  };

  static Map<String, Object> event(String uuid, String name, String properties, Instant timestamp) {
    Map<String, Object> row = new HashMap<>();
    row.put("uuid", uuid);
    row.put("event", name);
    row.put("properties", properties);
    row.put("timestamp", timestamp);
    return row;
  }

  private byte[] write(Schema schema, List<Map<String, Object>> rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = new JsonLinesFormat().open(out, schema, Compression.NONE, context);
    for (Map<String, Object> row : rows) {
      writer.stage(TestRows.row(schema, row));
      writer.commit();
    }
    writer.finish();
    return out.toByteArray();
  }

  private static List<Map<String, Object>> read(Schema schema, byte[] bytes) throws IOException {
    return ExportFiles.readAll(new ByteArrayInputStream(bytes), FileFormat.JSON_LINES, Compression.NONE, schema);
  }

  @Test
  void isFoundWithServiceLoader() {
    assertThat(ServiceLoader.load(FormatProvider.class))
        .anyMatch(p -> p.format() == FileFormat.JSON_LINES && p instanceof JsonLinesFormat);
  }

  @Test
  void goldenLineForOneEvent() throws IOException {
    Map<String, Object> row = event("018f0000-0000-7000-8000-000000000001", "$pageview",
        "{\"url\": \"https://example.com/?a=1,b=\\\"2\\\"\", \"n\": 3}", Instant.parse("2026-11-20T10:00:00.000123Z"));
    row.put("distinct_id", "user,1");
    row.put("created_at", Instant.parse("1969-12-31T23:59:59.999999Z"));
    row.put("elements_chain", "a:b\"c\nd");

    String text = new String(write(EVENTS, List.of(row)), StandardCharsets.UTF_8);

    assertThat(text).isEqualTo("{\"uuid\":\"018f0000-0000-7000-8000-000000000001\",\"event\":\"$pageview\","
        + "\"properties\":{\"url\": \"https://example.com/?a=1,b=\\\"2\\\"\", \"n\": 3},\"distinct_id\":\"user,1\","
        + "\"timestamp\":\"2026-11-20T10:00:00.000123Z\",\"created_at\":\"1969-12-31T23:59:59.999999Z\","
        + "\"_inserted_at\":null,\"elements_chain\":\"a:b\\\"c\\nd\",\"person_id\":null,\"person_properties\":null}\n");
  }

  @Test
  void hardValuesRoundTrip() throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    String longString = "x".repeat(2_000_000) + "ü";
    rows.add(event("00000000-0000-0000-0000-000000000001", "quotes \" and, commas\nand newlines\r\n",
        "{}", Instant.parse("1900-01-01T00:00:00.000001Z")));
    rows.add(event("00000000-0000-0000-0000-000000000002", "emoji 🎉 unicode ÄÖÜ 中文 \u2028",
        "{\n  \"pretty\": [1, 2, {\"deep\": null}],\n  \"big\": 9223372036854775807\n}",
        Instant.parse("2026-11-20T23:59:59.999999Z")));
    Map<String, Object> nulls = event("00000000-0000-0000-0000-000000000003", "nulls", null,
        Instant.parse("1970-01-01T00:00:00Z"));
    rows.add(nulls);
    Map<String, Object> big = event("00000000-0000-0000-0000-000000000004", longString, "[1,\"two\",3.5,true]",
        Instant.parse("2026-01-01T00:00:00Z"));
    big.put("person_properties", "\"just a JSON string\"");
    big.put("elements_chain", "");
    rows.add(big);

    List<Map<String, Object>> back = read(EVENTS, write(EVENTS, rows));

    assertThat(back).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(back.get(i)).as("row %d", i).isEqualTo(TestRows.expected(EVENTS, rows.get(i)));
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  void multiLineJsonStaysOnOneLine() throws IOException {
    byte[] bytes = write(EVENTS, List.of(event("00000000-0000-0000-0000-000000000001", "e",
        "{\r\n\"a\":\n1}", Instant.EPOCH)));
    String text = new String(bytes, StandardCharsets.UTF_8);

    assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
    assertThat(text).doesNotContain("\r").contains("\"properties\":{\"a\":1}");
  }

  @Test
  void multiLineJsonKeepsEveryNumberAsWritten() throws IOException {
    String pretty = "{\n \"a\": 1e400, \"b\": 0.1000000000000000000000000001, \"g\": 1E+2,\n \"h\": 2.5e-400, \"d\": -0,"
        + " \"s\": \"two  spaces\\n\"}";
    String text = new String(write(EVENTS, List.of(event("00000000-0000-0000-0000-000000000001", "e", pretty,
        Instant.EPOCH))), StandardCharsets.UTF_8);

    assertThat(text).contains("\"properties\":{\"a\":1e400,\"b\":0.1000000000000000000000000001,\"g\":1E+2,"
        + "\"h\":2.5e-400,\"d\":-0,\"s\":\"two  spaces\\n\"}");
    assertThat(read(EVENTS, text.getBytes(StandardCharsets.UTF_8)).get(0).get("properties"))
        .as("read back exactly, not rounded to doubles")
        .isEqualTo("{\"a\":1E+400,\"b\":0.1000000000000000000000000001,\"g\":1E+2,\"h\":2.5E-400,\"d\":0,"
            + "\"s\":\"two  spaces\\n\"}");
    assertThat(warnings).isEmpty();
  }

  @Test
  void aJsonValueWithALoneSurrogateIsWrittenAsAStringNotAFailedExport() throws IOException {
    String text = new String(write(EVENTS, List.of(event("00000000-0000-0000-0000-000000000001", "e", "\"a\uD800\"",
        Instant.EPOCH), event("00000000-0000-0000-0000-000000000002", "e", "{\"k\uDC00\": 1}", Instant.EPOCH))),
        StandardCharsets.UTF_8);

    assertThat(text.lines()).hasSize(2);
    assertThat(warnings).hasSize(1).allMatch(w -> w.contains("properties"));
  }

  @Test
  void aValueNestedAsDeepAsTheWritersAcceptIsReadBack() throws IOException {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    byte[] bytes = write(EVENTS, List.of(event("00000000-0000-0000-0000-000000000001", "e", deep, Instant.EPOCH)));

    assertThat(read(EVENTS, bytes).get(0).get("properties")).isEqualTo(deep);
    assertThat(warnings).isEmpty();
  }

  @Test
  void integersAndListsRoundTrip() throws IOException {
    Map<String, Object> session = new HashMap<>();
    session.put("session_id", "s1");
    session.put("team_id", Long.MAX_VALUE);
    session.put("urls", Arrays.asList("https://a.example/", null, "ünï"));
    session.put("num_uniq_urls", Long.MIN_VALUE);
    session.put("is_bounce", false);
    session.put("_inserted_at", Instant.parse("2026-11-20T00:00:00Z"));
    Map<String, Object> empty = new HashMap<>(session);
    empty.put("session_id", "s2");
    empty.put("urls", List.of());
    empty.put("is_bounce", true);

    List<Map<String, Object>> back = read(SESSIONS, write(SESSIONS, List.of(session, empty)));

    assertThat(back).containsExactly(TestRows.expected(SESSIONS, session), TestRows.expected(SESSIONS, empty));
  }

  @Test
  void invalidJsonIsWrittenAsAStringAndWarnedOncePerColumn() throws IOException {
    Map<String, Object> first = event("00000000-0000-0000-0000-000000000001", "e", "{not json", Instant.EPOCH);
    Map<String, Object> second = event("00000000-0000-0000-0000-000000000002", "e", "{} trailing", Instant.EPOCH);
    second.put("person_properties", "");

    String text = new String(write(EVENTS, List.of(first, second)), StandardCharsets.UTF_8);

    assertThat(text).contains("\"properties\":\"{not json\"").contains("\"properties\":\"{} trailing\"")
        .contains("\"person_properties\":\"\"");
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).contains("'properties'").contains("{not json");
    assertThat(warnings.get(1)).contains("'person_properties'");
  }

  @Test
  void stageReportsTheExactFileSizeAndUncommittedRowsAreDropped() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = new JsonLinesFormat().open(out, EVENTS, Compression.NONE, context);
    Map<String, Object> a = event("00000000-0000-0000-0000-000000000001", "a", "{}", Instant.EPOCH);
    Map<String, Object> b = event("00000000-0000-0000-0000-000000000002", "bbbbbbbbbbbbbbbbbbbb", "{}", Instant.EPOCH);

    long afterA = writer.stage(TestRows.row(EVENTS, a));
    writer.commit();
    long withB = writer.stage(TestRows.row(EVENTS, b));
    long withA = writer.stage(TestRows.row(EVENTS, a)); // replaces the staged b
    writer.commit();
    writer.finish();

    assertThat(afterA * 2).isEqualTo(withA).isEqualTo(out.size());
    assertThat(withB).isGreaterThan(withA);
    assertThat(writer.records()).isEqualTo(2);
    assertThat(read(EVENTS, out.toByteArray())).extracting(r -> r.get("event")).containsExactly("a", "a");
  }

  @Test
  void emptyFileHasNoRows() throws IOException {
    byte[] bytes = write(EVENTS, List.of());

    assertThat(bytes).isEmpty();
    assertThat(read(EVENTS, bytes)).isEmpty();
  }

  @Test
  void commitWithoutStageIsRefused() throws IOException {
    RecordWriter writer = new JsonLinesFormat().open(new ByteArrayOutputStream(), EVENTS, Compression.NONE, context);
    assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void readerRefusesRowsThatDoNotFitTheSchema() {
    byte[] unknown = "{\"nope\":1}\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> read(EVENTS, unknown)).hasMessageContaining("unknown column 'nope'");
    byte[] wrongType = ("{\"session_id\":\"s\",\"team_id\":\"one\"}\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> read(SESSIONS, wrongType)).hasMessageContaining("'team_id'");
  }
}
