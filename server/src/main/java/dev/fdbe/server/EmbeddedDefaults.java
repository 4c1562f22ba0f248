package dev.fdbe.server;

import dev.fdbe.BlobStores;
import dev.fdbe.ExportEngine;
import dev.fdbe.JdbcRecordSource;
import dev.fdbe.ReferenceTables;
import dev.fdbe.RunStores;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.RunStore;
import dev.fdbe.storage.local.LocalBlobStore;
import dev.fdbe.storage.local.LocalStorageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The installation that needs nothing installed: an H2 database file {@code <data-dir>/fdbe.mv.db}
 * holding the run store, the API keys and the reference tables (created if missing), and local
 * storage under {@code <data-dir>/files} whose links point at {@code linkBaseUrl} — or, when a
 * storage URI is given, the blob store its scheme names ({@code s3://...}, {@code gs://...}).
 */
final class EmbeddedDefaults implements AutoCloseable {
  final Path dataDir;
  final Path storageRoot;
  final DataSource dataSource;
  final RunStore runStore;
  final BlobStore blobStore;
  /** The local store whose links this server serves, or null when files live elsewhere. */
  final @Nullable LocalBlobStore localStore;

  EmbeddedDefaults(Path dataDir, URI linkBaseUrl) {
    this(dataDir, linkBaseUrl, null);
  }

  /**
   * @param storage where files go, e.g. {@code s3://bucket/prefix?region=eu-west-1}; null for local
   *     storage under the data directory
   * @throws IllegalArgumentException naming the problem when no blob store handles the URI
   */
  EmbeddedDefaults(Path dataDir, URI linkBaseUrl, @Nullable URI storage) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    try {
      this.storageRoot = Files.createDirectories(this.dataDir.resolve("files"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + this.dataDir, e);
    }
    // AUTO_SERVER lets a second process (e.g. `keys create`) use the file while the server runs.
    this.dataSource = RunStores.h2DataSource("jdbc:h2:" + this.dataDir.resolve("fdbe") + ";AUTO_SERVER=TRUE");
    ReferenceTables.create(dataSource);
    this.runStore = RunStores.jdbc(dataSource);
    if (storage == null) {
      this.localStore = LocalBlobStore.create(LocalStorageConfig.builder(storageRoot).linkBaseUrl(linkBaseUrl).build());
      this.blobStore = localStore;
    } else {
      this.blobStore = BlobStores.fromUri(storage);
      this.localStore = blobStore instanceof LocalBlobStore local ? local : null;
    }
  }

  /** An engine builder on these defaults. */
  ExportEngine.Builder engine() {
    return ExportEngine.builder()
        .runStore(runStore)
        .blobStore(blobStore)
        .recordSource(JdbcRecordSource.of(dataSource));
  }

  /** Closes the database file cleanly. */
  @Override
  public void close() {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    } catch (SQLException e) {
      // Already closed: nothing is left to flush.
    }
  }
}
