package dev.fdbe;

/** No run with that id exists for the caller's team (HTTP 404). Another team's run is never revealed. */
public class RunNotFoundException extends ExportException {
  private static final long serialVersionUID = 1L;

  public RunNotFoundException(String runId) {
    super("No batch export run found with id '" + runId + "'");
  }
}
