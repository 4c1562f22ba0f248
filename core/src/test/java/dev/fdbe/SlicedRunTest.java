package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.MultipartUploads;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.testing.ForwardingCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.testing.LinesFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.fdbe.internal.RetryPolicy;
import dev.fdbe.internal.source.InMemoryRecordSource;

/** Runs cut into time slices that engines export in parallel, merged back into one run. */
class SlicedRunTest {
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");

  private final RunStore runStore = RunStores.inMemory();
  private final BlobStore blobStore = BlobStores.inMemory();
  private final InMemoryRecordSource rows = new InMemoryRecordSource();
  private final List<ExportEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(ExportEngine::close);
  }

  private ExportEngine engine(RecordSource source, Duration sliceLength, RetryPolicy retry) {
    ExportEngine.Builder builder = ExportEngine.builder().runStore(runStore).blobStore(blobStore).recordSource(source)
        .formats(List.of(new LinesFormat())).workers(3).pollInterval(Duration.ofMillis(20))
        // A lease far longer than any stall of a busy machine: two engines share the run store, and
        // a lapsed lease would let one take a slice over from the other (a second attempt).
        .leaseDuration(Duration.ofSeconds(60))
        .retries(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff());
    if (sliceLength != null) {
      builder.sliceLength(sliceLength);
    }
    ExportEngine engine = builder.build();
    engines.add(engine);
    engine.start();
    return engine;
  }

  private void load(int count) {
    for (int i = 0; i < count; i++) {
      rows.add(TEAM, Model.EVENTS, Map.of("uuid", String.format("00000000-0000-0000-0000-%012d", i), "event", "e",
          "timestamp", DAY.plusSeconds(i * 86_400L / count)));
    }
  }

  private static ExportRequest day() {
    return ExportRequest.builder(Model.EVENTS, DAY, DAY.plus(Duration.ofDays(1)))
        .file(FileConfig.of(FileFormat.JSON_LINES)).build();
  }

  private String content(ExportEngine engine, RunId id) throws IOException {
    StringBuilder all = new StringBuilder();
    for (ManifestFile file : engine.manifest(CALLER, id).files()) {
      try (InputStream in = engine.openFile(CALLER, id, file.id())) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }

  /** Fails reading the slices the predicate picks, the first {@code failures} times each is opened. */
  private RecordSource failing(Predicate<SourceQuery> which, int failures, boolean retryable, AtomicInteger opened) {
    return new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        if (which.test(query) && opened.incrementAndGet() <= failures) {
          throw new ExportException("slice source unavailable", retryable);
        }
        return rows.open(query);
      }

      @Override
      public String describe() {
        return "failing source";
      }
    };
  }

  /**
   * The rows of the cursor, after which it holds the reader until it is cancelled and then fails as
   * a cancelled read does: the slice reading it never completes unless something stops it. Gives up
   * after two minutes, so that a stop that never comes fails the test instead of hanging it.
   */
  private static RecordCursor heldAtItsEnd(RecordCursor cursor) {
    CountDownLatch cancelled = new CountDownLatch(1);
    return new ForwardingCursor(cursor) {
      @Override
      public boolean next() {
        if (cursor.next()) {
          return true;
        }
        try {
          if (!cancelled.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the held slice was never stopped");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new ExportException("reading was cancelled", false);
      }

      @Override
      public void cancel() {
        cancelled.countDown();
        cursor.cancel();
      }
    };
  }

  @Test
  void aSlicedExportEqualsTheUnslicedOne() throws IOException {
    load(500);
    // The same event again in a later slice: exported once, by the first slice, as by the whole run.
    rows.add(TEAM, Model.EVENTS, Map.of("uuid", String.format("00000000-0000-0000-0000-%012d", 0), "event", "copy",
        "timestamp", DAY.plus(Duration.ofHours(12))));
    ExportEngine plain = engine(rows, null, RetryPolicy.DEFAULT);
    ExportEngine sliced = engine(rows, Duration.ofHours(5), RetryPolicy.DEFAULT);

    RunId whole = plain.create(CALLER, day());
    RunId parts = sliced.create(CALLER, day());

    assertThat(plain.awaitTerminal(CALLER, whole, Duration.ofSeconds(60)).status()).isEqualTo(RunStatus.COMPLETED);
    RunSnapshot run = sliced.awaitTerminal(CALLER, parts, Duration.ofSeconds(60));
    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(runStore.slices(parts)).hasSize(5).allMatch(s -> s.attempts() == 1);
    assertThat(run.files()).hasSize(5);
    assertThat(run.recordsCompleted()).isEqualTo(500);
    assertThat(content(sliced, parts)).isEqualTo(content(plain, whole)).doesNotContain("\"copy\"");
    List<ManifestFile> files = sliced.manifest(CALLER, parts).files();
    assertThat(files).extracting(ManifestFile::name).isSorted().first().asString()
        .startsWith("2026-11-20T000000Z-2026-11-20T050000Z-00000");
    assertThat(sliced.logs(CALLER, parts, LogQuery.builder().search("Slice 3: exporting").build()).count())
        .isEqualTo(1);
  }

  @Test
  void slicesAreHiddenFromCallers() {
    load(10);
    ExportEngine engine = engine(rows, Duration.ofHours(12), RetryPolicy.DEFAULT);
    RunId id = engine.create(CALLER, day());
    engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60));
    RunId slice = runStore.slices(id).get(0).id();

    assertThat(engine.list(CALLER, 100, 0).items()).extracting(RunSnapshot::id).containsExactly(id);
    assertThatThrownBy(() -> engine.retrieve(CALLER, slice)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> engine.terminate(slice, "x")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aTransientFailureRetriesOnlyItsSlice() throws IOException {
    load(300);
    AtomicInteger opened = new AtomicInteger();
    Instant third = DAY.plus(Duration.ofHours(10));
    ExportEngine engine = engine(failing(q -> q.interval().start().equals(third), 1, true, opened),
        Duration.ofHours(5), new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10)));

    RunId id = engine.create(CALLER, day());
    RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60));

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.recordsCompleted()).isEqualTo(300);
    assertThat(runStore.slices(id)).extracting(RunRecord::attempts).containsExactly(1, 1, 2, 1, 1);
    assertThat(engine.logs(CALLER, id, LogQuery.builder().levels(List.of(LogLevel.WARNING)).build()).items())
        .singleElement().satisfies(e -> assertThat(e.message()).contains("slice source unavailable"));
  }

  @Test
  void aPermanentFailureOfOneSliceFailsTheRun() {
    load(300);
    Instant second = DAY.plus(Duration.ofHours(5));
    // The second slice fails as it opens; the others write all their rows and are then held until
    // stopped, so they are still running when it fails, on any machine. (Slices that completed
    // first are the next test's case.)
    RecordSource source = new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        if (query.interval().start().equals(second)) {
          throw new ExportException("slice source unavailable", false);
        }
        return heldAtItsEnd(rows.open(query));
      }

      @Override
      public String describe() {
        return "failing and held source";
      }
    };
    ExportEngine engine = engine(source, Duration.ofHours(5), RetryPolicy.DEFAULT);

    RunId id = engine.create(CALLER, day());
    RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60));

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error()).isEqualTo("slice 2 of 5 (2026-11-20T05:00:00Z to 2026-11-20T10:00:00Z): "
        + "slice source unavailable");
    assertThat(run.files()).isEmpty();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(runStore.slices(id)).allMatch(s -> s.status().isTerminal());
      assertThat(engine.executingRuns()).isEmpty();
      assertThat(blobStore.list("")).isEmpty();
      assertThat(((MultipartUploads) blobStore).abortUploads("")).as("no upload left open").isZero();
    });
  }

  @Test
  void slicesThatCompletedBeforeAnotherFailedLeaveNoFilesBehind() throws Exception {
    load(300);
    Instant second = DAY.plus(Duration.ofHours(5));
    AtomicReference<RunId> run = new AtomicReference<>();
    // The second slice fails only once every other slice has completed, so their files exist and
    // will never be listed: the run's failure must hand them to the cleanup sweep.
    RecordSource source = new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        if (query.interval().start().equals(second)) {
          await().atMost(Duration.ofSeconds(60)).until(() -> run.get() != null && runStore.slices(run.get()).stream()
              .filter(slice -> slice.sliceIndex() != 1).allMatch(slice -> slice.status() == RunStatus.COMPLETED));
          throw new ExportException("slice source unavailable", false);
        }
        return rows.open(query);
      }

      @Override
      public String describe() {
        return "late failing source";
      }
    };
    ExportEngine engine = ExportEngine.builder().runStore(runStore).blobStore(blobStore).recordSource(source)
        .formats(List.of(new LinesFormat())).workers(3).pollInterval(Duration.ofMillis(20))
        .leaseDuration(Duration.ofSeconds(60)).sliceLength(Duration.ofHours(5))
        .maintenanceInterval(Duration.ofMillis(100)).build();
    engines.add(engine);
    engine.start();

    run.set(engine.create(CALLER, day()));
    RunSnapshot failed = engine.awaitTerminal(CALLER, run.get(), Duration.ofSeconds(120));

    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(runStore.slices(run.get())).filteredOn(slice -> slice.status() == RunStatus.COMPLETED).hasSize(4);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(blobStore.list("")).as("the completed slices' files").isEmpty();
      assertThat(((MultipartUploads) blobStore).abortUploads("")).as("no upload left open").isZero();
    });
  }

  @Test
  void cancellingASlicedRunStopsItsSlices() {
    load(200);
    // Each slice reads its rows and is then held until stopped: a slice can end only by being
    // stopped, however slow or fast the machine.
    RecordSource stuck = new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        return heldAtItsEnd(rows.open(query));
      }

      @Override
      public String describe() {
        return "held source";
      }
    };
    ExportEngine engine = engine(stuck, Duration.ofHours(6), RetryPolicy.DEFAULT);
    RunId id = engine.create(CALLER, day());
    await().atMost(Duration.ofSeconds(60)).until(() -> engine.executingRuns().size() == 3);

    assertThat(engine.cancel(CALLER, id).status()).isEqualTo(RunStatus.CANCELLED);
    // The slices cannot end unless the cancel reaches them (they would stay held for minutes), so
    // any limit well below that proves it does; 30 s holds on a loaded two-core machine.
    await().atMost(Duration.ofSeconds(30)).until(() -> engine.executingRuns().isEmpty());

    assertThat(runStore.slices(id)).allMatch(s -> s.status() == RunStatus.CANCELLED);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(blobStore.list("")).isEmpty());
  }
}
