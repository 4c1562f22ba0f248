package dev.fdbe.spi;

import dev.fdbe.FileConfig;

/** What a {@link RecordWriter} may know of and tell the run it writes for. Thread-safe. */
public interface WriterContext {
  /**
   * Adds a warning to the run's log, once per run for each distinct {@code key}; later calls with
   * the same key are ignored. E.g. a JSON column value that is not valid JSON.
   */
  void warnOnce(String key, String message);

  /**
   * The run's part size limit in stored bytes, {@link FileConfig#maxPartBytes()}, or 0 when the
   * output is one file; never negative. Writers that buffer or compress use it to bound their
   * uncertainty, so that parts can fill close to the limit without crossing it. Default 0.
   */
  default long maxPartBytes() {
    return 0;
  }

  /** A context that ignores warnings and has no size limit, for writing files outside a run. */
  WriterContext NONE = (key, message) -> {};

  /** A context with the file config's part size limit that ignores warnings. */
  static WriterContext of(FileConfig file) {
    long maxPartBytes = file.maxPartBytes();
    return new WriterContext() {
      @Override
      public void warnOnce(String key, String message) {}

      @Override
      public long maxPartBytes() {
        return maxPartBytes;
      }
    };
  }
}
