package dev.fdbe.it;

import static dev.fdbe.it.Harness.CALLER;
import static dev.fdbe.it.Harness.OTHER_TEAM;
import static dev.fdbe.it.Harness.TEAM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.LogQuery;
import dev.fdbe.ManifestFile;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunManifest;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.TimeRange;
import dev.fdbe.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real exports through the facade: H2 reference tables, the JSONLines writer, local storage. */
class EndToEndIT {
  private static final TimeRange BEFORE = range("2026-11-19T00:00:00Z", "2026-11-20T00:00:00Z");
  private static final TimeRange DAY = range("2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z");
  private static final TimeRange AFTER = range("2026-11-21T00:00:00Z", "2026-11-22T00:00:00Z");

  @TempDir
  Path directory;

  private Harness harness;
  private ExportEngine engine;
  private final Data data = new Data(42);

  static TimeRange range(String start, String end) {
    return new TimeRange(Instant.parse(start), Instant.parse(end));
  }

  @BeforeEach
  void setUp() throws IOException {
    harness = new Harness(directory);
    engine = harness.started(harness.engine().recordSource(RecordSources.jdbc(harness.dataSource)).build());
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  private static ExportRequest.Builder jsonLines(Model model, TimeRange range) {
    return ExportRequest.builder(model, range.start(), range.end()).file(FileConfig.of(FileFormat.JSON_LINES));
  }

  private RunSnapshot run(ExportRequest request) {
    RunId id = engine.create(CALLER, request);
    RunSnapshot run = harness.await(engine, id);
    assertThat(run.status()).as("status of %s (error: %s)", id, run.error()).isEqualTo(RunStatus.COMPLETED);
    return run;
  }

  /** Rows in, just before, just after the interval, and of another team. */
  private List<Map<String, Object>> load(Model model, int perRange) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TimeRange range : List.of(BEFORE, DAY, AFTER)) {
      rows.addAll(data.rows(model, TEAM, range, perRange));
    }
    harness.insert(TEAM, model, rows);
    harness.insert(OTHER_TEAM, model, data.rows(model, OTHER_TEAM, DAY, perRange));
    return rows;
  }

  @ParameterizedTest
  @EnumSource(Model.class)
  void eachModelExportsTheRowsOfItsIntervalAndOnlyThose(Model model) {
    List<Map<String, Object>> rows = load(model, 400);
    String time = model.defaultTimeColumn();
    Map<String, Object> atStart = new HashMap<>(data.rows(model, TEAM, DAY, 1).get(0));
    atStart.put(time, DAY.start());
    Map<String, Object> atEnd = new HashMap<>(data.rows(model, TEAM, DAY, 1).get(0));
    atEnd.put(time, DAY.end());
    harness.insert(TEAM, model, List.of(atStart, atEnd));
    rows.add(atStart);
    rows.add(atEnd);

    RunSnapshot run = run(jsonLines(model, DAY).build());

    List<Map<String, Object>> expected = Data.expected(model, rows, DAY, List.of(), List.of());
    assertThat(expected).hasSizeGreaterThan(400).contains(Data.asRead(model.schema(), atStart))
        .doesNotContain(Data.asRead(model.schema(), atEnd));
    assertThat(harness.read(run)).containsExactlyElementsOf(expected);
    assertThat(run.recordsCompleted()).isEqualTo(expected.size());
    assertThat(run.recordsTotal()).as("the source's count").isEqualTo(expected.size());
  }

  @Test
  void includeAndExcludeSelectEventsByName() {
    List<Map<String, Object>> rows = load(Model.EVENTS, 300);
    List<String> include = List.of("$pageview", "$identify", "signup");
    List<String> exclude = List.of("$identify");

    RunSnapshot run = run(jsonLines(Model.EVENTS, DAY).include(include).exclude(exclude).build());
    RunSnapshot excludeOnly = run(jsonLines(Model.EVENTS, DAY).exclude(List.of("$autocapture")).build());

    List<Map<String, Object>> read = harness.read(run);
    assertThat(read).extracting(r -> r.get("event")).containsOnly("$pageview", "signup");
    assertThat(read).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, DAY, include, exclude));
    assertThat(run.recordsTotal()).isEqualTo(read.size());
    assertThat(harness.read(excludeOnly))
        .containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, DAY, List.of(), List.of("$autocapture")))
        .extracting(r -> r.get("event")).doesNotContain("$autocapture").contains("$identify");
  }

  @Test
  void identicalEventsAreExportedOnce() {
    List<Map<String, Object>> rows = new ArrayList<>(data.rows(Model.EVENTS, TEAM, DAY, 50));
    Map<String, Object> original = rows.get(0);
    Map<String, Object> identical = new HashMap<>(original);
    Map<String, Object> laterCopy = new HashMap<>(rows.get(1));
    laterCopy.put("timestamp", ((Instant) laterCopy.get("timestamp")).plusSeconds(1));
    laterCopy.put("_inserted_at", ((Instant) laterCopy.get("_inserted_at")).plusSeconds(10));
    rows.add(identical);
    rows.add(identical);
    rows.add(laterCopy);
    harness.insert(TEAM, Model.EVENTS, rows);

    RunSnapshot run = run(jsonLines(Model.EVENTS, DAY).build());

    List<Map<String, Object>> read = harness.read(run);
    assertThat(read).hasSize(50);
    assertThat(run.recordsTotal()).as("identical and later copies are not counted").isEqualTo(50);
    assertThat(read).extracting(r -> r.get("uuid")).doesNotHaveDuplicates();
    assertThat(read).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, DAY, List.of(), List.of()));
  }

  @Test
  void aSlicedRunExportsEachEventOnceAsTheWholeRunWould() {
    List<Map<String, Object>> rows =
        Data.withLaterCopies(data.rows(Model.EVENTS, TEAM, DAY, 600), 7, Duration.ofHours(5));
    harness.insert(TEAM, Model.EVENTS, rows);
    ExportEngine sliced = harness.started(harness.engine().recordSource(RecordSources.jdbc(harness.dataSource))
        .sliceLength(Duration.ofHours(3)).instanceName("slicing").build());

    RunId id = sliced.create(CALLER, ExportRequest.builder(Model.EVENTS, DAY.start(), DAY.end())
        .file(FileConfig.of(FileFormat.JSON_LINES)).build());
    RunSnapshot run = harness.await(sliced, id);

    assertThat(run.status()).as("error: %s", run.error()).isEqualTo(RunStatus.COMPLETED);
    assertThat(harness.runStore.slices(id)).hasSize(8);
    List<Map<String, Object>> read = harness.read(run);
    assertThat(read).extracting(r -> r.get("uuid")).doesNotHaveDuplicates();
    assertThat(read).extracting(r -> r.get("event")).doesNotContain("copy");
    assertThat(read).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, DAY, List.of(), List.of()));
    assertThat(run.recordsTotal()).as("the slices' counts together").isEqualTo(read.size());
  }

  @Test
  void emptyIntervalCompletesWithNoFiles() {
    load(Model.EVENTS, 10);

    RunSnapshot run = run(jsonLines(Model.EVENTS, range("2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z")).build());

    assertThat(run.files()).isEmpty();
    assertThat(harness.storedKeys()).isEmpty();
    assertThat(engine.logs(CALLER, run.id(), LogQuery.NEWEST).items().get(0).message())
        .isEqualTo("Export completed: 0 records in 0 files (0 bytes); no rows matched the interval and filters");
  }

  @Test
  void splittingKeepsPartsWithinTheLimitAndTheirConcatenationIsTheWholeExport() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.addAll(data.rows(Model.EVENTS, TEAM, DAY, 1000));
    }
    harness.insert(TEAM, Model.EVENTS, rows);

    RunSnapshot whole = run(jsonLines(Model.EVENTS, DAY).build());
    RunSnapshot split = run(ExportRequest.builder(Model.EVENTS, DAY.start(), DAY.end())
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 1)).build());

    byte[] wholeBytes = harness.bytes(whole.id()).get(0);
    List<byte[]> parts = harness.bytes(split.id());
    assertThat(wholeBytes.length).as("the data spans several MiB").isGreaterThan(3 * 1024 * 1024);
    assertThat(parts).hasSizeGreaterThanOrEqualTo(3);
    ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
    for (int i = 0; i < parts.size(); i++) {
      byte[] part = parts.get(i);
      assertThat(part.length).as("part %d", i).isLessThanOrEqualTo(1024 * 1024);
      if (i < parts.size() - 1) {
        assertThat(part.length).as("part %d is at least half full", i).isGreaterThanOrEqualTo(512 * 1024);
      }
      assertThat(part[part.length - 1]).as("part %d ends with a whole row", i).isEqualTo((byte) '\n');
      concatenated.write(part);
    }
    assertThat(concatenated.toByteArray()).isEqualTo(wholeBytes);
    assertThat(harness.read(split)).containsExactlyElementsOf(harness.read(whole));

    RunManifest manifest = engine.manifest(CALLER, split.id());
    assertThat(manifest.files()).extracting(ManifestFile::index)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, parts.size()).boxed().toList());
    assertThat(manifest.files()).extracting(ManifestFile::name).isSorted();
    for (int i = 0; i < parts.size(); i++) {
      ManifestFile file = manifest.files().get(i);
      assertThat(file.bytes()).isEqualTo(parts.get(i).length);
      assertThat(file.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(parts.get(i))));
      assertThat(file.id()).isEqualTo(split.files().get(i));
    }
    assertThat(manifest.records()).isEqualTo(rows.size());
    List<String> partLines = engine.logs(CALLER, split.id(), LogQuery.builder().search("Wrote part").limit(500).build())
        .items().stream().map(RunLogEntry::message).toList();
    assertThat(partLines).hasSize(parts.size());
  }

  @Test
  void aRowLargerThanTheLimitGetsAPartOfItsOwn() {
    Map<String, Object> small = data.event(DAY.start().plusSeconds(1));
    Map<String, Object> huge = data.event(DAY.start().plusSeconds(2));
    huge.put("elements_chain", "y".repeat(1_500_000));
    Map<String, Object> after = data.event(DAY.start().plusSeconds(3));
    harness.insert(TEAM, Model.EVENTS, List.of(small, huge, after));

    RunSnapshot run = run(ExportRequest.builder(Model.EVENTS, DAY.start(), DAY.end())
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 1)).build());

    List<byte[]> parts = harness.bytes(run.id());
    assertThat(parts).hasSize(3);
    assertThat(parts.get(1).length).isGreaterThan(1024 * 1024);
    assertThat(harness.read(run)).extracting(r -> r.get("uuid"))
        .containsExactly(small.get("uuid"), huge.get("uuid"), after.get("uuid"));
  }

  @Test
  void progressAndTimestampsAreReported() {
    load(Model.SESSIONS, 100);

    RunSnapshot run = run(jsonLines(Model.SESSIONS, DAY).build());

    assertThat(run.partsCompleted()).isEqualTo(1);
    assertThat(run.recordsCompleted()).isEqualTo(100);
    assertThat(run.bytesExported()).isEqualTo(harness.bytes(run.id()).get(0).length);
    assertThat(run.startedAt()).isAfterOrEqualTo(run.createdAt());
    assertThat(run.finishedAt()).isAfterOrEqualTo(run.startedAt());
    assertThat(harness.storedKeys()).hasSize(1);
    assertThat(harness.filesOnDisk()).hasSize(1);
  }

  @Test
  void retentionSweeperDeletesExpiredFiles() throws Exception {
    load(Model.EVENTS, 20);
    // The engine's time moves only when the test moves it: the file expires when the test says so,
    // not when a busy machine happens to get round to it.
    MutableClock clock = new MutableClock(Instant.now());
    ExportEngine shortLived = harness.started(harness.engine().instanceName("short-lived")
        .recordSource(RecordSources.jdbc(harness.dataSource))
        .clock(clock)
        .fileRetention(Duration.ofSeconds(1))
        .maintenanceInterval(Duration.ofMillis(200))
        .build());
    engine.close();

    RunId id = shortLived.create(CALLER, jsonLines(Model.EVENTS, DAY).build());
    RunSnapshot run = harness.await(shortLived, id);
    assertThat(run.files()).hasSize(1);
    assertThat(harness.storedKeys()).as("kept until it expires").hasSize(1);

    clock.advance(Duration.ofSeconds(2));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> harness.storedKeys().isEmpty());
    assertThat(harness.runStore.files(id).get(0).deletedAt()).isNotNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> shortLived.download(CALLER, id, 0))
        .hasMessage("This file download has expired");
    assertThat(shortLived.retrieve(CALLER, id).files()).as("expired files stay listed").hasSize(1);
  }
}
