package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.internal.source.InMemoryRecordSource;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.testing.ForwardingCursor;
import dev.fdbe.testing.LinesFormat;
import dev.fdbe.testing.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The facade's rules, on in-memory stores with a hand-moved clock. */
class ExportEngineTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Instant DAY_START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant DAY_END = Instant.parse("2026-11-21T00:00:00Z");
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller ALL = Caller.of(TEAM, Scope.ALL);
  private static final Caller READER = Caller.of(TEAM, Scope.READ);
  private static final Caller WRITER = Caller.of(TEAM, Scope.WRITE);
  private static final Caller STRANGER = Caller.of(TeamId.of(2), Scope.ALL);

  private final MutableClock clock = new MutableClock(NOW);
  private final RunStore runStore = RunStores.inMemory();
  private final BlobStore blobStore = BlobStores.inMemory();
  private final InMemoryRecordSource source = new InMemoryRecordSource();
  private ExportEngine engine;

  @BeforeEach
  void createEngine() {
    engine = ExportEngine.builder()
        .runStore(runStore)
        .recordSource(source)
        .blobStore(blobStore)
        .formats(List.of(new LinesFormat()))
        .clock(clock)
        .pollInterval(Duration.ofMillis(20))
        .leaseDuration(Duration.ofSeconds(30))
        .build();
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  static Map<String, Object> event(String name, Instant timestamp) {
    return Map.of("uuid", UUID.randomUUID().toString(), "event", name, "timestamp", timestamp);
  }

  private static ExportRequest.Builder jsonLines(Instant start, Instant end) {
    return ExportRequest.builder(Model.EVENTS, start, end).file(FileConfig.of(FileFormat.JSON_LINES));
  }

  private static ExportRequest day() {
    return jsonLines(DAY_START, DAY_END).build();
  }

  /** What a test does around each call of the run store; {@code call} makes the call itself. */
  @FunctionalInterface
  interface Around {
    Object call(java.lang.reflect.Method method, Object[] args, Call call) throws Throwable;
  }

  /** The run store's call, throwing what the store threw. */
  @FunctionalInterface
  interface Call {
    Object call() throws Throwable;
  }

  /** The test's run store with {@code around} wrapped about each of its calls. */
  private RunStore around(Around around) {
    return (RunStore) java.lang.reflect.Proxy.newProxyInstance(RunStore.class.getClassLoader(),
        new Class<?>[] {RunStore.class}, (proxy, method, args) -> around.call(method, args, () -> {
          try {
            return method.invoke(runStore, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        }));
  }

  private RunSnapshot runToEnd(RunId id) {
    engine.start();
    RunSnapshot run = engine.awaitTerminal(ALL, id, Duration.ofSeconds(60));
    assertThat(run.status().isTerminal()).as("run ended: %s", run).isTrue();
    return run;
  }

  @Test
  void awaitTerminalReturnsOnlyOnceTheRunsLastLogLineIsWritten() {
    // A run store that is slow to store the completion line: the worker commits Completed, then
    // takes 300 ms to write that line.
    RunStore slowToLog = around((method, args, call) -> {
      if (method.getName().equals("appendLog") && String.valueOf(args[3]).startsWith("Export completed")) {
        Thread.sleep(300);
      }
      return call.call();
    });
    source.add(TEAM, Model.EVENTS, event("$pageview", DAY_START));
    try (ExportEngine slow = ExportEngine.builder().runStore(slowToLog).recordSource(source).blobStore(blobStore)
        .formats(List.of(new LinesFormat())).clock(clock).pollInterval(Duration.ofMillis(20)).build()) {
      RunId id = slow.create(ALL, day());
      slow.start();

      RunSnapshot run = slow.awaitTerminal(ALL, id, Duration.ofSeconds(60));

      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(slow.logs(ALL, id, LogQuery.NEWEST).items().get(0).message()).startsWith("Export completed");
    }
  }

  @Test
  void aCompletedRunKeepsItsFilesWhenCleaningUpAfterItFailsOrTheCompletionsReplyIsLost() throws Exception {
    // First store: marking the run cleaned fails once. Second: the completion lands, but its caller
    // sees a failure (a reply lost on the way back). Third: the same, and reading the run right after
    // fails too, so the engine cannot tell whether the run completed.
    for (String failing : List.of("markCleaned", "complete", "complete find")) {
      AtomicInteger failures = new AtomicInteger();
      java.util.concurrent.atomic.AtomicBoolean failFind = new java.util.concurrent.atomic.AtomicBoolean();
      RunStore flaky = around((method, args, call) -> {
        if (method.getName().equals("find") && failFind.getAndSet(false)) {
          throw new ExportException("the run store went away again", true);
        }
        Object result = call.call();
        if (failing.startsWith(method.getName()) && failures.getAndIncrement() == 0) {
          failFind.set(failing.endsWith("find"));
          throw new ExportException("the run store went away", true);
        }
        return result;
      });
      source.add(TEAM, Model.EVENTS, event("$pageview", DAY_START));
      try (ExportEngine exporting = ExportEngine.builder().runStore(flaky).recordSource(source).blobStore(blobStore)
          .formats(List.of(new LinesFormat())).clock(clock).pollInterval(Duration.ofMillis(20))
          .retries(3, Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
        RunId id = exporting.create(ALL, day());
        exporting.start();
        RunSnapshot run = exporting.awaitTerminal(ALL, id, Duration.ofSeconds(60));

        assertThat(failures.get()).as(failing).isPositive();
        assertThat(run.status()).as(failing).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.files()).as(failing).isNotEmpty();
        try (InputStream in = exporting.openFile(ALL, id, 0)) {
          assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).as(failing).isNotBlank();
        }
      }
    }
  }

  @Test
  void awaitTerminalWaitsForTheWorkersHereInsteadOfPollingTheRunStore() throws Exception {
    // The reader holds its first row until the test lets it go; meanwhile a caller awaits the run.
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger finds = new AtomicInteger();
    RunStore counted = around((method, args, call) -> {
      if (method.getName().equals("find")) {
        finds.incrementAndGet();
      }
      return call.call();
    });
    RecordSource holding = new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        return new ForwardingCursor(source.open(query)) {
          @Override
          public boolean next() {
            held.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return super.next();
          }
        };
      }

      @Override
      public String describe() {
        return "held in-memory source";
      }
    };
    source.add(TEAM, Model.EVENTS, event("$pageview", DAY_START));
    try (ExportEngine here = ExportEngine.builder().runStore(counted).recordSource(holding).blobStore(blobStore)
        .formats(List.of(new LinesFormat())).clock(clock).pollInterval(Duration.ofMillis(20)).build()) {
      RunId id = here.create(ALL, day());
      here.start();
      assertThat(held.await(60, TimeUnit.SECONDS)).as("the run started here").isTrue();
      CompletableFuture<RunSnapshot> awaited =
          CompletableFuture.supplyAsync(() -> here.awaitTerminal(ALL, id, Duration.ofSeconds(60)));
      Thread.sleep(1_500);
      int whileHeld = finds.get();
      release.countDown();

      RunSnapshot run = awaited.get(60, TimeUnit.SECONDS);

      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
      // Polling every 50 ms would have read the run about 30 times in 1.5 s; waiting for the worker
      // reads it when the wait starts and once a second after.
      assertThat(whileHeld).as("reads of the run store while the worker held the run").isBetween(1, 3);
    }
  }

  // ---------------------------------------------------------------- create

  @Test
  void createdRunIsStartingBeforeAnyWorkerRuns() {
    RunId id = engine.create(ALL, day());

    RunSnapshot run = engine.retrieve(ALL, id);
    assertThat(run.status()).isEqualTo(RunStatus.STARTING);
    assertThat(run.files()).isEmpty();
    assertThat(run.error()).isNull();
    assertThat(run.createdAt()).isEqualTo(NOW);
    assertThat(engine.list(ALL, 100, 0).items()).extracting(RunSnapshot::id).containsExactly(id);
  }

  @Test
  void everyValidationRuleHasTheApiMessage() {
    assertInvalid(() -> jsonLines(DAY_END, DAY_START).build(), "data_interval_end",
        "'data_interval_end' must occur after 'data_interval_start'");
    assertInvalid(() -> jsonLines(DAY_START, DAY_START).build(), "data_interval_end",
        "'data_interval_end' must occur after 'data_interval_start'");
    assertInvalid(() -> jsonLines(DAY_START, DAY_START.plus(Duration.ofDays(7)).plusNanos(1000)).build(),
        "data_interval_end", "data interval range too big");
    Instant future = NOW.plusSeconds(1);
    assertInvalid(() -> jsonLines(NOW.minusSeconds(60), future).build(), "data_interval_end",
        "The provided 'data_interval_end' (" + future + ") is in the future");
    assertInvalid(() -> ExportRequest.builder(Model.PERSONS, DAY_START, DAY_END).file(FileConfig.of(FileFormat.JSON_LINES))
        .include(List.of("$pageview")).build(), "include", "'include' can only be used with model 'events', not 'persons'");
    assertInvalid(() -> ExportRequest.builder(Model.SESSIONS, DAY_START, DAY_END).file(FileConfig.of(FileFormat.JSON_LINES))
        .exclude(List.of("$pageview")).build(), "exclude", "'exclude' can only be used with model 'events', not 'sessions'");
    assertInvalid(() -> jsonLines(DAY_START, DAY_END).include(List.of(" ")).build(), "include",
        "'include' must hold non-empty event names");
    assertInvalid(() -> ExportRequest.builder(Model.EVENTS, DAY_START, DAY_END)
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, -1)).build(), "file",
        "'max_size_mb' must be null, 0 or a positive number of MiB, got -1");
    assertInvalid(() -> ExportRequest.builder(Model.EVENTS, DAY_START, DAY_END)
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 2_000_000)).build(), "file",
        "'max_size_mb' must be at most 1048576 (1 TiB), got 2000000");
    assertThatThrownBy(() -> engine.create(ALL, ExportRequest.builder(Model.EVENTS, DAY_START, DAY_END).build()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("file format 'Parquet' is not available");
    assertThatThrownBy(() -> engine.create(ALL, ExportRequest.builder(Model.EVENTS, DAY_START, DAY_END)
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.ZSTD, 0)).build()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("compression 'zstd' is not available for format 'JSONLines'");
    assertThat(engine.list(ALL, 100, 0).count()).as("nothing was stored").isZero();
  }

  @Test
  void boundariesThatAreAllowed() {
    engine.create(ALL, jsonLines(DAY_START, DAY_START.plus(Duration.ofDays(7))).build());
    engine.create(ALL, jsonLines(NOW.minusSeconds(60), NOW).build());
    engine.create(ALL, jsonLines(DAY_START, DAY_START.plusNanos(1000)).build());

    assertThat(engine.list(ALL, 100, 0).count()).isEqualTo(3);
  }

  /**
   * Making the request and creating the run fail with the API's message and field: a rule that needs
   * nothing but the request's values fails as they are made, the others in {@code create}.
   */
  private void assertInvalid(Supplier<ExportRequest> request, String attr, String message) {
    assertThatThrownBy(() -> engine.create(ALL, request.get()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.getMessage()).isEqualTo(message);
          assertThat(e.attr()).isEqualTo(attr);
        });
  }

  @Test
  void intervalIsKeptWithMicrosecondPrecision() {
    RunId id = engine.create(ALL, jsonLines(Instant.parse("2026-11-20T00:00:00.123456789Z"), DAY_END).build());

    assertThat(engine.retrieve(ALL, id).request().dataInterval().start()).isEqualTo("2026-11-20T00:00:00.123456Z");
  }

  @Test
  void teamLimitRefusesTheEleventhActiveRun() {
    for (int i = 0; i < ExportEngine.DEFAULT_MAX_ACTIVE_RUNS_PER_TEAM; i++) {
      engine.create(ALL, day());
    }

    assertThatThrownBy(() -> engine.create(ALL, day())).isInstanceOf(TooManyRunsException.class);
    engine.create(STRANGER, day());
    RunId first = engine.list(ALL, 100, 0).items().get(0).id();
    engine.cancel(ALL, first);
    engine.create(ALL, day());
  }

  // ---------------------------------------------------------------- callers

  @Test
  void missingScopesAreDenied() {
    RunId id = engine.create(ALL, day());

    assertThatThrownBy(() -> engine.create(READER, day()))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessage("API key missing required scope 'batch_export:write'");
    assertThatThrownBy(() -> engine.cancel(READER, id)).isInstanceOf(PermissionDeniedException.class);
    for (Runnable call : List.<Runnable>of(
        () -> engine.retrieve(WRITER, id),
        () -> engine.list(WRITER, 100, 0),
        () -> engine.logs(WRITER, id, LogQuery.NEWEST),
        () -> engine.download(WRITER, id, 0),
        () -> engine.manifest(WRITER, id))) {
      assertThatThrownBy(call::run)
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessage("API key missing required scope 'batch_export:read'");
    }
    assertThat(engine.retrieve(READER, id).id()).isEqualTo(id);
    assertThat(engine.cancel(WRITER, id).status()).isEqualTo(RunStatus.CANCELLED);
  }

  @Test
  void anotherTeamsRunIsNotFound() {
    RunId id = engine.create(ALL, day());

    for (Runnable call : List.<Runnable>of(
        () -> engine.retrieve(STRANGER, id),
        () -> engine.cancel(STRANGER, id),
        () -> engine.logs(STRANGER, id, LogQuery.NEWEST),
        () -> engine.download(STRANGER, id, 0),
        () -> engine.manifest(STRANGER, id),
        () -> engine.retrieve(ALL, RunId.random()))) {
      assertThatThrownBy(call::run).isInstanceOf(NotFoundException.class);
    }
    assertThat(engine.list(STRANGER, 100, 0).count()).isZero();
    assertThat(engine.retrieve(ALL, id).status()).isEqualTo(RunStatus.STARTING);
  }

  // ---------------------------------------------------------------- list

  @Test
  void listPagesNewestFirst() {
    RunId older = engine.create(ALL, day());
    clock.advance(Duration.ofSeconds(1));
    RunId newer = engine.create(ALL, day());

    Page<RunSnapshot> first = engine.list(ALL, 1, 0);
    Page<RunSnapshot> second = engine.list(ALL, 1, 1);

    assertThat(first.items()).extracting(RunSnapshot::id).containsExactly(newer);
    assertThat(first.count()).isEqualTo(2);
    assertThat(first.hasNext()).isTrue();
    assertThat(second.items()).extracting(RunSnapshot::id).containsExactly(older);
    assertThat(second.hasNext()).isFalse();
    assertThat(second.hasPrevious()).isTrue();
    assertThat(engine.list(ALL, 5000, 0).limit()).isEqualTo(ExportEngine.MAX_PAGE_LIMIT);
    assertThatThrownBy(() -> engine.list(ALL, -1, 0)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'limit'");
    assertThatThrownBy(() -> engine.list(ALL, 1, -1)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'offset'");
  }

  // ---------------------------------------------------------------- cancel and terminate

  @Test
  void cancelOnlyStartingOrRunningRuns() {
    RunId id = engine.create(ALL, day());

    RunSnapshot cancelled = engine.cancel(ALL, id);

    assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(cancelled.error()).isNull();
    assertThat(cancelled.files()).isEmpty();
    assertThatThrownBy(() -> engine.cancel(ALL, id))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("Cannot cancel a run that is in 'Cancelled' status");
    assertThat(engine.logs(ALL, id, LogQuery.NEWEST).items()).extracting(RunLogEntry::message)
        .contains("Cancellation requested by the user");
  }

  @Test
  void cancellingACompletedRunIsRefused() {
    source.add(TEAM, Model.EVENTS, event("$pageview", DAY_START));
    RunId id = engine.create(ALL, day());
    runToEnd(id);

    assertThatThrownBy(() -> engine.cancel(ALL, id))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("Cannot cancel a run that is in 'Completed' status");
  }

  @Test
  void operatorTerminationEndsTheRunWithItsReason() {
    RunId id = engine.create(ALL, day());

    assertThat(engine.terminate(id, "maintenance window")).isTrue();
    assertThat(engine.terminate(id, "again")).isFalse();

    RunSnapshot run = engine.retrieve(ALL, id);
    assertThat(run.status()).isEqualTo(RunStatus.TERMINATED);
    assertThat(run.error()).isEqualTo("maintenance window");
    assertThatThrownBy(() -> engine.terminate(RunId.random(), "x")).isInstanceOf(NotFoundException.class);
  }

  // ---------------------------------------------------------------- a whole run

  @Test
  void completedRunListsItsFilesManifestAndLogs() throws IOException {
    source.add(TEAM, Model.EVENTS, event("$pageview", DAY_START));
    source.add(TEAM, Model.EVENTS, event("$pageview", DAY_END.minusNanos(1000)));
    source.add(TEAM, Model.EVENTS, event("$pageview", DAY_END)); // outside: the end is exclusive
    source.add(TeamId.of(2), Model.EVENTS, event("$pageview", DAY_START)); // another team

    RunId id = engine.create(ALL, day());
    RunSnapshot run = runToEnd(id);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.files()).hasSize(1);
    assertThat(run.recordsCompleted()).isEqualTo(2);
    assertThat(run.startedAt()).isNotNull();
    assertThat(run.finishedAt()).isNotNull();
    RunManifest manifest = engine.manifest(ALL, id);
    assertThat(manifest.records()).isEqualTo(2);
    assertThat(manifest.schema()).isEqualTo(Model.EVENTS.schema());
    assertThat(manifest.files()).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(run.files().get(0));
      assertThat(f.index()).isZero();
      assertThat(f.name()).isEqualTo("2026-11-20T000000Z-2026-11-21T000000Z-00000.jsonl");
      assertThat(f.sha256()).hasSize(64);
      assertThat(f.expiresAt()).isEqualTo(NOW.plus(ExportEngine.DEFAULT_FILE_RETENTION));
    });
    DownloadLink link = engine.download(ALL, id, 0);
    assertThat(link.fileName()).isEqualTo(manifest.files().get(0).name());
    assertThat(link.expiresAt()).isEqualTo(NOW.plus(ExportEngine.DEFAULT_LINK_LIFETIME));
    try (InputStream in = engine.openFile(ALL, id, run.files().get(0))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()).hasSize(2);
    }
    List<String> log = engine.logs(ALL, id, LogQuery.builder().limit(500).build()).items().stream()
        .map(RunLogEntry::message).toList();
    assertThat(log.get(0)).isEqualTo("Export completed: 2 records in 1 file (" + manifest.bytes() + " bytes)");
    assertThat(log).anyMatch(m -> m.startsWith("Exporting events from 2026-11-20T00:00:00Z to 2026-11-21T00:00:00Z"))
        .anyMatch(m -> m.startsWith("Wrote part 0 (") && m.endsWith("2 records, " + manifest.bytes() + " bytes"));
  }

  @Test
  void emptyIntervalCompletesWithNoFiles() {
    RunId id = engine.create(ALL, day());
    RunSnapshot run = runToEnd(id);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.files()).isEmpty();
    assertThat(blobStore.list("")).isEmpty();
    assertThatThrownBy(() -> engine.download(ALL, id, 0))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("No files with index 0");
    assertThat(engine.manifest(ALL, id).files()).isEmpty();
  }

  // ---------------------------------------------------------------- download

  @Test
  void downloadSelectsByIndexOrIdAndRefusesEverythingElse() {
    for (int i = 0; i < 3; i++) {
      source.add(TEAM, Model.EVENTS, event("e", DAY_START.plusSeconds(i)));
    }
    RunId id = engine.create(ALL, ExportRequest.builder(Model.EVENTS, DAY_START, DAY_END)
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 1)).build());
    RunSnapshot run = runToEnd(id);
    RunId other = engine.create(ALL, day());
    RunSnapshot otherRun = runToEnd(other);

    assertThat(engine.download(ALL, id, 0).fileId()).isEqualTo(run.files().get(0));
    assertThat(engine.download(ALL, id, run.files().get(0)).fileId())
        .isEqualTo(run.files().get(0));
    assertThat(otherRun.files()).hasSize(1).doesNotContainAnyElementsOf(run.files());
    assertThatThrownBy(() -> engine.download(ALL, id, 1))
        .isInstanceOf(NotFoundException.class).hasMessage("No files with index 1");
    assertThatThrownBy(() -> engine.download(ALL, id, -1))
        .isInstanceOf(NotFoundException.class).hasMessage("No files with index -1");
    assertThatThrownBy(() -> engine.download(ALL, id, FileId.random()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> engine.download(ALL, other, run.files().get(0)))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> engine.download(ALL, id, otherRun.files().get(0)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void downloadOfRunsThatAreNotCompleted() {
    RunId starting = engine.create(ALL, day());
    assertDownloadRefused(starting, "Batch export run is still in progress");

    engine.cancel(ALL, starting);
    assertDownloadRefused(starting, "Batch export run was cancelled");

    RunId terminated = engine.create(ALL, day());
    engine.terminate(terminated, "operator");
    assertDownloadRefused(terminated, "Batch export run has failed");
  }

  private void assertDownloadRefused(RunId id, String message) {
    assertThatThrownBy(() -> engine.download(ALL, id, 0))
        .isInstanceOf(InvalidRequestException.class).hasMessage(message);
    assertThatThrownBy(() -> engine.manifest(ALL, id))
        .isInstanceOf(InvalidRequestException.class).hasMessage(message);
    assertThatThrownBy(() -> engine.openFile(ALL, id, 0))
        .isInstanceOf(InvalidRequestException.class).hasMessage(message);
  }

  @Test
  void linkLivesTheShorterOfTheFilesRemainingLifeAndTheLinkLifetime() {
    source.add(TEAM, Model.EVENTS, event("e", DAY_START));
    RunId id = engine.create(ALL, day());
    runToEnd(id);
    Instant fileExpiry = engine.manifest(ALL, id).files().get(0).expiresAt();

    clock.set(fileExpiry.minus(Duration.ofMinutes(10)));
    assertThat(engine.download(ALL, id, 0).expiresAt()).isEqualTo(fileExpiry);

    clock.set(fileExpiry.minus(Duration.ofHours(3)));
    assertThat(engine.download(ALL, id, 0).expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));

    clock.set(fileExpiry);
    assertThatThrownBy(() -> engine.download(ALL, id, 0))
        .isInstanceOf(InvalidRequestException.class).hasMessage("This file download has expired");
    assertThatThrownBy(() -> engine.openFile(ALL, id, 0))
        .isInstanceOf(InvalidRequestException.class).hasMessage("This file download has expired");
    assertThatThrownBy(() -> engine.openFile(STRANGER, id, 0)).isInstanceOf(NotFoundException.class);
  }

  // ---------------------------------------------------------------- builder

  @Test
  void builderRefusesMissingPartsAndRepeatedOptions() {
    assertThatThrownBy(() -> ExportEngine.builder().build()).hasMessageContaining("runStore is required");
    assertThatThrownBy(() -> ExportEngine.builder().runStore(runStore).build())
        .hasMessageContaining("recordSource is required");
    assertThatThrownBy(() -> ExportEngine.builder().runStore(runStore).recordSource(source).build())
        .hasMessageContaining("blobStore is required");
    assertThatThrownBy(() -> ExportEngine.builder().workers(2).workers(3))
        .isInstanceOf(IllegalStateException.class).hasMessage("workers was already set to 2");
    assertThatThrownBy(() -> ExportEngine.builder().workers(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers must be at least 1, got 0");
    assertThatThrownBy(() -> ExportEngine.builder().timeLimit(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeLimit must be positive");
    assertThatThrownBy(() -> ExportEngine.builder().runStore(runStore).recordSource(source).blobStore(blobStore)
        .pollInterval(Duration.ofSeconds(1)).leaseDuration(Duration.ofSeconds(2)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("three poll intervals");
    assertThatThrownBy(() -> ExportEngine.builder().instanceName(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderRefusesDurationsFromWhichNoDeadlineCanBeComputed() {
    Duration forever = ChronoUnit.FOREVER.getDuration();
    Duration century = Duration.ofDays(36_500);
    List<java.util.function.Function<Duration, ExportEngine.Builder>> options = List.of(
        d -> ExportEngine.builder().timeLimit(d), d -> ExportEngine.builder().leaseDuration(d),
        d -> ExportEngine.builder().pollInterval(d), d -> ExportEngine.builder().fileRetention(d),
        d -> ExportEngine.builder().linkLifetime(d), d -> ExportEngine.builder().maintenanceInterval(d),
        d -> ExportEngine.builder().shutdownGrace(d), d -> ExportEngine.builder().maxIntervalLength(d),
        d -> ExportEngine.builder().sliceLength(d), d -> ExportEngine.builder().retries(3, Duration.ZERO, d));
    for (var option : options) {
      assertThatThrownBy(() -> option.apply(forever))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be at most 100 years");
      assertThatThrownBy(() -> option.apply(century.plusNanos(1))).isInstanceOf(IllegalArgumentException.class);
      assertThat(option.apply(century)).isNotNull();
    }
    assertThatThrownBy(() -> ExportEngine.builder().pollInterval(Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("pollInterval must be at least 1 ms, got PT0.000999999S");
    assertThatThrownBy(() -> ExportEngine.builder().maintenanceInterval(Duration.ofNanos(500_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maintenanceInterval must be at least 1 ms");
    assertThatThrownBy(() -> ExportEngine.builder().sliceLength(Duration.ofSeconds(59)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("sliceLength must be at least 1 minute, got PT59S");
    assertThatThrownBy(() -> ExportEngine.builder().shutdownGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("shutdownGrace must not be negative, got PT-1S");
  }

  @Test
  void awaitingForeverWaitsForTheEnd() {
    source.add(TEAM, Model.EVENTS, event("e", DAY_START));
    RunId id = engine.create(ALL, day());
    engine.start();

    assertThat(engine.awaitTerminal(ALL, id, ChronoUnit.FOREVER.getDuration()).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void anInterruptEndsTheGracePeriodOfCloseAndStaysSet() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RecordSource blocking = new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        reading.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new ExportException("stopped", true);
      }

      @Override
      public String describe() {
        return "a source that waits";
      }
    };
    ExportEngine patient = ExportEngine.builder().runStore(RunStores.inMemory()).recordSource(blocking)
        .blobStore(BlobStores.inMemory()).formats(List.of(new LinesFormat())).pollInterval(Duration.ofMillis(20))
        .shutdownGrace(Duration.ofHours(1)).build();
    try {
      patient.create(ALL, day());
      patient.start();
      assertThat(reading.await(60, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> {
        Thread.currentThread().interrupt();
        patient.close();
        return Thread.interrupted();
      });

      // Without the interrupt, close would wait the hour's grace for the run.
      assertThat(closed.get(60, TimeUnit.SECONDS)).as("still interrupted after close").isTrue();
      assertThat(patient.isStarted()).isFalse();
    } finally {
      release.countDown();
      patient.close();
    }
  }
}
