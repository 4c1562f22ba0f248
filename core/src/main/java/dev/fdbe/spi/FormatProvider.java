package dev.fdbe.spi;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.schema.Schema;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * Writes one {@link FileFormat}. Found with {@link java.util.ServiceLoader}; a provider given to
 * the engine's builder wins over discovery. Implementations are thread-safe factories; the writers
 * they open are not.
 */
public interface FormatProvider {
  /** The format this provider writes. */
  FileFormat format();

  /** The compressions this provider supports. */
  Set<Compression> compressions();

  /**
   * Opens a writer of one file (one part) onto {@code out}. The writer never closes {@code out}.
   *
   * @throws IOException when the file header cannot be written
   * @throws IllegalArgumentException when the compression is not one of {@link #compressions()}
   */
  RecordWriter open(OutputStream out, Schema schema, Compression compression, WriterContext context)
      throws IOException;
}
