package dev.fdbe;

/**
 * A blob store operation failed. {@link #isRetryable()} tells the engine whether trying again later
 * may work (a timeout, a throttled request) or not (access denied, no such bucket).
 */
public class StorageException extends ExportException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public StorageException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public StorageException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether the same operation may succeed if tried again later. */
  public boolean isRetryable() {
    return retryable;
  }
}
