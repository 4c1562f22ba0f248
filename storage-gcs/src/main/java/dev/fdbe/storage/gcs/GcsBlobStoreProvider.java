package dev.fdbe.storage.gcs;

import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Makes {@link GcsBlobStore}s for {@code gs:} locations; found by
 * {@link dev.fdbe.BlobStores#fromUri} through {@link java.util.ServiceLoader}.
 *
 * <p>The location is {@code gs://<bucket>[/<key prefix>][?<parameters>]}, e.g.
 * {@code gs://my-exports/fdbe?credentialsFile=/etc/fdbe/gcs-key.json&chunkSizeMb=8}. Parameters,
 * each at most once, values strictly percent-encoded UTF-8 ({@code +} is a space) as
 * {@link BlobStoreProvider#parameters} reads them:
 *
 * <ul>
 *   <li>{@code projectId}: the project to resolve against; default the credentials'.
 *   <li>{@code credentialsFile}: a service-account key file (JSON), which also signs download
 *       links; default Application Default Credentials.
 *   <li>{@code endpoint}: {@code http(s)://host[:port]} to use instead of Cloud Storage, e.g. an
 *       emulator; without {@code credentialsFile} it is then used without credentials.
 *   <li>{@code chunkSizeMb}: the resumable upload chunk size in MiB, 1 to 1024; default 16.
 * </ul>
 *
 * <p>Anything else is refused. Thread-safe.
 */
public final class GcsBlobStoreProvider implements BlobStoreProvider {
  /** The query parameter that sets {@link GcsStorageConfig.Builder#projectId}. */
  public static final String PROJECT_ID_PARAMETER = "projectId";
  /** The query parameter that sets {@link GcsStorageConfig.Builder#credentialsFile}. */
  public static final String CREDENTIALS_FILE_PARAMETER = "credentialsFile";
  /** The query parameter that sets {@link GcsStorageConfig.Builder#endpoint}. */
  public static final String ENDPOINT_PARAMETER = "endpoint";
  /** The query parameter that sets {@link GcsStorageConfig.Builder#chunkSizeBytes}, in MiB. */
  public static final String CHUNK_SIZE_MB_PARAMETER = "chunkSizeMb";

  private static final List<String> PARAMETERS =
      List.of(PROJECT_ID_PARAMETER, CREDENTIALS_FILE_PARAMETER, ENDPOINT_PARAMETER, CHUNK_SIZE_MB_PARAMETER);
  private static final int BYTES_PER_MB = 1024 * 1024;

  /** A provider; called by {@link java.util.ServiceLoader}. */
  public GcsBlobStoreProvider() {}

  /** {@code gs}. */
  @Override
  public String scheme() {
    return "gs";
  }

  /**
   * A store on the location's bucket and prefix.
   *
   * @throws IllegalArgumentException naming the location and the problem when it is not a
   *     {@code gs://bucket[/prefix]} URI with a valid bucket name and prefix, or its query holds an
   *     unknown, repeated, empty or invalid parameter
   * @throws dev.fdbe.ExportException when the key file cannot be read, or no credentials are found
   */
  @Override
  public BlobStore create(URI location) {
    return GcsBlobStore.create(config(location));
  }

  /** The config a location describes; reads no file and opens no connection. */
  static GcsStorageConfig config(URI location) {
    Objects.requireNonNull(location, "location");
    if (!"gs".equalsIgnoreCase(location.getScheme())) {
      throw invalid(location, "the scheme must be 'gs'");
    }
    if (location.isOpaque() || location.getRawAuthority() == null || location.getRawAuthority().isEmpty()) {
      throw invalid(location, "it must name a bucket, as in gs://my-bucket/prefix");
    }
    if (location.getRawFragment() != null) {
      throw invalid(location, "a fragment is not supported");
    }
    GcsStorageConfig.Builder builder;
    try {
      builder = GcsStorageConfig.builder(location.getRawAuthority());
    } catch (IllegalArgumentException e) {
      throw invalid(location, e.getMessage());
    }
    String path = location.getPath() == null ? "" : location.getPath();
    String prefix = path.startsWith("/") ? path.substring(1) : path;
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!prefix.isEmpty()) {
      try {
        builder.keyPrefix(prefix);
      } catch (IllegalArgumentException e) {
        throw invalid(location, e.getMessage());
      }
    }
    Map<String, String> parameters;
    try {
      parameters = BlobStoreProvider.parameters(location.getRawQuery());
    } catch (IllegalArgumentException e) {
      throw invalid(location, e.getMessage());
    }
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      String value = parameter.getValue();
      if (!PARAMETERS.contains(name)) {
        throw invalid(location, "unknown query parameter '" + name + "'; known: " + String.join(", ", PARAMETERS));
      }
      if (value.isEmpty()) {
        throw invalid(location, "query parameter '" + name + "' is empty");
      }
      try {
        switch (name) {
          case PROJECT_ID_PARAMETER -> builder.projectId(value);
          case CREDENTIALS_FILE_PARAMETER -> builder.credentialsFile(Path.of(value));
          case ENDPOINT_PARAMETER -> builder.endpoint(new URI(value));
          case CHUNK_SIZE_MB_PARAMETER -> builder.chunkSizeBytes(chunkSizeBytes(value));
          default -> throw new AssertionError("query parameter '" + name + "' is in PARAMETERS but not applied");
        }
      } catch (URISyntaxException | InvalidPathException e) {
        throw invalid(location, name + " '" + value + "' is invalid: " + e.getMessage());
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw invalid(location, e.getMessage());
      }
    }
    return builder.build();
  }

  private static int chunkSizeBytes(String value) {
    int mb;
    try {
      mb = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      mb = -1;
    }
    if (mb < 1 || mb > GcsStorageConfig.MAX_CHUNK_SIZE_BYTES / BYTES_PER_MB) {
      throw new IllegalArgumentException(CHUNK_SIZE_MB_PARAMETER + " must be a whole number of MiB from 1 to "
          + GcsStorageConfig.MAX_CHUNK_SIZE_BYTES / BYTES_PER_MB + ", got '" + value + "'");
    }
    return mb * BYTES_PER_MB;
  }

  private static IllegalArgumentException invalid(URI location, String problem) {
    return new IllegalArgumentException("invalid Google Cloud Storage location '" + location + "': " + problem);
  }
}
