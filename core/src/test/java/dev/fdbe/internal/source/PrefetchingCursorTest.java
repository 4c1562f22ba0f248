package dev.fdbe.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Schema;
import dev.fdbe.ExportException;
import dev.fdbe.internal.json.Utf8Row;
import dev.fdbe.spi.RecordCursor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The source is read ahead on its own thread, and nothing about the rows, failures or stopping changes. */
class PrefetchingCursorTest {
  private static final Schema SCHEMA = Schema.of(Column.required("id", ColumnType.INT64),
      Column.optional("name", ColumnType.STRING), Column.optional("at", ColumnType.TIMESTAMP),
      Column.optional("flag", ColumnType.BOOLEAN), Column.optional("tags", ColumnType.STRING_LIST),
      Column.optional("doc", ColumnType.JSON));

  @Test
  void deliversEveryRowInOrderWithEveryValueAndReadsOnItsOwnThread() {
    FakeSource source = new FakeSource(1_000, -1);
    List<String> seen = new ArrayList<>();
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", 7, 3)) {
      while (cursor.next()) {
        seen.add(describe(cursor));
      }
      assertThat(cursor.next()).isFalse();
    }
    List<String> expected = new ArrayList<>();
    FakeSource again = new FakeSource(1_000, -1);
    while (again.next()) {
      expected.add(describe(again));
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(source.threads).containsOnly("reader-test");
    assertThat(source.closed).isTrue();
  }

  @Test
  void aFailureArrivesAfterTheRowsReadBeforeItAsTheSameException() {
    FakeSource source = new FakeSource(1_000, 123);
    java.util.concurrent.atomic.AtomicLong rows = new java.util.concurrent.atomic.AtomicLong();
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", 50, 2)) {
      assertThatThrownBy(() -> {
        while (cursor.next()) {
          assertThat(cursor.getLong(0)).isEqualTo(rows.getAndIncrement());
        }
      }).isSameAs(source.failure);
    }
    assertThat(rows.get()).as("every row read before the failure arrived first").isEqualTo(123);
    assertThat(source.failure.isRetryable()).isTrue();
    assertThat(source.closed).isTrue();
  }

  @Test
  void cancelStopsAWaitingNextAndTheSource() throws Exception {
    FakeSource source = new FakeSource(Long.MAX_VALUE, -1);
    source.blockAfter = 10;
    PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", 100, 2);
    Thread canceller = new Thread(() -> {
      try {
        assertThat(source.blocked.await(60, TimeUnit.SECONDS)).isTrue();
        cursor.cancel();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    canceller.start();
    long started = System.nanoTime();
    assertThatThrownBy(() -> {
      while (cursor.next()) {
        // the ten rows before the source blocks may or may not arrive first
      }
    }).isExactlyInstanceOf(ExportException.class).hasMessageContaining("cancelled");
    // Without the cancel, next() would wait forever for a source that never returns; 30 s proves it
    // returned because of the cancel, with room for a loaded two-core machine (the source spins).
    assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(30));
    cursor.close();
    canceller.join();
    assertThat(source.cancelled).isTrue();
    assertThat(source.closed).isTrue();
  }

  @Test
  void anInterruptedWriterFailsRetryablyAndStaysInterrupted() throws Exception {
    FakeSource source = new FakeSource(Long.MAX_VALUE, -1);
    source.blockAfter = 10;
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", 100, 2)) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicBoolean stillInterrupted = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        try {
          while (cursor.next()) {
            // the ten rows before the source blocks may or may not arrive first
          }
        } catch (RuntimeException e) {
          thrown.set(e);
          stillInterrupted.set(Thread.currentThread().isInterrupted());
        }
      }, "writer-test");
      writer.start();
      assertThat(source.blocked.await(30, TimeUnit.SECONDS)).isTrue();
      writer.interrupt();
      writer.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(writer.isAlive()).isFalse();
      assertThat(thrown.get()).isInstanceOf(ExportException.class).hasMessageContaining("interrupted");
      assertThat(((ExportException) thrown.get()).isRetryable()).isTrue();
      assertThat(stillInterrupted).isTrue();
    }
  }

  @Test
  void closeMidStreamStopsTheReaderAndClosesTheSource() {
    FakeSource source = new FakeSource(1_000_000, -1);
    PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", 16, 2);
    assertThat(cursor.next()).isTrue();
    cursor.close();
    assertThat(source.closed).isTrue();
    assertThat(source.delivered).as("the reader stayed a few batches ahead, no more").isLessThan(200);
    cursor.close();
  }

  @Test
  void wideRowsCloseABatchEarlySoTheReadAheadStaysBoundedInBytes() throws Exception {
    FakeSource source = new FakeSource(1_000_000, -1);
    source.width = 100_000; // text values of 100,000 characters: a batch of 256 rows would hold 25 MB or more
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", 256, 3)) {
      assertThat(cursor.next()).isTrue();
      assertThat(cursor.getLong(0)).isZero();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long seen = -1;
      // Wait until the reader has stopped for lack of free batches: the count holds still for a while.
      while (System.nanoTime() < deadline) {
        long now = source.delivered;
        if (now == seen && now > 3) {
          break;
        }
        seen = now;
        Thread.sleep(200);
      }
      // Three batches closed at 256 Ki characters each hold a few rows; by rows alone they would hold 768.
      assertThat(source.delivered).isGreaterThan(3).isLessThan(60);
    }
  }

  /**
   * Strings the engine's own cursor holds as their exact UTF-8 bytes (the COPY's ASCII text) are
   * handed on as those bytes, the others as text; a null after a value and an empty string stay
   * what they are; and the bytes count towards a batch's bound as characters do.
   */
  @Test
  void stringsTheEnginesCursorHoldsAsBytesAreHandedOnAsBytes() throws Exception {
    try (PrefetchingCursor cursor = PrefetchingCursor.start(new BytesCursor(400, 0), BytesCursor.SCHEMA,
        "bytes-test", 7, 3)) {
      for (int row = 0; cursor.next(); row++) {
        String expected = BytesCursor.value(row, 0);
        if (expected == null) {
          assertThat(cursor.isNull(0)).as("row %d", row).isTrue();
          assertThat(cursor.stringUtf8(0)).as("row %d", row).isNull();
          continue;
        }
        assertThat(cursor.isNull(0)).as("row %d", row).isFalse();
        assertThat(cursor.getString(0)).as("row %d", row).isEqualTo(expected);
        byte[] bytes = cursor.stringUtf8(0);
        if (BytesCursor.isAscii(expected)) {
          assertThat(bytes).as("row %d", row).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
        } else {
          assertThat(bytes).as("row %d, not ASCII", row).isNull();
        }
        assertThat(cursor.certifiedJson(0)).as("a string is no certified JSON, row %d", row).isNull();
      }
    }

    BytesCursor wide = new BytesCursor(1_000_000, 100_000); // ASCII values of 100,000 bytes
    try (PrefetchingCursor cursor = PrefetchingCursor.start(wide, BytesCursor.SCHEMA, "bytes-test", 256, 3)) {
      assertThat(cursor.next()).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long seen = -1;
      while (System.nanoTime() < deadline) { // until the reader stops for lack of free batches
        long now = wide.delivered;
        if (now == seen && now > 3) {
          break;
        }
        seen = now;
        Thread.sleep(200);
      }
      assertThat(wide.delivered).as("rows read ahead, bytes counted").isGreaterThan(3).isLessThan(60);
    }
  }

  @Test
  void aBatchReadToItsEndKeepsNoneOfItsValuesAlive() throws Exception {
    FakeSource source = new FakeSource(3, -1);
    source.handedOut = new java.util.concurrent.ConcurrentHashMap<>();
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", 1, 4)) {
      assertThat(cursor.next()).isTrue();
      assertThat(cursor.next()).isTrue();
      assertThat(cursor.getString(1)).isEqualTo("name-1");
      assertThat(cursor.next()).as("row 2; row 1's batch is back with the reader, which has no rows left").isTrue();
      assertThat(source.handedOut.get(1L)).as("row 1's text values").isNotEmpty();
      // A full collection clears every weak reference to what is no longer reachable; a few, in case
      // the reading thread had not yet put row 1's batch back when the first one ran.
      for (int i = 0; i < 10 && source.handedOut.get(1L).stream().anyMatch(r -> r.get() != null); i++) {
        System.gc();
        Thread.sleep(10);
      }
      assertThat(source.handedOut.get(1L)).as("row 1's values, once its batch is read").allMatch(r -> r.get() == null);
      assertThat(cursor.getString(1)).as("the current row's are kept").isEqualTo("name-2");
    }
  }

  @Test
  void theReadingThreadCertifiesOnlyValidJsonAndNeverTakesTheSourcesWord() {
    FakeSource source = new FakeSource(3_000, -1);
    source.mixedJson = true;
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", 16, 3)) {
      for (long row = 0; cursor.next(); row++) {
        String text = row % 7 == 0 ? null : mixedJson(row);
        byte[] bytes = cursor.certifiedJson(5);
        if (bytes != null) {
          // Whether the reading thread checked this row's batch depends on how far ahead it was.
          assertThat(isCertifiedByTheFastCheck(row)).as("row %d certified", row).isTrue();
          assertThat(bytes).as("row %d", row).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(cursor.isNull(5) ? null : cursor.getString(5)).as("row %d", row).isEqualTo(text);
        assertThat(cursor.certifiedJson(1)).as("a STRING column holding JSON text, row %d", row).isNull();
        assertThat(cursor.stringUtf8(1)).as("the source's claimed bytes of a string, row %d", row).isNull();
      }
    }
  }

  @Test
  void theReadingThreadChecksJsonTextOnlyWhileHalfTheBatchesWaitForTheWriter() throws Exception {
    FakeSource source = new FakeSource(3_000, -1);
    source.mixedJson = true;
    int batchRows = 5;
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", batchRows, 4)) {
      // The writer takes nothing until the reader has filled all four batches: it started the first
      // two with fewer than two waiting (the writer keeping up), the last two with two and three.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (source.delivered < 4 * batchRows && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(source.delivered).as("rows the reader took before it ran out of batches").isEqualTo(4 * batchRows);
      for (long row = 0; row < 4 * batchRows; row++) {
        assertThat(cursor.next()).isTrue();
        String text = row % 7 == 0 ? null : mixedJson(row);
        byte[] bytes = cursor.certifiedJson(5);
        if (row >= 2 * batchRows && isCertifiedByTheFastCheck(row)) {
          assertThat(bytes).as("row %d, in a batch started behind two", row)
              .isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        } else {
          assertThat(bytes).as("row %d", row).isNull();
        }
        assertThat(cursor.isNull(5) ? null : cursor.getString(5)).as("row %d", row).isEqualTo(text);
      }
    }
  }

  @Test
  void aWriterThatFoundNoRowsLatelyKeepsTheJsonCheckEvenWhileBatchesPileUp() throws Exception {
    FakeSource source = new FakeSource(3_000, -1);
    source.mixedJson = true;
    source.gate = new CountDownLatch(1);
    int batchRows = 5;
    // A minute: far longer than the test, so that the writer's wait below counts for all of it.
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", batchRows, 4,
        Duration.ofMillis(1), Duration.ofMinutes(1))) {
      AtomicBoolean gotRow = new AtomicBoolean();
      Thread writer = new Thread(() -> gotRow.set(cursor.next()), "writer-test");
      writer.start();
      awaitSleeping(writer);
      source.gate.countDown();
      writer.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(writer.isAlive()).as("the writer has row 0").isFalse();
      assertThat(gotRow).isTrue();
      // The writer holds row 0's batch and takes nothing more: the reader fills the other three, the
      // last of them started with two waiting, which alone would have it check that batch's JSON.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (source.delivered < 4 * batchRows && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(source.delivered).as("rows the reader took before it ran out of batches").isEqualTo(4 * batchRows);
      long certified = 0;
      for (long row = 0; row < 4 * batchRows; row++) {
        assertThat(row == 0 || cursor.next()).isTrue();
        String text = row % 7 == 0 ? null : mixedJson(row);
        certified += cursor.certifiedJson(5) == null ? 0 : 1;
        assertThat(cursor.isNull(5) ? null : cursor.getString(5)).as("row %d", row).isEqualTo(text);
      }
      assertThat(certified).as("JSON values the reading thread checked").isZero();
    }
  }

  @Test
  void aSleepingWriterIsWokenByAnEighthOfTheBatchesOrByTheEndNotByEveryBatch() throws Exception {
    FakeSource source = new FakeSource(45, -1);
    source.gate = new CountDownLatch(1);
    source.pauseAfter = 30;
    int batchRows = 10;
    // 32 batches: the writer is woken by 4 waiting; it would otherwise sleep a minute, far longer
    // than any wait below, so that only a wake-up can end its sleep.
    try (PrefetchingCursor cursor = PrefetchingCursor.start(source, SCHEMA, "reader-test", batchRows, 32,
        Duration.ofMinutes(1))) {
      CountDownLatch firstRow = new CountDownLatch(1);
      List<Long> rows = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread writer = new Thread(() -> {
        while (cursor.next()) {
          rows.add(cursor.getLong(0));
          firstRow.countDown();
        }
      }, "writer-test");
      writer.start();
      awaitSleeping(writer);
      source.gate.countDown();
      assertThat(source.paused.await(30, TimeUnit.SECONDS)).isTrue();
      // Three batches (rows 0-29) wait; the reader is held in the source before the fourth is full.
      assertThat(firstRow.await(300, TimeUnit.MILLISECONDS)).as("woken by fewer than four batches").isFalse();
      long resumed = System.nanoTime();
      source.resume.countDown();
      assertThat(firstRow.await(30, TimeUnit.SECONDS)).as("woken by the fourth batch").isTrue();
      writer.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(writer.isAlive()).as("woken by the end, after the last five rows").isFalse();
      assertThat(System.nanoTime() - resumed).isLessThan(TimeUnit.SECONDS.toNanos(30));
      assertThat(rows).hasSize(45).isSorted();
      assertThat(rows.get(44)).isEqualTo(44L);
    }
  }

  /** Waits up to 30 s for the writer to sleep for batches, as it does while none is read. */
  private static void awaitSleeping(Thread writer) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (writer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(writer.getState()).as("the writer sleeps for batches before any is read")
        .isEqualTo(Thread.State.TIMED_WAITING);
  }

  /**
   * Row 0 mod 5 of a mixed source holds a valid document on one line, which the fast check
   * certifies; every seventh value is null.
   */
  private static boolean isCertifiedByTheFastCheck(long row) {
    return row % 7 != 0 && row % 5 == 0;
  }

  /** The JSON value of a mixed source's row, see {@link FakeSource#mixedJson}. */
  private static String mixedJson(long row) {
    return switch ((int) (row % 5)) {
      case 0 -> "{\"n\":" + row + "}";
      case 1 -> "{\"n\":" + row;
      case 2 -> "[".repeat(100) + row + "]".repeat(100);
      case 3 -> "{\"n\":\r\n" + row + "}";
      default -> "{\"s\":\"x\uD800" + row + "\"}";
    };
  }

  private static String describe(RecordCursor row) {
    List<Object> values = new ArrayList<>();
    values.add(row.getLong(0));
    values.add(row.isNull(1) ? null : row.getString(1));
    values.add(row.isNull(2) ? null : row.getTimestampMicros(2));
    values.add(row.isNull(3) ? null : row.getBoolean(3));
    values.add(row.isNull(4) ? null : row.getStringList(4));
    values.add(row.isNull(5) ? null : row.getString(5));
    return values.toString();
  }

  /**
   * The engine's own kind of cursor with one STRING column, holding an ASCII value as its bytes as
   * the COPY does: by row mod 4 an ASCII value, a non-ASCII one, null, and the empty string; or,
   * with a width, ASCII values of that many bytes.
   */
  private static final class BytesCursor extends SourceCursor {
    static final Schema SCHEMA = Schema.of(Column.optional("name", ColumnType.STRING));
    private static final dev.fdbe.spi.SourceQuery QUERY = new dev.fdbe.spi.SourceQuery(dev.fdbe.TeamId.of(1),
        dev.fdbe.Model.PERSONS, new dev.fdbe.TimeRange(java.time.Instant.EPOCH, java.time.Instant.EPOCH.plusSeconds(1)),
        List.of(), List.of());
    private static final SourceSql SQL = SourceSql.of(dev.fdbe.internal.store.Dialect.H2, QUERY, "persons", "created_at");

    final long count;
    final int width;
    volatile long delivered;
    long row = -1;

    BytesCursor(long count, int width) {
      super(1, -1, new SourceCount(dev.fdbe.RunStores.h2DataSource("jdbc:h2:mem:bytes-test"),
          dev.fdbe.internal.store.Dialect.H2, SQL, "persons", 100), SQL, "persons");
      this.count = count;
      this.width = width;
    }

    static @Nullable String value(long row, int width) {
      if (width > 0) {
        return "w".repeat(width);
      }
      return switch ((int) (row % 4)) {
        case 0 -> "name-" + row + " \"quoted\"";
        case 1 -> "ünïcödé-" + row;
        case 2 -> null;
        default -> "";
      };
    }

    static boolean isAscii(String text) {
      return text.chars().allMatch(c -> c < 128);
    }

    @Override
    public boolean next() {
      if (++row >= count) {
        return false;
      }
      String text = value(row, width);
      nulls[0] = text == null;
      boolean ascii = text != null && isAscii(text);
      utf8[0] = ascii ? text.getBytes(StandardCharsets.UTF_8) : null;
      strings[0] = ascii ? null : text;
      delivered = row + 1;
      return true;
    }

    @Override
    protected @Nullable UuidCopies listCopies() {
      return null;
    }

    @Override
    public void cancel() {
      counter.stop();
    }

    @Override
    public void close() {
      counter.stop();
    }
  }

  /** Rows 0..count-1 with every type and nulls, failing before row {@code failAt} when it is not negative. */
  private static final class FakeSource implements RecordCursor, Utf8Row {
    final long count;
    final long failAt;
    final ExportException failure = new ExportException("the database went away", true);
    final CountDownLatch blocked = new CountDownLatch(1);
    final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile long blockAfter = -1;
    /** When set, the first row waits for it to open. */
    volatile @Nullable CountDownLatch gate;
    /** The row before which the source pauses (counting {@link #paused} down) until {@link #resume} opens. */
    volatile long pauseAfter = -1;
    final CountDownLatch paused = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    /** The length of the text values, or 0 for short ones. */
    volatile int width;
    /**
     * Whether the JSON values are, by row mod 5, valid, invalid, valid but nested deeper than the
     * fast check goes, valid on two lines, or valid with a lone surrogate (which Java encodes as
     * {@code ?}); and the STRING values a JSON document. The source claims every JSON value
     * certified, which the reading cursor must not take on trust.
     */
    volatile boolean mixedJson;
    /** When set, the text values handed out, by row, held weakly. */
    volatile java.util.@Nullable Map<Long, List<java.lang.ref.WeakReference<Object>>> handedOut;
    volatile boolean cancelled;
    volatile boolean closed;
    volatile long delivered;
    long row = -1;

    FakeSource(long count, long failAt) {
      this.count = count;
      this.failAt = failAt;
    }

    @Override
    public boolean next() {
      if (!threads.contains(Thread.currentThread().getName())) {
        threads.add(Thread.currentThread().getName());
      }
      CountDownLatch gate = this.gate;
      if (gate != null && row == -1) {
        await(gate);
      }
      if (pauseAfter >= 0 && row + 1 == pauseAfter) {
        paused.countDown();
        await(resume);
      }
      if (blockAfter >= 0 && row + 1 == blockAfter) {
        blocked.countDown();
        while (!cancelled) {
          Thread.onSpinWait();
        }
        throw new ExportException("reading was cancelled", false);
      }
      if (row + 1 == failAt) {
        throw failure;
      }
      if (row + 1 >= count) {
        return false;
      }
      row++;
      delivered = row + 1;
      return true;
    }

    private static void await(CountDownLatch latch) {
      try {
        if (!latch.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never opened the source's latch");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public boolean isNull(int column) {
      return column > 0 && row % (column + 2) == 0;
    }

    @Override
    public String getString(int column) {
      if (width > 0) {
        return column == 1 ? "n".repeat(width) : "\"" + "j".repeat(width - 2) + "\"";
      }
      if (mixedJson) {
        return column == 1 ? "{\"s\":" + row + "}" : mixedJson(row);
      }
      return handOut(column == 1 ? "name-" + row : "{\"n\":" + row + "}");
    }

    private <T> T handOut(T value) {
      var out = handedOut;
      if (out != null) {
        out.computeIfAbsent(row, r -> new java.util.concurrent.CopyOnWriteArrayList<>())
            .add(new java.lang.ref.WeakReference<>(value));
      }
      return value;
    }

    @Override
    public long getLong(int column) {
      return row;
    }

    @Override
    public boolean getBoolean(int column) {
      return row % 2 == 1;
    }

    @Override
    public long getTimestampMicros(int column) {
      return -5_000_000L + row * 1_234_567L;
    }

    @Override
    public List<String> getStringList(int column) {
      return Arrays.asList(handOut("a" + row), null);
    }

    @Override
    public byte @Nullable [] certifiedJson(int column) {
      return mixedJson && !isNull(column) ? getString(column).getBytes(StandardCharsets.UTF_8) : null;
    }

    @Override
    public byte @Nullable [] stringUtf8(int column) {
      return mixedJson && !isNull(column) ? getString(column).getBytes(StandardCharsets.UTF_8) : null;
    }
  }
}
