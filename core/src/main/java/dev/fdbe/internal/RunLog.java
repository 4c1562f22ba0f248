package dev.fdbe.internal;

import dev.fdbe.AttemptId;
import dev.fdbe.LogLevel;
import dev.fdbe.RunId;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes run log lines (domain data, through the run store) and mirrors them to SLF4J for
 * operators. A line that cannot be stored is reported through SLF4J and does not fail the run.
 */
public final class RunLog {
  /** The instance id of lines written outside any attempt, such as the creation of a run. */
  public static final AttemptId NO_ATTEMPT = new AttemptId(new UUID(0, 0));

  private static final Logger LOG = LoggerFactory.getLogger("dev.fdbe.runs");

  private final RunStore store;
  private final Clock clock;

  public RunLog(RunStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Logs a line of the run; a slice's lines go to the log of the run it belongs to. */
  public void log(RunRecord run, AttemptId attempt, LogLevel level, String message) {
    log(run.isSlice() ? run.parentId() : run.id(), attempt, level, message);
  }

  public void log(RunId run, AttemptId attempt, LogLevel level, String message) {
    switch (level) {
      case ERROR -> LOG.warn("run {}: {}", run, message);
      case WARNING -> LOG.info("run {}: {}", run, message);
      default -> LOG.debug("run {}: {}", run, message);
    }
    try {
      store.appendLog(run, attempt, level, message, clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("run {}: cannot store log line '{}'", run, message, e);
    }
  }
}
