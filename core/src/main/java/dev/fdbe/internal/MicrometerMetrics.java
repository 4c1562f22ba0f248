package dev.fdbe.internal;

import dev.fdbe.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
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
  private final Set<Meter.Id> registered = new HashSet<>(); // guarded by this
  /** Between open and close: meters are registered then, and never after close until opened again. */
  private boolean open;

  MicrometerMetrics(String instance, Supplier<Integer> active) {
    this.instance = instance;
    this.active = active;
  }

  @Override
  public synchronized void open() {
    if (open) {
      return;
    }
    open = true;
    // A strong reference: the engine owns the supplier, and the gauge goes when the engine closes.
    registered.add(Gauge.builder("fdbe.runs.active", active, Supplier::get)
        .description("runs this engine executes now")
        .tag("instance", instance)
        .strongReference(true)
        .register(registry)
        .getId());
  }

  /** Counts one on the counter, unless the engine is closed (a run stopping after close counts nowhere). */
  private synchronized void increment(String name, String description, String... tags) {
    if (!open) {
      return;
    }
    Counter counter = Counter.builder(name).description(description).tag("instance", instance).tags(tags)
        .register(registry);
    registered.add(counter.getId());
    counter.increment();
  }

  @Override
  public void claimed(boolean takeover) {
    increment("fdbe.runs.claimed", "runs claimed by this engine, takeovers of lapsed leases included",
        "takeover", Boolean.toString(takeover));
  }

  @Override
  public void completed() {
    increment("fdbe.runs.completed", "runs (or slices) this engine completed");
  }

  @Override
  public void failed(RunStatus status) {
    increment("fdbe.runs.failed", "runs (or slices) this engine ended with a failure", "status",
        status.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void retried() {
    increment("fdbe.runs.retried", "new attempts after a transient failure");
  }

  @Override
  public void stopped(StopReason reason) {
    increment("fdbe.runs.stopped", "attempts stopped before they finished", "reason",
        reason.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public synchronized void close() {
    open = false;
    registered.forEach(registry::remove);
    registered.clear();
  }
}
