package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.Model;
import dev.fdbe.format.HardRows;
import dev.fdbe.format.TestRows;
import dev.fdbe.format.internal.CompressionPool;
import dev.fdbe.schema.Row;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A caller's rows have their JSON checked on the pool's threads while the writer goes on
 * ({@link DeferredRows}): the files are byte for byte those of a writer that checks every value as
 * it stages it, with a part limit or none, through row group ends, with invalid JSON among the
 * values (stored as JSON strings, one warning per column either way), when the pool refuses every
 * task, and when the caller reuses one row object for every row.
 */
class ParquetDeferredChecksTest {
  private static final Schema SCHEMA = Model.EVENTS.schema();
  /**
   * Pages of 64 KiB and row groups of 4 MiB (1 MiB compressed, which the rows fill five times less
   * fast): room for rows to wait, and several row groups.
   */
  private static ParquetLayout layout(Compression compression) {
    return new ParquetLayout(64 * 1024, (compression == Compression.NONE ? 4 : 1) * 1024 * 1024);
  }

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Compression.class, names = {"NONE", "ZSTD"})
  void filesAreTheSameBytesWhereverJsonIsChecked(Compression compression) throws Exception {
    List<Map<String, Object>> rows = rows(compression.ordinal());
    Written inline = write(compression, rows, 0, Optional.empty(), Function.identity());
    assertThat(inline.parts()).as("one file").hasSize(1);
    try (CompressionPool pool = new CompressionPool(2, Duration.ofSeconds(30), "checks-test")) {
      Written deferred = write(compression, rows, 0, Optional.of(pool), Function.identity());
      assertThat(pool.liveThreads()).as("checking threads started").isPositive();
      assertSame(deferred, inline);
    }
    Path file = Files.write(dir.resolve(compression + ".parquet"), inline.parts().get(0));
    assertThat(ParquetFiles.read(file, SCHEMA)).isEqualTo(ParquetFiles.expected(SCHEMA, rows));
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      assertThat(reader.getRowGroups()).as("row groups").hasSizeGreaterThan(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Compression.class, names = {"NONE", "ZSTD"})
  void partsSplitAtTheSameRowsWhereverJsonIsChecked(Compression compression) throws Exception {
    List<Map<String, Object>> rows = rows(10 + compression.ordinal());
    long limit = compression == Compression.NONE ? 3L * 1024 * 1024 : 1024 * 1024;
    Written inline = write(compression, rows, limit, Optional.empty(), Function.identity());
    assertThat(inline.parts()).as("parts").hasSizeGreaterThan(2);
    try (CompressionPool pool = new CompressionPool(2, Duration.ofSeconds(30), "split-checks-test")) {
      assertSame(write(compression, rows, limit, Optional.of(pool), Function.identity()), inline);
    }
    CompressionPool refusing = new CompressionPool(1, Duration.ofSeconds(1), "refusing-checks-test");
    refusing.close();
    assertSame(write(compression, rows, limit, Optional.of(refusing), Function.identity()), inline);
    List<Map<String, Object>> read = new ArrayList<>();
    for (int i = 0; i < inline.parts().size(); i++) {
      byte[] part = inline.parts().get(i);
      assertThat((long) part.length).as("part %d", i).isLessThanOrEqualTo(limit);
      read.addAll(ParquetFiles.read(Files.write(dir.resolve(compression + "-" + i + ".parquet"), part), SCHEMA));
    }
    assertThat(read).isEqualTo(ParquetFiles.expected(SCHEMA, rows));
  }

  /**
   * A row staged on a {@link StagedRow} that held an unchecked row before, never committed, leaves
   * nothing of it: its figures and values are those of the row staged alone.
   */
  @Test
  void aRowStagedAgainLeavesNothingOfTheRowBefore() {
    Map<String, Object> before = new HashMap<>(EventRows.rows(1, 1).get(0));
    before.put("properties", "{\"decoy\":\"" + "d".repeat(3000) + "\"}");
    before.put("person_properties", "{not json");
    Map<String, Object> after = new HashMap<>(EventRows.rows(2, 1).get(0));
    after.put("person_properties", null);
    StagedRow alone = new StagedRow(SCHEMA, WriterContext.NONE);
    alone.set(TestRows.row(SCHEMA, after));
    StagedRow reused = new StagedRow(SCHEMA, WriterContext.NONE);
    reused.set(TestRows.row(SCHEMA, before), true);
    reused.set(TestRows.row(SCHEMA, after), true);
    assertThat(reused.unchecked()).as("properties waits for its check").isTrue();
    reused.check();
    reused.resolve();
    assertThat(reused.rawBytes()).as("raw bytes").isEqualTo(alone.rawBytes());
    for (int i = 0; i < SCHEMA.size(); i++) {
      assertThat(reused.isNull(i)).as(SCHEMA.column(i).name()).isEqualTo(alone.isNull(i));
      if (!alone.isNull(i) && alone.string(i) != null) {
        assertThat(reused.string(i)).as(SCHEMA.column(i).name()).isEqualTo(alone.string(i));
      }
    }
  }

  /** The writer takes a row's values when it is staged: a caller may change the row once it is committed. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Compression.class, names = {"NONE", "ZSTD"})
  void aRowChangedAfterItsCommitIsWrittenAsCommitted(Compression compression) throws Exception {
    List<Map<String, Object>> rows = rows(20 + compression.ordinal());
    Written fresh = write(compression, rows, 0, Optional.empty(), Function.identity());
    ReusedRow reused = new ReusedRow();
    try (CompressionPool pool = new CompressionPool(2, Duration.ofSeconds(30), "reused-row-test")) {
      assertSame(write(compression, rows, 0, Optional.of(pool), row -> reused.now(row)), fresh);
    }
  }

  /** However large the rows, about two batches' bytes wait for their check, never all of a file's rows. */
  @Test
  void rowsWaitingForTheirCheckHoldAtMostTwoBatchesOfBytes() throws Exception {
    String large = "{\"blob\":\"" + "x".repeat(200_000) + "\"}";
    long rowBytes = StagedRow.uncheckedBytes(large.length()) + 64;
    List<Long> waiting = new ArrayList<>();
    try (CompressionPool pool = new CompressionPool(1, Duration.ofSeconds(30), "bytes-test")) {
      DeferredRows deferred = new DeferredRows(pool, () -> new StagedRow(SCHEMA, WriterContext.NONE));
      DeferredRows.Sink sink = row -> assertThat(row.unchecked()).as("checked before it leaves").isFalse();
      for (int i = 0; i < 100; i++) {
        Map<String, Object> values = new HashMap<>(EventRows.rows(i, 1).get(0));
        values.put("properties", large);
        deferred.slot().set(TestRows.row(SCHEMA, values), true);
        deferred.add(sink);
        waiting.add(deferred.rawBytes());
      }
      deferred.drainAll(sink);
      assertThat(deferred.isEmpty()).isTrue();
      assertThat(deferred.rawBytes()).isZero();
    }
    assertThat(waiting).allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(2 * DeferredRows.BATCH_BYTES
        + 2 * rowBytes));
    assertThat(waiting).as("rows waited").anySatisfy(bytes -> assertThat(bytes).isGreaterThan(DeferredRows.BATCH_BYTES));
  }

  /**
   * Realistic events, with HardRows' values (long and odd strings, JSON of every shape) among them,
   * and invalid JSON in one row of 50: control characters, which grow most when written as a JSON
   * string, and texts that are not JSON at all.
   */
  private static List<Map<String, Object>> rows(long seed) {
    List<Map<String, Object>> rows = new ArrayList<>(EventRows.rows(seed, 12_000));
    List<Map<String, Object>> hard = new HardRows(seed).rows(Model.EVENTS, 600);
    for (int i = 0; i < hard.size(); i++) {
      rows.add(i * 20, hard.get(i));
    }
    for (int i = 7; i < rows.size(); i += 50) {
      Map<String, Object> row = new HashMap<>(rows.get(i));
      row.put("properties", INVALID[i % INVALID.length]);
      row.put("person_properties", INVALID[(i + 1) % INVALID.length]);
      rows.set(i, row);
    }
    return rows;
  }

  private static final String[] INVALID = {"{\"ctl\":\"\u0001\u0002\u0003\u001f\"}", "{not json", "\u0000".repeat(500),
      "{\"a\":1} trailing", "NaN", ""};

  private record Written(List<byte[]> parts, TreeSet<String> warnings) {}

  private static void assertSame(Written actual, Written expected) {
    assertThat(actual.warnings()).as("warnings").isEqualTo(expected.warnings()).isNotEmpty();
    assertThat(actual.parts()).as("parts").hasSameSizeAs(expected.parts());
    for (int i = 0; i < expected.parts().size(); i++) {
      assertThat(actual.parts().get(i)).as("part %d", i).isEqualTo(expected.parts().get(i));
    }
  }

  /** The rows as the engine's roller splits them into parts of at most {@code limit} (0: one file). */
  private static Written write(Compression compression, List<Map<String, Object>> rows, long limit,
      Optional<CompressionPool> pool, Function<Row, Row> handOver) throws IOException {
    TreeSet<String> warnings = new TreeSet<>();
    WriterContext context = new WriterContext() {
      @Override
      public void warnOnce(String key, String message) {
        warnings.add(key);
      }

      @Override
      public long maxPartBytes() {
        return limit;
      }
    };
    ParquetLayout layout = limit == 0 ? layout(compression) : ParquetLayout.forPartLimit(limit, SCHEMA.size());
    List<byte[]> parts = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = ParquetFormat.open(out, SCHEMA, compression, layout, context, pool);
    for (Map<String, Object> values : rows) {
      Row row = handOver.apply(TestRows.row(SCHEMA, values));
      if (limit > 0 && writer.stage(row) > limit && writer.records() > 0) {
        writer.finish();
        parts.add(out.toByteArray());
        out = new ByteArrayOutputStream();
        writer = ParquetFormat.open(out, SCHEMA, compression, layout, context, pool);
        writer.stage(row);
      } else if (limit == 0) {
        writer.stage(row);
      }
      writer.commit();
    }
    writer.finish();
    parts.add(out.toByteArray());
    return new Written(parts, warnings);
  }

  /** One row object for every row, as a caller that reads into a reused buffer has. */
  private static final class ReusedRow implements Row {
    private Row current;

    Row now(Row row) {
      current = row;
      return this;
    }

    @Override
    public boolean isNull(int column) {
      return current.isNull(column);
    }

    @Override
    public String getString(int column) {
      return current.getString(column);
    }

    @Override
    public long getLong(int column) {
      return current.getLong(column);
    }

    @Override
    public boolean getBoolean(int column) {
      return current.getBoolean(column);
    }

    @Override
    public long getTimestampMicros(int column) {
      return current.getTimestampMicros(column);
    }

    @Override
    public List<String> getStringList(int column) {
      return current.getStringList(column);
    }
  }
}
