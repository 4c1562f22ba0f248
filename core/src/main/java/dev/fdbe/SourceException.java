package dev.fdbe;

/**
 * Reading rows from a record source failed. {@link #isRetryable()} tells the engine whether trying
 * again later may work (a lost connection) or not (a missing table or column).
 */
public class SourceException extends ExportException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public SourceException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public SourceException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether reading may succeed if tried again later. */
  public boolean isRetryable() {
    return retryable;
  }
}
