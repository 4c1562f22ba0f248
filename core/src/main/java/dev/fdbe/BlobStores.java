package dev.fdbe;

import dev.fdbe.internal.blob.InMemoryBlobStore;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreProvider;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The blob stores that ship with fdbe core, and discovery of the others by URI scheme. */
public final class BlobStores {
  /** The module that brings each of fdbe's own schemes, named in the error when it is missing. */
  private static final Map<String, String> MODULES = Map.of(
      "file", "dev.fdbe:fdbe-storage-local",
      "s3", "dev.fdbe:fdbe-storage-s3",
      "gs", "dev.fdbe:fdbe-storage-gcs");

  /** A store in this process's memory, for tests and offline use; its links use a {@code memory:} URI. */
  public static BlobStore inMemory() {
    return new InMemoryBlobStore();
  }

  /**
   * The store for a location, created by the {@link BlobStoreProvider} of its scheme found with
   * {@link ServiceLoader}: e.g. {@code file:///var/fdbe/files} with fdbe-storage-local on the class
   * path.
   *
   * @throws IllegalArgumentException listing the known schemes when none handles the location's
   * @throws IllegalStateException naming both classes when two providers handle the same scheme
   */
  public static BlobStore fromUri(URI location) {
    Objects.requireNonNull(location, "location");
    Map<String, BlobStoreProvider> providers = new TreeMap<>();
    for (BlobStoreProvider provider : ServiceLoader.load(BlobStoreProvider.class, BlobStores.class.getClassLoader())) {
      String scheme = provider.scheme().toLowerCase(Locale.ROOT);
      BlobStoreProvider earlier = providers.put(scheme, provider);
      if (earlier != null && !earlier.getClass().equals(provider.getClass())) {
        throw new IllegalStateException("two blob store providers handle scheme '" + scheme + "': "
            + earlier.getClass().getName() + " and " + provider.getClass().getName());
      }
    }
    String scheme = location.getScheme() == null ? "" : location.getScheme().toLowerCase(Locale.ROOT);
    BlobStoreProvider provider = providers.get(scheme);
    if (provider == null) {
      String module = MODULES.get(scheme);
      throw new IllegalArgumentException("no blob store handles '" + location + "'; "
          + (module != null ? "add " + module + " to the class path for scheme '" + scheme + "'; " : "")
          + "schemes on the class path: " + providers.keySet() + " (fdbe's stores: dev.fdbe:fdbe-storage-local for "
          + "file:, dev.fdbe:fdbe-storage-s3 for s3:, dev.fdbe:fdbe-storage-gcs for gs:)");
    }
    return provider.create(location);
  }

  private BlobStores() {}
}
