package dev.fdbe.internal;

import dev.fdbe.ExportException;
import dev.fdbe.internal.store.SqlFailures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Decides whether a failure of an attempt is worth retrying, and describes it for users. */
final class Failures {
  /** Whether trying the attempt again later may succeed. */
  static boolean isRetryable(Throwable failure) {
    if (failure instanceof ExportException e) {
      return e.isRetryable();
    }
    return failure instanceof IOException || failure instanceof UncheckedIOException;
  }

  /**
   * A one-line description for the run's users: the message of one of our exceptions, which is
   * written for them, or else the exception's type and what it says. A file system exception says
   * only its reason, an SQL exception is described by {@link SqlFailures#describe}, and the files
   * and unknown hosts that any exception of the chain names are taken out of the text wherever a
   * message repeated them. What is left is redacted on its way to the user (see {@link RunLog}).
   */
  static String describe(Throwable failure) {
    Throwable thrown = failure instanceof UncheckedIOException unchecked ? unchecked.getCause() : failure;
    String message = thrown.getMessage();
    String text;
    if (thrown instanceof ExportException && message != null) {
      text = message;
    } else {
      if (thrown instanceof FileSystemException fileSystem) {
        message = fileSystem.getReason();
      } else if (thrown instanceof SQLException sql) {
        message = SqlFailures.describe(sql);
      }
      String type = thrown.getClass().getSimpleName();
      text = message == null || message.isBlank() ? type : type + ": " + message;
    }
    return withoutNamesFrom(failure, text);
  }

  /** The text with the absolute paths and the unresolved host names that the chain's exceptions carry replaced. */
  private static String withoutNamesFrom(Throwable failure, String text) {
    String result = text;
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof FileSystemException fileSystem) {
        for (String file : new String[] {fileSystem.getFile(), fileSystem.getOtherFile()}) {
          if (isAbsolutePath(file)) {
            result = result.replace(file, "<path>");
          }
        }
      } else if (t instanceof UnknownHostException && t.getMessage() != null) {
        // "db.internal" or "db.internal: Name or service not known"
        String host = t.getMessage().split(":", 2)[0].strip();
        if (!host.isEmpty() && host.chars().noneMatch(Character::isWhitespace)) {
          result = result.replace(host, "<host>");
        }
      }
    }
    return result;
  }

  private static boolean isAbsolutePath(String file) {
    if (file == null || file.isEmpty()) {
      return false;
    }
    try {
      return Path.of(file).isAbsolute();
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private Failures() {}
}
