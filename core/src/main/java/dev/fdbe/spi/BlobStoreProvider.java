package dev.fdbe.spi;

import dev.fdbe.internal.blob.StrictQuery;
import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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

  /**
   * The parameters of a raw, still percent-encoded query ({@code region=eu-west-1&sse=aws%3Akms}),
   * by name in the order they appear: the one query grammar of every store location, for
   * {@link #create} to read its settings with. Names and values are percent-encoded UTF-8, and
   * {@code +} is a space. Decoding is strict: a part without {@code =} or without a name, a
   * repeated name, a character that must be percent-encoded (a space, {@code &} or {@code =} inside
   * a value, anything outside ASCII), a {@code %} not followed by two hex digits and bytes that are
   * not UTF-8 are refused rather than guessed at, so that a typo in a location is reported instead
   * of silently changing where exports go. Values may be empty; which names a provider knows, and
   * which values it takes, it checks itself. Thread-safe; reads nothing but its argument.
   *
   * @param rawQuery the query as {@link URI#getRawQuery()} returns it; null or empty for none
   * @return the decoded parameters, unmodifiable; empty when there is no query
   * @throws IllegalArgumentException naming the offending part or parameter and the problem, e.g.
   *     {@code query parameter 'region' is repeated} or
   *     {@code 'a b' has a character that must be percent-encoded: ' '}; the message does not name
   *     the location, so that the provider can say which one it was
   */
  static Map<String, String> parameters(@Nullable String rawQuery) {
    return rawQuery == null ? Map.of() : StrictQuery.parse(rawQuery);
  }
}
