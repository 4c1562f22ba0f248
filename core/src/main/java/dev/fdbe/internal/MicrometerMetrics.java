package dev.fdbe.internal;

import dev.fdbe.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@link EngineMetrics} on Micrometer's global registry (a host adds its own registry to it with
 * {@code Metrics.addRegistry}). Meters, all tagged {@code instance}: {@code fdbe.runs.claimed}
 * ({@code takeover} true or false), {@code fdbe.runs.completed}, {@code fdbe.runs.failed}
 * ({@code status}: failed, failed_retryable, failed_billing, timed_out), {@code fdbe.runs.retried}, {@code fdbe.runs.stopped} ({@code reason}) and the
 * gauge {@code fdbe.runs.active}. Only loaded when Micrometer is on the class path.
 */
final class MicrometerMetrics implements EngineMetrics {
  private final MeterRegistry registry = Metrics.globalRegistry;
  private final String instance;
  private final Supplier<Integer> active;
  private final Set<Meter.Id> registered = ConcurrentHashMap.newKeySet();

  MicrometerMetrics(String instance, Supplier<Integer> active) {
    this.instance = instance;
    this.active = active;
  }

  @Override
  public void open() {
    // A strong reference: the engine owns the supplier, and the gauge goes when the engine closes.
    registered.add(Gauge.builder("fdbe.runs.active", active, Supplier::get)
        .description("runs this engine executes now")
        .tag("instance", instance)
        .strongReference(true)
        .register(registry)
        .getId());
  }

  private Counter counter(String name, String description, String... tags) {
    Counter counter = Counter.builder(name).description(description).tag("instance", instance).tags(tags)
        .register(registry);
    registered.add(counter.getId());
    return counter;
  }

  @Override
  public void claimed(boolean takeover) {
    counter("fdbe.runs.claimed", "runs claimed by this engine, takeovers of lapsed leases included",
        "takeover", Boolean.toString(takeover)).increment();
  }

  @Override
  public void completed() {
    counter("fdbe.runs.completed", "runs (or slices) this engine completed").increment();
  }

  @Override
  public void failed(RunStatus status) {
    counter("fdbe.runs.failed", "runs (or slices) this engine ended with a failure", "status", status.name().toLowerCase(Locale.ROOT))
        .increment();
  }

  @Override
  public void retried() {
    counter("fdbe.runs.retried", "new attempts after a transient failure").increment();
  }

  @Override
  public void stopped(StopReason reason) {
    counter("fdbe.runs.stopped", "attempts stopped before they finished", "reason",
        reason.name().toLowerCase(Locale.ROOT)).increment();
  }

  @Override
  public void close() {
    registered.forEach(registry::remove);
    registered.clear();
  }
}
