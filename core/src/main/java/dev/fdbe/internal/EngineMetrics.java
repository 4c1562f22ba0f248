package dev.fdbe.internal;

import dev.fdbe.RunStatus;
import java.util.function.Supplier;

/**
 * What the engine counts: runs claimed (and how many of those were taken over from a lapsed lease),
 * completed, failed by status, retried, stopped by reason, and executing now. Published through
 * Micrometer's global registry when Micrometer is on the class path, else not at all.
 */
interface EngineMetrics {
  void claimed(boolean takeover);

  void completed();

  void failed(RunStatus status);

  void retried();

  void stopped(StopReason reason);

  /** Publishes the gauge of executing runs, when the engine starts; idempotent. */
  void open();

  /** Removes this engine's meters, so a closed engine's gauge does not linger in the registry; idempotent. */
  void close();

  /** Metrics for an engine of the given instance name, whose executing runs {@code active} counts. */
  static EngineMetrics create(String instance, Supplier<Integer> active) {
    try {
      Class.forName("io.micrometer.core.instrument.Metrics", false, EngineMetrics.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return NONE;
    }
    return new MicrometerMetrics(instance, active);
  }

  /** Counts nothing. */
  EngineMetrics NONE = new EngineMetrics() {
    @Override
    public void claimed(boolean takeover) {}

    @Override
    public void completed() {}

    @Override
    public void failed(RunStatus status) {}

    @Override
    public void retried() {}

    @Override
    public void stopped(StopReason reason) {}

    @Override
    public void open() {}

    @Override
    public void close() {}
  };
}
