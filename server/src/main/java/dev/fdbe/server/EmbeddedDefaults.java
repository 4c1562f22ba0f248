package dev.fdbe.server;

import dev.fdbe.BlobStores;
import dev.fdbe.ExportEngine;
import dev.fdbe.JdbcRecordSource;
import dev.fdbe.ReferenceTables;
import dev.fdbe.RunStores;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * The installation that needs nothing installed: an H2 database file {@code <data-dir>/fdbe.mv.db}
 * holding both the run store and the reference tables (created if missing), and local storage under
 * {@code <data-dir>/files}.
 */
final class EmbeddedDefaults {
  final Path dataDir;
  final Path storageRoot;
  final DataSource dataSource;
  final RunStore runStore;
  final BlobStore blobStore;

  EmbeddedDefaults(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    try {
      this.storageRoot = Files.createDirectories(this.dataDir.resolve("files"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + this.dataDir, e);
    }
    this.dataSource = RunStores.h2DataSource("jdbc:h2:" + this.dataDir.resolve("fdbe"));
    ReferenceTables.create(dataSource);
    this.runStore = RunStores.jdbc(dataSource);
    this.blobStore = BlobStores.fromUri(storageRoot.toUri());
  }

  /** An engine builder on these defaults. */
  ExportEngine.Builder engine() {
    return ExportEngine.builder()
        .runStore(runStore)
        .blobStore(blobStore)
        .recordSource(JdbcRecordSource.of(dataSource));
  }
}
