package dev.fdbe;

/** The run has no file download with the requested id or index (HTTP 404). */
public class PartNotFoundException extends ExportException {
  private static final long serialVersionUID = 1L;

  public PartNotFoundException(String message) {
    super(message);
  }
}
