package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.DuckDb;
import dev.fdbe.format.HardRows;
import dev.fdbe.format.TestRows;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Splitting by size, driving the writer the way the engine's part roller does: stage, and when the
 * bound crosses the limit on a part that has rows, finish it and stage the row again on a new one.
 */
class ParquetSplittingTest {
  private static final long MIB = 1024 * 1024;
  private static DuckDb duck;

  @TempDir
  Path dir;

  private int files;

  @BeforeAll
  static void startDuckDb() throws Exception {
    duck = new DuckDb();
  }

  @AfterAll
  static void stopDuckDb() throws Exception {
    duck.close();
  }

  /** One part as the roller leaves it, with the bound the writer gave for its last row. */
  record Part(byte[] bytes, long records, long lastBound) {}

  /** Writes rows into parts of at most {@code limit} bytes; a null layout means the one the limit chooses. */
  static List<Part> split(Schema schema, Compression compression, long limit, ParquetLayout layout,
      List<Map<String, Object>> rows) throws IOException {
    List<Part> parts = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = open(out, schema, compression, layout, limit);
    long lastBound = 0;
    for (Map<String, Object> values : rows) {
      long bound = writer.stage(TestRows.row(schema, values));
      if (bound > limit && writer.records() > 0) {
        writer.finish();
        parts.add(new Part(out.toByteArray(), writer.records(), lastBound));
        out = new ByteArrayOutputStream();
        writer = open(out, schema, compression, layout, limit);
        bound = writer.stage(TestRows.row(schema, values));
      }
      writer.commit();
      lastBound = bound;
    }
    writer.finish();
    parts.add(new Part(out.toByteArray(), writer.records(), lastBound));
    return parts;
  }

  /**
   * A writer as the engine opens one (the limit in the context), or with an explicit layout; either
   * way the writer knows the limit, as it must for its bounds to be tight while pages compress on
   * threads.
   */
  private static RecordWriter open(ByteArrayOutputStream out, Schema schema, Compression compression,
      ParquetLayout layout, long limit) throws IOException {
    WriterContext context = WriterContext.of(new FileConfig(FileFormat.PARQUET, compression, limit / MIB));
    return layout == null
        ? new ParquetFormat().open(out, schema, compression, context)
        : ParquetFormat.open(out, schema, compression, layout, context);
  }

  static Stream<Arguments> limitsAndCodecs() {
    List<Arguments> cases = new ArrayList<>();
    for (Compression compression : List.of(Compression.ZSTD, Compression.SNAPPY, Compression.NONE)) {
      for (long mib : List.of(1L, 2L, 5L)) {
        cases.add(Arguments.of(compression, mib));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} MiB")
  @MethodSource("limitsAndCodecs")
  void partsStayWithinTheLimitAndFillAtLeastHalfOfIt(Compression compression, long mib) throws Exception {
    Schema schema = Model.EVENTS.schema();
    long limit = mib * MIB;
    int count = (int) (mib * (compression == Compression.NONE ? 5_000 : 15_000));
    List<Map<String, Object>> rows = EventRows.rows(mib, count);

    List<Part> parts = split(schema, compression, limit, null, rows);

    assertThat(parts).as("parts").hasSizeGreaterThan(2);
    checkParts(schema, rows, parts, limit);
    long largest = 0;
    long smallest = Long.MAX_VALUE;
    for (int i = 0; i < parts.size(); i++) {
      long size = parts.get(i).bytes().length;
      largest = Math.max(largest, size);
      if (i < parts.size() - 1) {
        smallest = Math.min(smallest, size);
        assertThat(size).as("part %d of %d", i, parts.size()).isGreaterThanOrEqualTo(limit / 2);
      }
    }
    System.out.printf("tightness %s %d MiB: %d parts, largest %.3f, smallest non-last %.3f of the limit%n",
        compression, mib, parts.size(), (double) largest / limit, (double) smallest / limit);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("codecs")
  void hardRowsNeverCrossTheLimit(Compression compression) throws Exception {
    for (Model model : Model.values()) {
      Schema schema = model.schema();
      HardRows hard = new HardRows(model.ordinal());
      List<Map<String, Object>> rows = hard.rows(model, 400);
      rows.add(100, hard.huge(model, 1_500_000));
      List<Part> parts = split(schema, compression, MIB, null, rows);
      assertThat(parts).as("%s parts", model).hasSizeGreaterThan(1);
      checkParts(schema, rows, parts, MIB);
    }
  }

  static Stream<Compression> codecs() {
    return Stream.of(Compression.values());
  }

  @Test
  void aKnownLimitGivesSmallerPagesAndFullerParts() throws Exception {
    Schema schema = Model.SESSIONS.schema();
    List<Map<String, Object>> rows = new ArrayList<>();
    HardRows hard = new HardRows(11);
    while (rows.size() < 6000) {
      Map<String, Object> row = hard.row(Model.SESSIONS);
      row.replaceAll((k, v) -> v instanceof String s && s.length() > 1000 ? s.substring(0, 200) : v);
      rows.add(row);
    }
    long limit = MIB;
    ParquetLayout layout = ParquetLayout.forPartLimit(limit, schema.size());
    // Smaller than the 16 KiB pages writers used before the part limit reached them.
    assertThat(layout.pageSizeBytes()).isLessThan(16 * 1024);
    List<Part> parts = split(schema, Compression.ZSTD, limit, layout, rows);
    checkParts(schema, rows, parts, limit);
    for (int i = 0; i < parts.size() - 1; i++) {
      assertThat((long) parts.get(i).bytes().length).as("part %d", i).isGreaterThanOrEqualTo(limit / 2);
    }
  }

  /**
   * Every part holds at most the limit unless it holds one row, is no larger than the bound its
   * last row got, and is a complete file; together the parts hold the rows in order.
   */
  private void checkParts(Schema schema, List<Map<String, Object>> rows, List<Part> parts, long limit)
      throws Exception {
    List<Map<String, Object>> all = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      if (part.records() > 1) {
        assertThat((long) part.bytes().length).as("part %d of %d", i, parts.size()).isLessThanOrEqualTo(limit);
      }
      assertThat((long) part.bytes().length).as("part %d against its bound", i).isLessThanOrEqualTo(part.lastBound());
      // A new name for every file: DuckDB caches file contents by path and modification time.
      Path file = Files.write(dir.resolve("part-" + (files++) + ".parquet"), part.bytes());
      List<Map<String, Object>> read = ParquetFiles.readWithDuckDb(duck, file, schema);
      assertThat((long) read.size()).as("rows of part %d", i).isEqualTo(part.records());
      all.addAll(read);
    }
    assertThat(all).isEqualTo(ParquetFiles.expected(schema, rows));
  }
}
