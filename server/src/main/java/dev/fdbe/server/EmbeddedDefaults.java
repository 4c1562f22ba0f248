package dev.fdbe.server;

import dev.fdbe.RecordSources;
import dev.fdbe.BlobStores;
import dev.fdbe.ExportEngine;
import dev.fdbe.RunStores;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreProvider;
import dev.fdbe.spi.RunStore;
import dev.fdbe.storage.local.LocalBlobStore;
import dev.fdbe.storage.local.LocalBlobStoreProvider;
import dev.fdbe.storage.local.LocalStorageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The installation that needs nothing installed: an H2 database file {@code <data-dir>/fdbe.mv.db}
 * (or the database a JDBC URL names) holding the run store, the API keys and the reference tables,
 * and local storage under {@code <data-dir>/files} whose links point at
 * {@code linkBaseUrl} — or, when a storage URI is given, the blob store its scheme names
 * ({@code s3://...}, {@code gs://...}).
 */
final class EmbeddedDefaults implements AutoCloseable {
  final Path dataDir;
  final Path storageRoot;
  final ServerDatabase database;
  final DataSource dataSource;
  final RunStore runStore;
  final BlobStore blobStore;
  /** The local store whose links this server serves, or null when files live elsewhere. */
  final @Nullable LocalBlobStore localStore;

  EmbeddedDefaults(Path dataDir, URI linkBaseUrl) {
    this(dataDir, linkBaseUrl, null, ServerDatabase.embedded(dataDir));
  }

  /**
   * @param storage where files go, e.g. {@code s3://bucket/prefix?region=eu-west-1}; null for local
   *     storage under the data directory
   * @param database the database, closed with these defaults (and on failure here)
   * @throws IllegalArgumentException naming the problem when no blob store handles the URI
   */
  EmbeddedDefaults(Path dataDir, URI linkBaseUrl, @Nullable URI storage, ServerDatabase database) {
    this.database = database;
    this.dataSource = database.dataSource;
    try {
      this.dataDir = dataDir.toAbsolutePath().normalize();
      try {
        this.storageRoot = Files.createDirectories(this.dataDir.resolve("files"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the data directory " + this.dataDir, e);
      }
      this.runStore = RunStores.jdbc(dataSource);
      if (storage == null) {
        this.localStore =
            LocalBlobStore.create(LocalStorageConfig.builder(storageRoot).linkBaseUrl(linkBaseUrl).build());
        this.blobStore = localStore;
      } else {
        this.blobStore = BlobStores.fromUri(linkedHere(storage, linkBaseUrl));
        this.localStore = blobStore instanceof LocalBlobStore local ? local : null;
      }
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /**
   * A {@code file:} location without a link base of its own, given this server's ({@code
   * --link-base-url}, else {@code <public-url>/fdbe/local-downloads}): its files are served here, so
   * their links must lead here, not to the local store's default of {@code http://127.0.0.1:8000}.
   * Any other location is returned as it is.
   */
  static URI linkedHere(URI storage, URI linkBaseUrl) {
    if (!"file".equalsIgnoreCase(storage.getScheme())) {
      return storage;
    }
    try {
      if (BlobStoreProvider.parameters(storage.getRawQuery()).containsKey(LocalBlobStoreProvider.LINK_BASE_URL_PARAMETER)) {
        return storage;
      }
    } catch (IllegalArgumentException malformed) {
      return storage; // the local store refuses it, naming the location
    }
    return withLinkBaseUrl(storage, linkBaseUrl);
  }

  /** The {@code file:} location with the link base URL added as its parameter. */
  static URI withLinkBaseUrl(URI storage, URI linkBaseUrl) {
    return URI.create(storage + (storage.getRawQuery() == null ? "?" : "&")
        + LocalBlobStoreProvider.LINK_BASE_URL_PARAMETER + "=" + URLEncoder.encode(linkBaseUrl.toString(), StandardCharsets.UTF_8));
  }

  /** An engine builder on these defaults. */
  ExportEngine.Builder engine() {
    return ExportEngine.builder()
        .runStore(runStore)
        .blobStore(blobStore)
        .recordSource(RecordSources.jdbc(dataSource));
  }

  /** Closes the database cleanly. */
  @Override
  public void close() {
    database.close();
  }
}
