package dev.fdbe;

import org.jspecify.annotations.Nullable;

/**
 * A request the library refuses (HTTP 400): a validation rule broken (with {@link #attr()} naming
 * the field), a status change the lifecycle does not allow (cancelling a run that already ended), a
 * run that cannot be downloaded yet, an expired file. The message is written for the user who sent
 * the request, in the HTTP API's words.
 */
public class InvalidRequestException extends ExportException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String attr;

  /**
   * @param attr the request field at fault, e.g. {@code "data_interval_end"}, or null
   * @param message what is wrong, in words the user can act on
   */
  public InvalidRequestException(@Nullable String attr, String message) {
    super(message);
    this.attr = attr;
  }

  /** The request field at fault, or null when the error is not about one field. */
  public @Nullable String attr() {
    return attr;
  }
}
