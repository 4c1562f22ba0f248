package dev.fdbe.spi;

/** What a {@link RecordWriter} may tell the run it writes for. Thread-safe. */
public interface WriterContext {
  /**
   * Adds a warning to the run's log, once per run for each distinct {@code key}; later calls with
   * the same key are ignored. E.g. a JSON column value that is not valid JSON.
   */
  void warnOnce(String key, String message);

  /** A context that ignores warnings, for writing files outside a run. */
  WriterContext NONE = (key, message) -> {};
}
