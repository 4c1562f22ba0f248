package dev.fdbe.internal;

import dev.fdbe.ExportException;
import dev.fdbe.FormatException;
import dev.fdbe.SourceException;
import dev.fdbe.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;

/** Decides whether a failure of an attempt is worth retrying, and describes it for users. */
final class Failures {
  /** Whether trying the attempt again later may succeed. */
  static boolean isRetryable(Throwable failure) {
    if (failure instanceof StorageException e) {
      return e.isRetryable();
    }
    if (failure instanceof SourceException e) {
      return e.isRetryable();
    }
    if (failure instanceof FormatException) {
      return false;
    }
    if (failure instanceof IOException || failure instanceof UncheckedIOException) {
      return true;
    }
    // The run store failing (a dropped connection, a restart) is worth waiting out.
    return failure instanceof ExportException && failure.getCause() instanceof SQLException;
  }

  /** A one-line description: the message, or the exception's type when it has none. */
  static String describe(Throwable failure) {
    String message = failure.getMessage();
    if (failure instanceof ExportException && message != null) {
      return message;
    }
    String type = failure.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  private Failures() {}
}
