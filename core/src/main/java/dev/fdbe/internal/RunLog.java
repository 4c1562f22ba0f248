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
 *
 * <p>Every text about a run that its users read passes through here: the lines it stores and, by
 * {@link #forUsers}, the run's error. Users see them through {@link Redactor}, so no path, host or
 * process id of this machine reaches them even when a message slipped one in; the SLF4J mirror
 * keeps the text as it was written, for operators.
 *
 * @param store where lines are stored
 * @param clock the time of each line
 * @param redactor what takes machine detail out of the text users read
 */
public record RunLog(RunStore store, Clock clock, Redactor redactor) {
  /** The instance id of lines written outside any attempt, such as the creation of a run. */
  public static final AttemptId NO_ATTEMPT = new AttemptId(new UUID(0, 0));

  private static final Logger LOG = LoggerFactory.getLogger("dev.fdbe.runs");

  /** The text as a run's users may read it, e.g. a run's error before it is stored. */
  public String forUsers(String text) {
    return redactor.redact(text);
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
      store.appendLog(run, attempt, level, redactor.redact(message), clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("run {}: cannot store log line '{}'", run, message, e);
    }
  }
}
