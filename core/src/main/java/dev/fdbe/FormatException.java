package dev.fdbe;

/** Writing or reading a file format failed for a reason that trying again will not fix. */
public class FormatException extends ExportException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
