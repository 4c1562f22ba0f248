package dev.fdbe.storage.local;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/*
 * Percent-encoding for the queries of download links. Reading them is the strict grammar every
 * store location uses too, dev.fdbe.spi.BlobStoreProvider#parameters.
 */
final class UrlQuery {
  private UrlQuery() {}

  /** The value percent-encoded for a query, spaces as {@code %20}. */
  static String encode(String value) {
    // URLEncoder writes a space as '+' and a literal '+' as %2B, so the replacement is exact.
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
