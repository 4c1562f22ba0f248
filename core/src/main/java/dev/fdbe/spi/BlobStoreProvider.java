package dev.fdbe.spi;

import java.net.URI;

/**
 * Creates blob stores for one URI scheme ({@code file}, {@code s3}, {@code gs}). Found with
 * {@link java.util.ServiceLoader}; a {@link BlobStore} given to the engine's builder wins over
 * discovery. Two providers of one scheme are a configuration error.
 */
public interface BlobStoreProvider {
  /** The URI scheme this provider handles, lower-case. */
  String scheme();

  /**
   * A store for the location, e.g. {@code file:///var/fdbe/files}. Settings beyond the location
   * come as URI query parameters documented by the provider.
   *
   * @throws IllegalArgumentException naming what is wrong with the location
   */
  BlobStore create(URI location);
}
