package dev.fdbe;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a run's log: what the run did, in words a user can act on. Run logs are domain data,
 * kept in the run store; they are separate from the library's diagnostic logging (SLF4J).
 *
 * <p>A line names storage as the user configured it ({@code s3://bucket/prefix/}, {@code
 * gs://bucket/prefix/}, "local storage") and files by key, index and file name; it never holds a
 * file system path, a host name or address, or a process id of the machines that run the export,
 * nor the engine's instance name. Those go to the SLF4J log, for operators. The same holds for
 * {@link RunSnapshot#error()}.
 *
 * @param runId the run ({@code log_source_id} on the wire)
 * @param instanceId the attempt that wrote the line
 * @param timestamp when; unique within a run, so that it orders and pages the log
 * @param level the level
 * @param message the text
 */
public record RunLogEntry(RunId runId, AttemptId instanceId, Instant timestamp, LogLevel level, String message) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when a component not marked nullable is null
   */
  public RunLogEntry {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
  }
}
