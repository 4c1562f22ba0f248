package dev.fdbe;

/**
 * The root of the exceptions the library throws at run time. Its subclasses are the cases a caller
 * would catch; the server maps each to an HTTP status in one place.
 */
public class ExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExportException(String message) {
    super(message);
  }

  public ExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
