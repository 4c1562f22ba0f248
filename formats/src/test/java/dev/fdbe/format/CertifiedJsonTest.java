package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.ExportException;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.internal.json.CertifiedJson;
import dev.fdbe.internal.json.JsonSyntax;
import dev.fdbe.internal.source.InMemoryRecordSource;
import dev.fdbe.internal.source.PrefetchingCursor;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.spi.WriterContext;
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
import org.junit.jupiter.api.Test;

/**
 * The engine's reading thread checks JSON values and its rows hand the writers those it certified as
 * their bytes ({@link CertifiedJson}), which the writers copy without a check of their own: the
 * files and the warnings are the same as for the source's own rows, which say nothing.
 */
class CertifiedJsonTest {
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
    List<Map<String, Object>> values = new ArrayList<>(new HardRows(15).rows(Model.EVENTS, 300));
    for (String edge : EDGES) {
      Map<String, Object> row = new HashMap<>(values.get(0));
      row.put("uuid", UUID.nameUUIDFromBytes(edge.getBytes(StandardCharsets.UTF_8)).toString());
      row.put("properties", edge);
      row.put("person_properties", edge);
      values.add(row);
    }
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
