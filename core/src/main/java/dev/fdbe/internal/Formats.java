package dev.fdbe.internal;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.spi.FormatProvider;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/** The format providers an engine writes with, one per format. */
public final class Formats {
  private final Map<FileFormat, FormatProvider> providers;

  private Formats(Map<FileFormat, FormatProvider> providers) {
    this.providers = providers;
  }

  /**
   * The given providers, completed by those {@link ServiceLoader} finds for formats none of them
   * covers.
   *
   * @throws IllegalStateException naming both classes when two discovered providers write one format
   */
  public static Formats resolve(Collection<FormatProvider> given, ClassLoader loader) {
    Map<FileFormat, FormatProvider> byFormat = new EnumMap<>(FileFormat.class);
    for (FormatProvider provider : given) {
      FormatProvider earlier = byFormat.put(provider.format(), provider);
      if (earlier != null) {
        throw new IllegalStateException("two format providers were given for " + provider.format() + ": "
            + earlier.getClass().getName() + " and " + provider.getClass().getName());
      }
    }
    Map<FileFormat, FormatProvider> discovered = new EnumMap<>(FileFormat.class);
    ServiceLoader<FormatProvider> loaded = loader == null
        ? ServiceLoader.load(FormatProvider.class)
        : ServiceLoader.load(FormatProvider.class, loader);
    for (FormatProvider provider : loaded) {
      if (byFormat.containsKey(provider.format())) {
        continue;
      }
      FormatProvider earlier = discovered.put(provider.format(), provider);
      if (earlier != null && !earlier.getClass().equals(provider.getClass())) {
        throw new IllegalStateException("two format providers on the class path write " + provider.format() + ": "
            + earlier.getClass().getName() + " and " + provider.getClass().getName()
            + "; pass the one to use to ExportEngine.Builder.formats(...)");
      }
    }
    byFormat.putAll(discovered);
    return new Formats(byFormat);
  }

  /** The provider of a format, if any. */
  public Optional<FormatProvider> provider(FileFormat format) {
    return Optional.ofNullable(providers.get(format));
  }

  /** The formats and, for each, the compressions available. */
  public Map<FileFormat, Set<Compression>> available() {
    Map<FileFormat, Set<Compression>> available = new EnumMap<>(FileFormat.class);
    providers.forEach((format, provider) -> available.put(format, Set.copyOf(provider.compressions())));
    return available;
  }
}
