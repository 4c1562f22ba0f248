package dev.fdbe;

import org.jspecify.annotations.Nullable;

/**
 * The root of the exceptions the library throws at run time, and the failure of an operation of a
 * record source, blob store, file format or run store.
 *
 * <p>Its subclasses are the refusals a caller would catch: {@link InvalidRequestException},
 * {@link NotFoundException}, {@link PermissionDeniedException} and {@link TooManyRunsException}; the
 * server maps each to an HTTP status in one place. An {@code ExportException} itself is a failure:
 * {@link #isRetryable()} tells the engine whether trying again later may work (a lost connection, a
 * timeout, a throttled request) or not (a missing table, access denied, a row a format cannot hold).
 *
 * <p>Plug-ins throw it at their boundary, wrapping the SDK's exception as the cause. Its message may
 * reach the run's users (the run's log and error), so it names stores by their description and
 * objects by key; paths and hosts belong in the cause and the SLF4J log.
 */
public class ExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /** A failure that trying again will not fix. */
  public ExportException(String message) {
    this(message, null, false);
  }

  /** A failure that trying again will not fix, caused by {@code cause}. */
  public ExportException(String message, @Nullable Throwable cause) {
    this(message, cause, false);
  }

  /**
   * A failure.
   *
   * @param retryable whether the same operation may succeed when tried again later
   */
  public ExportException(String message, boolean retryable) {
    this(message, null, retryable);
  }

  /**
   * A failure caused by {@code cause}.
   *
   * @param retryable whether the same operation may succeed when tried again later
   */
  public ExportException(String message, @Nullable Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether the operation that failed may succeed when tried again later. */
  public boolean isRetryable() {
    return retryable;
  }
}
