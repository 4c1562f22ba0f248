package dev.fdbe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Meters exist only between open and close, whatever runs still report after close. */
class MicrometerMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final String instance = "metrics-" + UUID.randomUUID();
  private final MicrometerMetrics metrics = new MicrometerMetrics(instance, () -> 0);

  @BeforeEach
  void addRegistry() {
    Metrics.addRegistry(registry);
  }

  @AfterEach
  void removeRegistry() {
    metrics.close();
    Metrics.removeRegistry(registry);
  }

  @Test
  void aRunStoppingAfterCloseRegistersNothing() {
    metrics.open();
    metrics.stopped(StopReason.SHUTDOWN);
    assertThat(registry.find("fdbe.runs.stopped").tag("instance", instance).counter().count()).isEqualTo(1.0);

    metrics.close();
    metrics.stopped(StopReason.SHUTDOWN);
    metrics.completed();

    assertThat(registry.find("fdbe.runs.stopped").tag("instance", instance).meters()).isEmpty();
    assertThat(registry.find("fdbe.runs.completed").tag("instance", instance).meters()).isEmpty();
    assertThat(registry.find("fdbe.runs.active").tag("instance", instance).meters()).isEmpty();
  }

  @Test
  void reopeningPublishesTheGaugeAgainOnce() {
    metrics.open();
    metrics.open();
    metrics.close();
    metrics.open();

    assertThat(registry.find("fdbe.runs.active").tag("instance", instance).meters()).hasSize(1);
  }
}
