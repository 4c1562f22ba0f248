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
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.TimeRange;
import dev.fdbe.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole exports with PostgreSQL as both the run store and the source (reference tables created by
 * reference tables on PostgreSQL, streamed through a cursor). Runs when FDBE_TEST_POSTGRES_URL is set.
 */
@Tag("postgres")
class PostgresEndToEndIT {
  private static final TimeRange DAY =
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));
  private static final TimeRange NEXT_DAY =
      new TimeRange(Instant.parse("2026-11-21T00:00:00Z"), Instant.parse("2026-11-22T00:00:00Z"));

  @TempDir
  Path directory;

  private TestDatabases.PostgresSchema schema;
  private Harness harness;
  private ExportEngine engine;
  private final Data data = new Data(99);

  @BeforeEach
  void setUp() throws IOException {
    schema = TestDatabases.postgres();
    harness = new Harness(directory, schema.dataSource());
    engine = harness.started(harness.engine()
        .recordSource(RecordSources.jdbcBuilder(harness.dataSource).fetchSize(100).build()).build());
  }

  @AfterEach
  void tearDown() {
    harness.close();
    schema.drop();
  }

  private RunSnapshot run(ExportRequest request) {
    RunId id = engine.create(CALLER, request);
    RunSnapshot run = harness.await(engine, id);
    assertThat(run.status()).as("status (error: %s)", run.error()).isEqualTo(RunStatus.COMPLETED);
    return run;
  }

  @ParameterizedTest
  @EnumSource(Model.class)
  void eachModelExportsExactlyItsRows(Model model) {
    List<Map<String, Object>> rows = new ArrayList<>(data.rows(model, TEAM, DAY, 700));
    rows.addAll(data.rows(model, TEAM, NEXT_DAY, 100));
    harness.insert(TEAM, model, rows);
    harness.insert(OTHER_TEAM, model, data.rows(model, OTHER_TEAM, DAY, 100));

    RunSnapshot run = run(ExportRequest.builder(model, DAY.start(), DAY.end())
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 1)).build());

    List<Map<String, Object>> expected = Data.expected(model, rows, DAY, List.of(), List.of());
    assertThat(harness.read(run)).containsExactlyElementsOf(expected);
    assertThat(run.recordsTotal()).as("the source's count").isEqualTo(expected.size());
  }

  @Test
  void filtersAndDuplicatesOnPostgres() {
    List<Map<String, Object>> rows = new ArrayList<>(data.rows(Model.EVENTS, TEAM, DAY, 500));
    Map<String, Object> copy = new HashMap<>(rows.get(3));
    rows.add(copy);
    rows.add(copy);
    harness.insert(TEAM, Model.EVENTS, rows);
    List<String> include = List.of("$pageview", "signup", "$identify");
    List<String> exclude = List.of("$identify");

    RunSnapshot run = run(ExportRequest.builder(Model.EVENTS, DAY.start(), DAY.end())
        .file(FileConfig.of(FileFormat.JSON_LINES)).include(include).exclude(exclude).build());

    List<Map<String, Object>> read = harness.read(run);
    assertThat(read).extracting(r -> r.get("uuid")).doesNotHaveDuplicates();
    assertThat(read).containsExactlyElementsOf(Data.expected(Model.EVENTS, rows, DAY, include, exclude));
    assertThat(run.recordsTotal()).as("copies are not counted").isEqualTo(read.size());
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
  void cancelReachesAWorkerOnPostgres() {
    harness.insert(TEAM, Model.EVENTS, data.rows(Model.EVENTS, TEAM, DAY, 10_000));
    // Stuck after 1,000 rows until stopped: only the cancel can end the export.
    ExportEngine slow = harness.started(harness.engine().instanceName("slow")
        .recordSource(Sources.stuck(RecordSources.jdbc(harness.dataSource), 1_000, new CountDownLatch(1))).build());
    engine.close();
    RunId id = slow.create(CALLER, ExportRequest.builder(Model.EVENTS, DAY.start(), DAY.end())
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 1)).build());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> slow.retrieve(CALLER, id).status() == RunStatus.RUNNING);

    slow.cancel(CALLER, id);
    // The stuck export ends only if the cancel reaches it: 30 s proves it did, on a loaded machine too.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> slow.executingRuns().isEmpty());

    assertThat(slow.retrieve(CALLER, id).status()).isEqualTo(RunStatus.CANCELLED);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> harness.filesOnDisk().isEmpty());
  }
}
