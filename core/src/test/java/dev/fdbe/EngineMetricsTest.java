package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.testing.LinesFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.fdbe.internal.source.InMemoryRecordSource;

/** The meters an engine publishes through Micrometer's global registry. */
class EngineMetricsTest {
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RunStore runStore = RunStores.inMemory();
  private final BlobStore blobStore = BlobStores.inMemory();
  private final InMemoryRecordSource rows = new InMemoryRecordSource();
  private final String instance = "metrics-" + UUID.randomUUID();
  private final CountDownLatch release = new CountDownLatch(1);
  private ExportEngine engine;

  @BeforeEach
  void start() {
    Metrics.addRegistry(registry);
    rows.add(TEAM, Model.EVENTS, Map.of("uuid", UUID.randomUUID().toString(), "event", "e", "timestamp", DAY));
    RecordSource source = new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        if (query.model() == Model.PERSONS) {
          throw new ExportException("persons table is gone", false);
        }
        if (query.model() == Model.SESSIONS) {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return rows.open(query);
      }

      @Override
      public String describe() {
        return "metrics test source";
      }
    };
    engine = ExportEngine.builder().runStore(runStore).blobStore(blobStore).recordSource(source)
        .formats(List.of(new LinesFormat())).instanceName(instance).pollInterval(Duration.ofMillis(20)).build();
    engine.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    engine.close();
    Metrics.removeRegistry(registry);
  }

  private RunId create(Model model) {
    return engine.create(CALLER, ExportRequest.builder(model, DAY, DAY.plus(Duration.ofDays(1)))
        .file(FileConfig.of(FileFormat.JSON_LINES)).build());
  }

  private double count(String name, String... tags) {
    Counter counter = registry.find(name).tag("instance", instance).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private double active() {
    return registry.get("fdbe.runs.active").tag("instance", instance).gauge().value();
  }

  @Test
  void countsClaimsCompletionsFailuresAndStops() {
    RunId completed = create(Model.EVENTS);
    assertThat(engine.awaitTerminal(CALLER, completed, Duration.ofSeconds(60)).status())
        .isEqualTo(RunStatus.COMPLETED);
    RunId failed = create(Model.PERSONS);
    assertThat(engine.awaitTerminal(CALLER, failed, Duration.ofSeconds(60)).status()).isEqualTo(RunStatus.FAILED);

    RunId cancelled = create(Model.SESSIONS);
    await().atMost(Duration.ofSeconds(60)).until(() -> active() == 1.0);
    engine.cancel(CALLER, cancelled);
    release.countDown();
    await().atMost(Duration.ofSeconds(60)).until(() -> count("fdbe.runs.stopped", "reason", "cancelled") == 1.0);

    assertThat(count("fdbe.runs.claimed", "takeover", "false")).isEqualTo(3.0);
    assertThat(count("fdbe.runs.claimed", "takeover", "true")).isZero();
    assertThat(count("fdbe.runs.completed")).isEqualTo(1.0);
    assertThat(count("fdbe.runs.failed", "status", "failed")).isEqualTo(1.0);
    assertThat(count("fdbe.runs.retried")).isZero();
    await().atMost(Duration.ofSeconds(60)).until(() -> active() == 0.0);
  }

  @Test
  void aClosedEngineLeavesNoMeters() {
    RunId id = create(Model.EVENTS);
    engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60));
    assertThat(registry.find("fdbe.runs.active").tag("instance", instance).gauge()).isNotNull();

    engine.close();

    assertThat(registry.find("fdbe.runs.active").tag("instance", instance).meters()).isEmpty();
    assertThat(registry.find("fdbe.runs.completed").tag("instance", instance).meters()).isEmpty();
  }

  @Test
  void anEngineNeverStartedPublishesNothingAndARestartedOnePublishesAgain() {
    String idle = "metrics-idle-" + UUID.randomUUID();
    ExportEngine unstarted = ExportEngine.builder().runStore(RunStores.inMemory()).blobStore(BlobStores.inMemory())
        .recordSource(rows).formats(List.of(new LinesFormat())).instanceName(idle).build();
    assertThat(registry.find("fdbe.runs.active").tag("instance", idle).meters()).isEmpty();
    unstarted.close();
    assertThat(registry.find("fdbe.runs.active").tag("instance", idle).meters()).isEmpty();

    engine.close();
    assertThat(registry.find("fdbe.runs.active").tag("instance", instance).meters()).isEmpty();
    engine.start();
    assertThat(active()).isZero();
  }
}
