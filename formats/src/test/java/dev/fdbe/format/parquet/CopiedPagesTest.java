package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.format.TestRows;
import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Row;
import dev.fdbe.schema.Schema;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uncompressed pages that close by their row count ({@link ColumnChunkWriter#PAGE_ROW_LIMIT}) in an
 * array with more room than a quarter of the page: the writer copies them, and from the second row
 * group on it copies them into the arrays its earlier row groups' pages left behind.
 *
 * <p>The layout is chosen so that the path is taken: 8-byte values close a page at 20,000 rows
 * (160,000 bytes, under 90% of 256 KiB), when the page's array, grown by half from 4 KiB, is about
 * 236,000 bytes long; row groups of 256 KiB hold one such page and the start of the next. And the
 * arrays of the largest pages: each fits one region of G1 at its smallest size.
 */
class CopiedPagesTest {
  private static final Schema LONGS = Schema.of(Column.required("n", ColumnType.INT64));
  private static final ParquetLayout LAYOUT = new ParquetLayout(256 * 1024, 256 * 1024);

  @TempDir
  Path dir;

  @Test
  void copiedPagesReadBackWholeInEveryRowGroup() throws Exception {
    Schema schema = Schema.of(Column.required("n", ColumnType.INT64), Column.optional("s", ColumnType.STRING));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 300_000; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("n", i * 7L - 1_000_000L);
      row.put("s", i % 13 == 0 ? null : "v" + (i % 1000));
      rows.add(row);
    }
    drainPageArrays();
    Path file = dir.resolve("copied.parquet");
    try (OutputStream out = Files.newOutputStream(file)) {
      // Row groups of 1 MiB, so that pages close by their row count rather than with their row group.
      ParquetLayout layout = new ParquetLayout(256 * 1024, 1 << 20);
      ParquetPartWriter writer = ParquetFormat.open(out, schema, Compression.NONE, layout);
      for (Map<String, Object> row : rows) {
        writer.stage(TestRows.row(schema, row));
        writer.commit();
      }
      writer.finish();
    }
    assertThat(ParquetFiles.read(file, schema)).isEqualTo(ParquetFiles.expected(schema, rows));
  }

  @Test
  void laterRowGroupsCopyPagesIntoArraysTheEarlierOnesLeft() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 400_000; i++) {
      rows.add(TestRows.row(LONGS, Map.of("n", (long) i)));
    }
    drainPageArrays();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ParquetPartWriter writer = ParquetFormat.open(OutputStream.nullOutputStream(), LONGS, Compression.NONE, LAYOUT);
    int warmUp = 100_000;
    for (Row row : rows.subList(0, warmUp)) {
      writer.stage(row);
      writer.commit();
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (Row row : rows.subList(warmUp, rows.size())) {
      writer.stage(row);
      writer.commit();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    writer.finish();

    long pageBytes = 8L * (rows.size() - warmUp);
    // A new array per copied page would allocate at least the pages' bytes again.
    assertThat(allocated).as("bytes allocated writing %d bytes of pages", pageBytes).isLessThan(pageBytes / 4);
  }

  @Test
  void pageArraysOfTheLargestPagesFitOneSmallRegionOfG1() throws Exception {
    // A required column: its first array (4 KiB, no room for levels) grows by half past 1 MiB.
    Schema schema = Schema.of(Column.required("s", ColumnType.STRING));
    String text = "x".repeat(100);
    drainPageArrays();
    ParquetPartWriter writer = ParquetFormat.open(OutputStream.nullOutputStream(), schema, Compression.NONE,
        ParquetLayout.forPartLimit(0, 1));
    for (int i = 0; i < 60_000; i++) { // about six pages of 1 MiB in one row group
      writer.stage(TestRows.row(schema, Map.of("s", text + i)));
      writer.commit();
    }
    writer.finish();

    // The writer gave its arrays back when it finished: the pages' own arrays among them.
    List<Integer> lengths = drainPageArrays();
    assertThat(lengths).anySatisfy(length -> assertThat(length).isGreaterThan(ParquetLayout.MAX_PAGE_BYTES * 9 / 10));
    assertThat(lengths).allSatisfy(length -> assertThat(length).isLessThanOrEqualTo(PageArrays.ONE_REGION_BYTES));
  }

  @Test
  void anArrayIsCutToOneRegionOnlyWhereWhatItMustHoldFits() {
    assertThat(PageArrays.withinRegion(1_000_000, 1_100_000)).isEqualTo(PageArrays.ONE_REGION_BYTES);
    assertThat(PageArrays.withinRegion(1_050_000, 1_100_000)).isEqualTo(1_100_000);
    assertThat(PageArrays.withinRegion(500_000, 600_000)).isEqualTo(600_000);
  }

  /**
   * Takes every array other writers of this JVM left in {@link PageArrays}, so that each column's
   * first array is a new one of 4 KiB and grows as the class comment says, not a kept one that
   * happens to fit a page (which would keep the page in it rather than copy it).
   *
   * @return the lengths of the arrays taken
   */
  private static List<Integer> drainPageArrays() {
    List<Integer> lengths = new ArrayList<>();
    // Each take removes one kept array; a new one has the length asked for.
    for (byte[] kept = PageArrays.take(1); kept.length > 1 && lengths.size() < 100_000; kept = PageArrays.take(1)) {
      lengths.add(kept.length);
    }
    return lengths;
  }
}
