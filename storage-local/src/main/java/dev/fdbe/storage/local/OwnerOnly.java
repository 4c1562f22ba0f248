package dev.fdbe.storage.local;

import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/*
 * The permissions local storage creates its files (0600) and directories (0700) with: exported
 * data and the link signing key are for the process that serves them, not for other users of the
 * machine. Given at creation, so there is no moment when a file is readable by others; a file
 * system without POSIX permissions gets no attributes and its own defaults.
 */
final class OwnerOnly {
  private OwnerOnly() {}

  /** The attributes for a new file at {@code path}: owner read and write. */
  static FileAttribute<?>[] file(Path path) {
    return attributes(path, "rw-------");
  }

  /** The attributes for a new directory at {@code path}: owner read, write and search. */
  static FileAttribute<?>[] directory(Path path) {
    return attributes(path, "rwx------");
  }

  private static FileAttribute<?>[] attributes(Path path, String permissions) {
    if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
  }
}
