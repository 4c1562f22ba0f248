package dev.fdbe;

/**
 * What a call names does not exist for the caller (HTTP 404): no run with that id in the caller's
 * team — another team's run is never revealed — or no file download with that id or index in the run.
 */
public class NotFoundException extends ExportException {
  private static final long serialVersionUID = 1L;

  /** @param message what was not found, e.g. {@code "No files with index 3"} */
  public NotFoundException(String message) {
    super(message);
  }

  /** The exception for a run id that names no run of the caller's team. */
  public static NotFoundException run(String runId) {
    return new NotFoundException("No batch export run found with id '" + runId + "'");
  }
}
