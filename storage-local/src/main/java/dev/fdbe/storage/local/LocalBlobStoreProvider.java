package dev.fdbe.storage.local;

import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Makes {@link LocalBlobStore}s for {@code file:} locations; found by
 * {@link dev.fdbe.BlobStores#fromUri} through {@link java.util.ServiceLoader}.
 *
 * <p>The location is an absolute directory, {@code file:///var/fdbe/files}, optionally with the
 * query parameter {@code linkBaseUrl} (URL-encoded), e.g.
 * {@code file:///var/fdbe/files?linkBaseUrl=https%3A%2F%2Fexports.example.com%2Fdownloads}. The
 * signing key is always the one kept under the root: secrets do not belong in URIs. Thread-safe.
 */
public final class LocalBlobStoreProvider implements BlobStoreProvider {
  /** The query parameter that sets {@link LocalStorageConfig.Builder#linkBaseUrl}. */
  public static final String LINK_BASE_URL_PARAMETER = "linkBaseUrl";

  /** A provider; called by {@link java.util.ServiceLoader}. */
  public LocalBlobStoreProvider() {}

  /** {@code file}. */
  @Override
  public String scheme() {
    return "file";
  }

  /**
   * A store on the location's directory, created if missing.
   *
   * @throws IllegalArgumentException naming the location and the problem when it is not a
   *     {@code file:} URI of an absolute path without host or fragment, or its query holds anything
   *     but one well-formed {@code linkBaseUrl}
   * @throws dev.fdbe.ExportException when the directory or its signing key cannot be made or read
   */
  @Override
  public BlobStore create(URI location) {
    return LocalBlobStore.create(config(location));
  }

  /** The config a location describes; touches no file. */
  static LocalStorageConfig config(URI location) {
    Objects.requireNonNull(location, "location");
    if (!"file".equalsIgnoreCase(location.getScheme())) {
      throw invalid(location, "the scheme must be 'file'");
    }
    if (location.isOpaque()) {
      throw invalid(location, "the path must be absolute, as in file:///var/fdbe/files");
    }
    if (location.getRawAuthority() != null && !location.getRawAuthority().isEmpty()) {
      throw invalid(location, "a host ('" + location.getRawAuthority() + "') is not supported; use file:///path");
    }
    if (location.getRawFragment() != null) {
      throw invalid(location, "a fragment is not supported");
    }
    String path = location.getPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      throw invalid(location, "a directory below '/' is needed");
    }
    Path root;
    try {
      root = Path.of(new URI("file", null, path, null, null));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw invalid(location, "the path is not a local path: " + e.getMessage());
    }
    LocalStorageConfig.Builder builder = LocalStorageConfig.builder(root);
    Map<String, String> parameters;
    try {
      parameters = BlobStoreProvider.parameters(location.getRawQuery());
    } catch (IllegalArgumentException e) {
      throw invalid(location, "malformed query: " + e.getMessage());
    }
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      if (!parameter.getKey().equals(LINK_BASE_URL_PARAMETER)) {
        throw invalid(location, "unknown query parameter '" + parameter.getKey() + "'; known: "
            + LINK_BASE_URL_PARAMETER);
      }
      URI linkBaseUrl;
      try {
        linkBaseUrl = new URI(parameter.getValue());
      } catch (URISyntaxException e) {
        throw invalid(location, LINK_BASE_URL_PARAMETER + " '" + parameter.getValue() + "' is not a URI");
      }
      try {
        builder.linkBaseUrl(linkBaseUrl);
      } catch (IllegalArgumentException e) {
        throw invalid(location, e.getMessage());
      }
    }
    return builder.build();
  }

  private static IllegalArgumentException invalid(URI location, String problem) {
    return new IllegalArgumentException("invalid local storage location '" + location + "': " + problem);
  }
}
