package dev.fdbe.storage.local;

import dev.fdbe.ExportException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What local storage tells its users of a failed file system call: whether trying again may help,
 * and what went wrong, in words that name no file (the exception, kept as the cause, names them for
 * the operator's log).
 */
final class FileSystemFailures {
  private FileSystemFailures() {}

  /**
   * A file system failure, retryable unless trying again cannot help: access denied, a missing
   * file or a file where a directory is needed, an unsupported operation. The message says what
   * went wrong without the files the exception names; the exception is the cause.
   */
  static ExportException of(String context, IOException e) {
    boolean permanent = e instanceof AccessDeniedException
        || e instanceof NoSuchFileException
        || e instanceof NotDirectoryException
        || e instanceof FileAlreadyExistsException
        || e instanceof DirectoryNotEmptyException
        || e instanceof AtomicMoveNotSupportedException
        || e instanceof FileSystemLoopException;
    return new ExportException(context + ": " + reason(e), e, !permanent);
  }

  private static String reason(IOException e) {
    if (!(e instanceof FileSystemException f)) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    if (e instanceof AccessDeniedException) {
      return "access denied";
    } else if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    } else if (e instanceof FileAlreadyExistsException) {
      return "exists and is not a directory";
    } else if (e instanceof DirectoryNotEmptyException) {
      return "a directory that is not empty is in the way";
    } else if (e instanceof AtomicMoveNotSupportedException) {
      return "the file system cannot rename atomically";
    }
    return f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
  }
}
