package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.ExportException;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.internal.json.Utf8Row;
import dev.fdbe.internal.json.JsonSyntax;
import dev.fdbe.internal.source.InMemoryRecordSource;
import dev.fdbe.internal.source.PrefetchingCursor;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.spi.WriterContext;
import dev.fdbe.testing.ForwardingCursor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The engine's reading thread checks JSON values and its rows hand the writers those it certified as
 * their bytes ({@link Utf8Row}), which the writers copy without a check of their own, and strings as
 * the bytes the source read, which they copy without encoding them: the files and the warnings are
 * the same as for the source's own rows, which say nothing.
 */
class Utf8RowTest {
  /**
   * Values beside those of {@link HardRows}: invalid; valid but beyond the fast check's limits
   * (deep, a long number), so the parser decides; padded; on several lines; with a lone surrogate,
   * which Java encodes as {@code ?}.
   */
  private static final List<String> EDGES = List.of("{\"unterminated\": ", "[".repeat(100) + "1" + "]".repeat(100),
      "{\"n\":" + "9".repeat(250) + "}", " \t{\"padded\": true}\t ", "{\n\"lines\": [1,\r\n2]\n}",
      "{\"lone\":\"x\uD800y\"}", "\"\uDC00\"", "[\"\uD83D\uDE00\", \"é\"]");

  private static final Schema EVENTS = Model.EVENTS.schema();
  private static final TeamId TEAM = TeamId.of(1);
  /** Every row of the team: HardRows' times run from year 1 to 9999. */
  private static final SourceQuery EVERYTHING = new SourceQuery(TEAM, Model.EVENTS,
      new TimeRange(Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("+10000-01-01T00:00:00Z")), List.of(),
      List.of());

  @Test
  void writersWriteTheSameFilesAndWarningsWhetherOrNotTheRowsSayTheirJsonIsCertified() throws IOException {
    List<Map<String, Object>> values = rowsWith(15, 300, EDGES, List.of("properties", "person_properties"));
    long certifiable = values.stream()
        .map(row -> (String) row.get("properties"))
        .filter(text -> text != null && JsonSyntax.certify(text) != null)
        .count();
    assertThat(certifiable).as("rows whose JSON the reading thread would certify").isGreaterThan(100);
    assertThat(EDGES.stream().filter(edge -> JsonSyntax.certify(edge) != null))
        .as("edges certified: padded, and beyond the BMP").hasSize(2);
    InMemoryRecordSource source = new InMemoryRecordSource().addAll(TEAM, Model.EVENTS, values);

    for (FormatProvider format : ServiceLoader.load(FormatProvider.class)) {
      for (Compression compression : List.of(Compression.NONE, Compression.ZSTD)) {
        List<String> plainWarnings = new ArrayList<>();
        List<String> certifiedWarnings = new ArrayList<>();
        byte[] plain = write(format, compression, source.open(EVERYTHING), plainWarnings);
        byte[] certified = write(format, compression,
            PrefetchingCursor.start(source.open(EVERYTHING), EVENTS, "certified-json-test"), certifiedWarnings);

        assertThat(certified).as("%s %s", format.format(), compression).isEqualTo(plain);
        assertThat(certifiedWarnings).as("%s %s", format.format(), compression)
            .isEqualTo(plainWarnings)
            .anyMatch(warning -> warning.contains("properties"));
      }
    }
    assertThat(ServiceLoader.load(FormatProvider.class).stream().map(p -> p.get().format()))
        .containsExactlyInAnyOrder(FileFormat.values());
  }

  /**
   * Strings beside those of {@link HardRows}, each in the text columns: what JSON and CSV escape or
   * quote, padding, non-ASCII, beyond the Basic Multilingual Plane (which JSON Lines leaves to the
   * generator), and a lone surrogate, whose bytes are not its exact encoding and so never handed on.
   */
  private static final List<String> STRINGS = List.of("say \"hi\"", "back\\slash", "tab\tnew\nline\r\u0001",
      "a,b", " padded ", "", "what?", "ünïcödé", "rocket 🚀", "lone \uD800 surrogate", "?\uDC00");

  @Test
  void writersWriteTheSameFilesWhetherOrNotTheRowsGiveTheirStringsAsBytes() throws IOException {
    List<Map<String, Object>> values = rowsWith(16, 200, STRINGS,
        List.of("event", "distinct_id", "elements_chain", "person_id"));
    InMemoryRecordSource source = new InMemoryRecordSource().addAll(TEAM, Model.EVENTS, values);

    for (FormatProvider format : ServiceLoader.load(FormatProvider.class)) {
      for (Compression compression : List.of(Compression.NONE, Compression.GZIP)) {
        List<String> plainWarnings = new ArrayList<>();
        List<String> bytesWarnings = new ArrayList<>();
        byte[] plain = write(format, compression, source.open(EVERYTHING), plainWarnings);
        StringsAsBytes rows = new StringsAsBytes(source.open(EVERYTHING));
        byte[] asBytes = write(format, compression, rows, bytesWarnings);

        assertThat(rows.handed).as("strings handed as bytes").isGreaterThan(500);
        assertThat(asBytes).as("%s %s", format.format(), compression).isEqualTo(plain);
        assertThat(bytesWarnings).as("%s %s", format.format(), compression).isEqualTo(plainWarnings);
      }
    }
  }

  /**
   * {@link HardRows}' events and, after them, one row per value with the value in each of the
   * columns (and a uuid of its own).
   */
  private static List<Map<String, Object>> rowsWith(long seed, int count, List<String> texts, List<String> columns) {
    List<Map<String, Object>> values = new ArrayList<>(new HardRows(seed).rows(Model.EVENTS, count));
    for (String text : texts) {
      Map<String, Object> row = new HashMap<>(values.get(0));
      row.put("uuid", UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)).toString());
      for (String column : columns) {
        row.put(column, text);
      }
      values.add(row);
    }
    return values;
  }

  /** The source's rows, each string also given as its bytes where those are its exact encoding. */
  private static final class StringsAsBytes extends ForwardingCursor implements Utf8Row {
    int handed;

    StringsAsBytes(RecordCursor source) {
      super(source);
    }

    @Override
    public byte @Nullable [] stringUtf8(int column) {
      if (EVENTS.column(column).type() != ColumnType.STRING || cursor.isNull(column)) {
        return null;
      }
      String text = cursor.getString(column);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (!new String(bytes, StandardCharsets.UTF_8).equals(text)) {
        return null; // a lone surrogate: not the text's exact encoding
      }
      handed++;
      return bytes;
    }

    @Override
    public byte @Nullable [] certifiedJson(int column) {
      return null;
    }
  }

  /**
   * The file of the cursor's rows, which it closes; {@code warnings} gets the run's warnings and the
   * rows the writer refused.
   */
  private static byte[] write(FormatProvider format, Compression compression, RecordCursor rows,
      List<String> warnings) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WriterContext context = (key, message) -> warnings.add(key + ": " + message);
    RecordWriter writer = format.open(out, EVENTS, compression, context);
    try (rows) {
      for (int i = 0; rows.next(); i++) {
        try {
          writer.stage(rows);
        } catch (ExportException refused) { // JSON Lines refuses a lone surrogate in embedded JSON
          warnings.add("row " + i + " refused: " + refused.getMessage());
          continue;
        }
        writer.commit();
      }
    }
    writer.finish();
    return out.toByteArray();
  }
}
