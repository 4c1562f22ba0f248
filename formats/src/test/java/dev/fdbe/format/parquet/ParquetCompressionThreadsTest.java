package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.Model;
import dev.fdbe.format.HardRows;
import dev.fdbe.format.TestRows;
import dev.fdbe.format.internal.CompressionPool;
import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compressed pages compressed on the compression threads: the files are byte for byte
 * those of a writer that compresses every page on its own thread, whether the threads take the
 * pages or a pool refuses them all (the writer then compresses them when it needs them), with a
 * part limit or none: parts split at the same rows, row groups end at the same rows.
 */
class ParquetCompressionThreadsTest {
  private static final Schema SCHEMA = Model.EVENTS.schema();
  private static final long LIMIT = 256 * 1024;

  @TempDir
  Path dir;

  static Stream<Compression> threadedCodecs() {
    return Stream.of(Compression.values()).filter(compression -> compression != Compression.NONE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("threadedCodecs")
  void partsAreTheSameBytesWhereverPagesCompress(Compression compression) throws Exception {
    List<Map<String, Object>> rows = EventRows.rows(31 + compression.ordinal(), 6000);
    List<byte[]> alone = split(compression, rows, Optional.empty());
    assertThat(alone).as("parts").hasSizeGreaterThan(2);
    try (CompressionPool pool = new CompressionPool(2, Duration.ofSeconds(30), "pages-test")) {
      List<byte[]> threaded = split(compression, rows, Optional.of(pool));
      assertThat(pool.liveThreads()).as("compression threads started").isPositive();
      assertSameParts(threaded, alone);
    }
    CompressionPool refusing = new CompressionPool(1, Duration.ofSeconds(1), "refusing-pages-test");
    refusing.close();
    assertSameParts(split(compression, rows, Optional.of(refusing)), alone);

    List<Map<String, Object>> read = new ArrayList<>();
    for (int i = 0; i < alone.size(); i++) {
      if (i < alone.size() - 1) {
        assertThat((long) alone.get(i).length).as("part %d", i).isLessThanOrEqualTo(LIMIT)
            .isGreaterThan(LIMIT * 3 / 4);
      }
      Path file = Files.write(dir.resolve(compression + "-" + i + ".parquet"), alone.get(i));
      read.addAll(ParquetFiles.read(file, SCHEMA));
    }
    assertThat(read).isEqualTo(ParquetFiles.expected(SCHEMA, rows));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("threadedCodecs")
  void rowGroupsAndPagesAreTheSameWithoutALimit(Compression compression) throws Exception {
    List<Map<String, Object>> rows = new HardRows(41 + compression.ordinal()).rows(Model.EVENTS, 1500);
    // Small pages and row groups: many row group decisions, each made while pages are in flight.
    ParquetLayout layout = new ParquetLayout(8 * 1024, 96 * 1024);
    byte[] alone = write(compression, rows, layout, Optional.empty());
    try (CompressionPool pool = new CompressionPool(2, Duration.ofSeconds(30), "row-groups-test")) {
      assertThat(write(compression, rows, layout, Optional.of(pool))).isEqualTo(alone);
    }
    Path file = Files.write(dir.resolve(compression + ".parquet"), alone);
    assertThat(ParquetFiles.read(file, SCHEMA)).isEqualTo(ParquetFiles.expected(SCHEMA, rows));
  }

  /**
   * Random longs do not compress: each page comes out a little larger than it went in, which a
   * writer that counted its own pages compressed at once, and its pool's pages uncompressed until
   * settled, would see differently, deciding the row groups' ends at different rows.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("threadedCodecs")
  void incompressiblePagesEndRowGroupsAtTheSameRows(Compression compression) throws Exception {
    Schema schema = Schema.of(Column.required("n", ColumnType.INT64));
    Random random = new Random(compression.ordinal());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 40_000; i++) {
      rows.add(Map.of("n", random.nextLong()));
    }
    ParquetLayout layout = new ParquetLayout(8 * 1024, 96 * 1024);
    byte[] alone = write(schema, compression, rows, layout, Optional.empty());
    try (CompressionPool pool = new CompressionPool(2, Duration.ofSeconds(30), "incompressible-test")) {
      assertThat(write(schema, compression, rows, layout, Optional.of(pool))).isEqualTo(alone);
    }
    Path file = Files.write(dir.resolve(compression + "-longs.parquet"), alone);
    assertThat(ParquetFiles.read(file, schema)).isEqualTo(ParquetFiles.expected(schema, rows));
  }

  private static void assertSameParts(List<byte[]> actual, List<byte[]> expected) {
    assertThat(actual).as("parts").hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("part %d", i).isEqualTo(expected.get(i));
    }
  }

  /** The rows split as the engine's roller splits them, into parts of at most {@link #LIMIT}. */
  private static List<byte[]> split(Compression compression, List<Map<String, Object>> rows,
      Optional<CompressionPool> pool) throws IOException {
    ParquetLayout layout = ParquetLayout.forPartLimit(LIMIT, SCHEMA.size());
    List<byte[]> parts = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = ParquetFormat.open(out, SCHEMA, compression, layout, limited(), pool);
    for (Map<String, Object> values : rows) {
      if (writer.stage(TestRows.row(SCHEMA, values)) > LIMIT && writer.records() > 0) {
        writer.finish();
        parts.add(out.toByteArray());
        out = new ByteArrayOutputStream();
        writer = ParquetFormat.open(out, SCHEMA, compression, layout, limited(), pool);
        writer.stage(TestRows.row(SCHEMA, values));
      }
      writer.commit();
    }
    writer.finish();
    parts.add(out.toByteArray());
    return parts;
  }

  private static byte[] write(Compression compression, List<Map<String, Object>> rows, ParquetLayout layout,
      Optional<CompressionPool> pool) throws IOException {
    return write(SCHEMA, compression, rows, layout, pool);
  }

  private static byte[] write(Schema schema, Compression compression, List<Map<String, Object>> rows,
      ParquetLayout layout, Optional<CompressionPool> pool) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = ParquetFormat.open(out, schema, compression, layout, WriterContext.NONE, pool);
    for (Map<String, Object> values : rows) {
      writer.stage(TestRows.row(schema, values));
      writer.commit();
    }
    writer.finish();
    return out.toByteArray();
  }

  private static WriterContext limited() {
    return new WriterContext() {
      @Override
      public void warnOnce(String key, String message) {}

      @Override
      public long maxPartBytes() {
        return LIMIT;
      }
    };
  }
}
