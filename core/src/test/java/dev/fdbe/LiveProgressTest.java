package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.internal.source.InMemoryRecordSource;
import dev.fdbe.schema.Row;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.spi.WriterContext;
import dev.fdbe.testing.ForwardingCursor;
import dev.fdbe.testing.LinesFormat;
import dev.fdbe.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Live progress: while rows flow, the run store gets the attempt's counts at most once a second on
 * the engine's clock, never per row, and retrieve shows them; the source's count shows as the total;
 * a retry starts both again. The clock is moved by hand from inside the writer, at chosen rows, and
 * the writer holds the export at a chosen row while the test looks.
 */
class LiveProgressTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final int ROWS = 1_000;
  /** Each row is written as its uuid and a line feed: this many bytes. */
  private static final int ROW_BYTES = 1_001;

  private final MutableClock clock = new MutableClock(NOW);
  private final RunStore memory = RunStores.inMemory();
  /** The reports the engine made, in order: records, bytes and total (-1 for null). */
  private final List<long[]> reports = new CopyOnWriteArrayList<>();
  private final Set<String> failingReports = ConcurrentHashMap.newKeySet();
  private final RunStore runStore = watched(memory);
  private final BlobStore blobStore = BlobStores.inMemory();
  private final InMemoryRecordSource source = new InMemoryRecordSource();
  private final Writers writers = new Writers();
  private final CountDownLatch paused = new CountDownLatch(1);
  private final CountDownLatch resume = new CountDownLatch(1);
  private ExportEngine engine;

  @AfterEach
  void close() {
    resume.countDown();
    if (engine != null) {
      engine.close();
    }
  }

  /** The run store, recording each progress report, and failing the ones {@link #failingReports} names. */
  private RunStore watched(RunStore store) {
    return (RunStore) Proxy.newProxyInstance(RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("reportProgress")) {
            reports.add(new long[] {(Long) args[1], (Long) args[2], args[3] == null ? -1 : (Long) args[3]});
            if (failingReports.remove(String.valueOf(reports.size()))) {
              throw new ExportException("run store failed to report progress: connection reset", true);
            }
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private void load() {
    for (int i = 0; i < ROWS; i++) {
      // 1,000 characters: rows fill the writer's 64 KiB buffer often enough that bytes reach the upload.
      String uuid = String.format("%01000d", i);
      source.add(TEAM, Model.EVENTS, Map.of("uuid", uuid, "event", "e", "timestamp", DAY.plusSeconds(i)));
    }
  }

  private RunId start(RecordSource recordSource, int maxAttempts) {
    engine = ExportEngine.builder().runStore(runStore).recordSource(recordSource).blobStore(blobStore)
        .formats(List.of(writers)).clock(clock).pollInterval(Duration.ofMillis(20))
        .leaseDuration(Duration.ofSeconds(30)).retries(maxAttempts, Duration.ZERO, Duration.ZERO).build();
    RunId id = engine.create(CALLER, ExportRequest.builder(Model.EVENTS, DAY, DAY.plus(Duration.ofDays(1)))
        .file(FileConfig.of(FileFormat.JSON_LINES)).build());
    engine.start();
    return id;
  }

  private void awaitPause() throws InterruptedException {
    assertThat(paused.await(60, TimeUnit.SECONDS)).as("the export reached the row it pauses at").isTrue();
  }

  private RunSnapshot finish(RunId id) {
    resume.countDown();
    RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60));
    assertThat(run.status()).as("error: %s", run.error()).isEqualTo(RunStatus.COMPLETED);
    return run;
  }

  @Test
  void countsAreWrittenOncePerIntervalWhileRowsFlowAndRetrieveShowsThem() throws Exception {
    load();
    writers.at(1, 300, () -> clock.advance(Duration.ofMillis(600)));
    writers.at(1, 600, () -> clock.advance(Duration.ofMillis(600)));
    writers.at(1, 601, this::pause);
    RunId id = start(source, 1);

    awaitPause();
    // The count at once; at row 300 only 600 ms had passed, at row 600 1.2 s: one write, of 600 rows.
    assertThat(reports).hasSize(2);
    assertThat(reports.get(0)).containsExactly(0, 0, ROWS);
    long[] live = reports.get(1);
    assertThat(live[0]).isEqualTo(600);
    assertThat(live[1]).as("bytes passed on to the upload, all but at most the 64 KiB buffer")
        .isGreaterThan(600L * ROW_BYTES - 64 * 1024).isLessThanOrEqualTo(600L * ROW_BYTES);
    RunSnapshot running = engine.retrieve(CALLER, id);
    assertThat(running.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(running.recordsCompleted()).isEqualTo(600);
    assertThat(running.bytesExported()).isEqualTo(live[1]);
    assertThat(running.partsCompleted()).isZero();
    assertThat(running.recordsTotal()).isEqualTo(ROWS);

    RunSnapshot done = finish(id);
    assertThat(reports).as("400 more rows on a clock that did not move: no more writes").hasSize(2);
    assertThat(done.recordsCompleted()).isEqualTo(ROWS);
    assertThat(done.recordsTotal()).isEqualTo(ROWS);
    assertThat(done.bytesExported()).isEqualTo((long) ROWS * ROW_BYTES).isEqualTo(engine.manifest(CALLER, id).bytes());
    assertThat(done.partsCompleted()).isEqualTo(1);
    assertThat(engine.logs(CALLER, id, LogQuery.builder().search("Counted").build()).items())
        .singleElement()
        .satisfies(entry -> assertThat(entry.message()).startsWith("Counted 1000 records to export in "));
  }

  @Test
  void aRetryStartsTheCountsAndTheTotalAgain() throws Exception {
    load();
    writers.at(1, 200, () -> clock.advance(Duration.ofMillis(1_100)));
    writers.at(1, 400, () -> {
      throw new ExportException("the blob store reset the connection", true);
    });
    writers.at(2, 100, () -> clock.advance(Duration.ofMillis(1_100)));
    writers.at(2, 101, this::pause);
    RunId id = start(source, 2);

    awaitPause();
    assertThat(reports).extracting(report -> report[0] + "/" + report[2])
        .containsExactly("0/1000", "200/1000", "0/1000", "100/1000");
    RunSnapshot retried = engine.retrieve(CALLER, id);
    assertThat(retried.recordsCompleted()).as("the second attempt's rows only").isEqualTo(100);
    assertThat(retried.recordsTotal()).isEqualTo(ROWS);

    RunSnapshot done = finish(id);
    assertThat(done.recordsCompleted()).isEqualTo(ROWS);
    assertThat(done.recordsTotal()).isEqualTo(ROWS);
  }

  @Test
  void aSourceThatCannotCountLeavesTheTotalUnknown() throws Exception {
    load();
    writers.at(1, 500, () -> clock.advance(Duration.ofSeconds(2)));
    writers.at(1, 501, this::pause);
    RecordSource uncounted = new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        return new ForwardingCursor(source.open(query)) {
          @Override
          public OptionalLong count() {
            return OptionalLong.empty();
          }
        };
      }

      @Override
      public String describe() {
        return "a source that cannot count";
      }
    };
    RunId id = start(uncounted, 1);

    awaitPause();
    assertThat(reports).singleElement().satisfies(report -> assertThat(report[0]).isEqualTo(500));
    RunSnapshot running = engine.retrieve(CALLER, id);
    assertThat(running.recordsCompleted()).isEqualTo(500);
    assertThat(running.recordsTotal()).isNull();

    RunSnapshot done = finish(id);
    assertThat(done.recordsCompleted()).isEqualTo(ROWS);
    assertThat(done.recordsTotal()).isNull();
  }

  @Test
  void aProgressWriteThatFailsDoesNotFailTheRun() throws Exception {
    load();
    failingReports.add("2");
    writers.at(1, 300, () -> clock.advance(Duration.ofMillis(1_100)));
    writers.at(1, 700, () -> clock.advance(Duration.ofMillis(1_100)));
    writers.at(1, 701, this::pause);
    RunId id = start(source, 1);

    awaitPause();
    assertThat(reports).extracting(report -> report[0]).containsExactly(0L, 300L, 700L);
    assertThat(engine.retrieve(CALLER, id).recordsCompleted()).as("the next interval wrote").isEqualTo(700);

    RunSnapshot done = finish(id);
    assertThat(done.recordsCompleted()).isEqualTo(ROWS);
    assertThat(memory.find(id).orElseThrow().attempts()).as("no retry").isEqualTo(1);
  }

  @Test
  void aCancelStopsACountInProgress() throws Exception {
    load();
    CountDownLatch counting = new CountDownLatch(1);
    CountDownLatch cursorCancelled = new CountDownLatch(1);
    RecordSource slowToCount = new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        return new ForwardingCursor(source.open(query)) {
          @Override
          public OptionalLong count() {
            counting.countDown();
            try {
              if (!cursorCancelled.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the count was never cancelled");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new ExportException("counting was cancelled", false);
          }

          @Override
          public void cancel() {
            cursorCancelled.countDown();
            super.cancel();
          }
        };
      }

      @Override
      public String describe() {
        return "a source slow to count";
      }
    };
    RunId id = start(slowToCount, 1);
    assertThat(counting.await(60, TimeUnit.SECONDS)).as("the attempt started counting").isTrue();

    assertThat(engine.cancel(CALLER, id).status()).isEqualTo(RunStatus.CANCELLED);

    RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60));
    assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(cursorCancelled.getCount()).as("the cancel reached the count").isZero();
    assertThat(engine.executingRuns()).isEmpty();
    assertThat(engine.logs(CALLER, id, LogQuery.NEWEST).items().get(0).message())
        .startsWith("Export cancelled by the user");
  }

  /**
   * The in-memory source, with a cursor that counts concurrently: {@code count} runs on the engine's
   * counting thread while the rows are read; {@code closed} is released when the cursor closes.
   */
  private RecordSource countingBeside(java.util.function.Supplier<OptionalLong> count, CountDownLatch closed) {
    return new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        return new ForwardingCursor(source.open(query)) {
          @Override
          public OptionalLong count() {
            return count.get();
          }

          @Override
          public boolean countsConcurrently() {
            return true;
          }

          @Override
          public void close() {
            closed.countDown();
            super.close();
          }
        };
      }

      @Override
      public String describe() {
        return "a source that counts beside the read";
      }
    };
  }

  private static void await(CountDownLatch latch, String what) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("timed out waiting until " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<String> logged(RunId id, String search) {
    return engine.logs(CALLER, id, LogQuery.builder().search(search).build()).items().stream()
        .map(RunLogEntry::message).toList();
  }

  @Test
  void aCursorThatCountsConcurrentlyCountsWhileItsRowsAreWritten() throws Exception {
    load();
    CountDownLatch rowsWritten = new CountDownLatch(1);
    writers.at(1, 500, rowsWritten::countDown);
    writers.at(1, 501, this::pause);
    RunId id = start(countingBeside(() -> {
      await(rowsWritten, "500 rows were written");
      return OptionalLong.of(ROWS);
    }, new CountDownLatch(1)), 1);

    awaitPause();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (engine.retrieve(CALLER, id).recordsTotal() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    RunSnapshot running = engine.retrieve(CALLER, id);
    assertThat(running.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(running.recordsTotal()).as("the count returned while the export held at row 501").isEqualTo(ROWS);
    assertThat(reports).as("no report before the count: it did not hold the read back")
        .allSatisfy(report -> assertThat(report[2]).isEqualTo(ROWS));

    RunSnapshot done = finish(id);
    assertThat(done.recordsTotal()).isEqualTo(ROWS);
    assertThat(logged(id, "Counted")).singleElement()
        .satisfies(message -> assertThat(message).startsWith("Counted 1000 records to export in "));
  }

  @Test
  void whenEveryRowIsReadBeforeTheCountReturnsTheRowsReadAreTheTotal() {
    load();
    CountDownLatch closed = new CountDownLatch(1);
    RunId id = start(countingBeside(() -> {
      await(closed, "the attempt closed the cursor");
      throw new ExportException("counting was cancelled", false);
    }, closed), 1);

    RunSnapshot done = finish(id);
    assertThat(done.recordsTotal()).isEqualTo(ROWS);
    assertThat(logged(id, "Counted")).containsExactly("Counted 1000 records to export (all read before the count returned)");
    assertThat(logged(id, "Could not count")).as("a count stopped by the end of the read is no failure").isEmpty();
  }

  @Test
  void aCountThatFailsBesideTheReadDoesNotFailTheRun() {
    load();
    RunId id = start(countingBeside(() -> {
      throw new ExportException("the count query timed out", true);
    }, new CountDownLatch(1)), 1);

    RunSnapshot done = finish(id);
    assertThat(memory.find(id).orElseThrow().attempts()).as("no retry").isEqualTo(1);
    assertThat(done.recordsTotal()).as("the rows read, once all were").isEqualTo(ROWS);
    assertThat(logged(id, "Could not count")).containsExactly(
        "Could not count the records to export: the count query timed out; the total shows once every record is read");
  }

  private void pause() {
    paused.countDown();
    try {
      if (!resume.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never resumed the export");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * {@link LinesFormat}, running an action after a given row of a given writer (the first attempt
   * opens writer 1, a retry writer 2) has been appended.
   */
  private static final class Writers implements FormatProvider {
    private final FormatProvider lines = new LinesFormat();
    private final AtomicInteger opened = new AtomicInteger();
    private final Map<String, Runnable> actions = new ConcurrentHashMap<>();

    void at(int writer, long row, Runnable action) {
      actions.put(writer + "/" + row, action);
    }

    @Override
    public FileFormat format() {
      return lines.format();
    }

    @Override
    public Set<Compression> compressions() {
      return lines.compressions();
    }

    @Override
    public RecordWriter open(OutputStream out, Schema schema, Compression compression, WriterContext context)
        throws IOException {
      int writer = opened.incrementAndGet();
      RecordWriter delegate = lines.open(out, schema, compression, context);
      return new RecordWriter() {
        @Override
        public long stage(Row row) throws IOException {
          return delegate.stage(row);
        }

        @Override
        public void commit() throws IOException {
          delegate.commit();
          Runnable action = actions.get(writer + "/" + delegate.records());
          if (action != null) {
            action.run();
          }
        }

        @Override
        public long records() {
          return delegate.records();
        }

        @Override
        public void finish() throws IOException {
          delegate.finish();
        }
      };
    }
  }
}
