package dev.fdbe.storage.local;

import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStoreProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/*
 * The download links of one LocalBlobStore: making them (signedLink) and checking them as they come
 * back (verifyLink). The public contract is on LocalBlobStore's methods; this class is their body.
 *
 * A link is <linkBaseUrl>/<key>?filename=<name>&expires=<epoch seconds>&signature=<sig>; LinkKey
 * owns the signature. A link is checked in an order that tells a forger nothing: its shape, then
 * the signature (in constant time), then the expiry, and only then whether the object still exists.
 * Its query is read with the one strict grammar of store locations (BlobStoreProvider.parameters).
 * Every refusal is an InvalidLinkException; untrusted text in its message is quoted and cut short,
 * so that a long link cannot flood a log.
 */
final class DownloadLinks {
  private static final int MAX_QUOTED_CHARS = 200;
  private static final Pattern EXPIRES = Pattern.compile("0|[1-9][0-9]{0,17}");
  private static final Pattern SIGNATURE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Set<String> LINK_PARAMETERS = Set.of("filename", "expires", "signature");

  private final LocalBlobStore store;
  private final URI baseUrl;
  private final LinkKey linkKey;

  /**
   * The links of a store whose root exists: signed with the configured secret or, by default, the
   * one kept under the root, which is read, or made first, here.
   *
   * @throws dev.fdbe.ExportException when the key file cannot be made or read
   */
  DownloadLinks(LocalBlobStore store, LocalStorageConfig config) {
    this.store = store;
    this.baseUrl = config.linkBaseUrl();
    this.linkKey = config.signingKey().map(LinkKey::of)
        .orElseGet(() -> LinkKey.fromFile(store.root().resolve(LocalBlobStore.KEY_FILE_NAME)));
  }

  URI baseUrl() {
    return baseUrl;
  }

  /** The body of {@link LocalBlobStore#signedLink}, for arguments the store has checked. */
  URI sign(String key, String fileName, Instant expiresAt) {
    long expires = expiresAt.getEpochSecond();
    if (expires < 0) {
      throw new IllegalArgumentException("expiresAt must not be before 1970, got " + expiresAt);
    }
    return URI.create(baseUrl + "/" + key + "?filename=" + encode(fileName) + "&expires=" + expires
        + "&signature=" + linkKey.sign(key, fileName, expires));
  }

  /** The body of {@link LocalBlobStore#verifyLink(String, String, String, String, Instant)}. */
  VerifiedDownload verify(String key, String fileName, String expires, String signature, Instant now) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(now, "now");
    if (!LocalBlobStore.isLocalKey(key)) {
      throw tampered("invalid download link: " + quote(key) + " is not a valid object key");
    }
    if (!EXPIRES.matcher(expires).matches()) {
      throw tampered("invalid download link for '" + key + "': malformed expires " + quote(expires));
    }
    if (!SIGNATURE.matcher(signature).matches()) {
      throw tampered("invalid download link for '" + key + "': malformed signature " + quote(signature));
    }
    long expiresSecond = Long.parseLong(expires);
    if (!linkKey.matches(key, fileName, expiresSecond, signature)) {
      throw tampered("invalid download link for '" + key + "': the signature does not match; the link was "
          + "changed or made by another store");
    }
    Instant expiresAt = Instant.ofEpochSecond(expiresSecond);
    if (!now.isBefore(expiresAt)) {
      throw new InvalidLinkException(InvalidLinkException.Reason.EXPIRED,
          "download link for '" + key + "' expired at " + expiresAt);
    }
    Optional<BlobInfo> object = store.stat(key);
    if (object.isEmpty()) {
      throw new InvalidLinkException(InvalidLinkException.Reason.GONE,
          "download link for '" + key + "' points to an object that no longer exists");
    }
    return new VerifiedDownload(key, store.resolve(key), fileName, object.get().sizeBytes());
  }

  /** The body of {@link LocalBlobStore#verifyLink(String, String, Instant)}. */
  VerifiedDownload verify(String path, @Nullable String rawQuery, Instant now) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(now, "now");
    String key = path.startsWith("/") ? path.substring(1) : path;
    if (rawQuery == null) {
      throw tampered("invalid download link for " + quote(key) + ": it has no query");
    }
    Map<String, String> parameters;
    try {
      parameters = BlobStoreProvider.parameters(rawQuery);
    } catch (IllegalArgumentException e) {
      throw tampered("invalid download link for " + quote(key) + ": " + e.getMessage());
    }
    for (String name : parameters.keySet()) {
      if (!LINK_PARAMETERS.contains(name)) {
        throw tampered("invalid download link for " + quote(key) + ": unexpected query parameter " + quote(name));
      }
    }
    for (String name : List.of("filename", "expires", "signature")) {
      if (!parameters.containsKey(name)) {
        throw tampered("invalid download link for " + quote(key) + ": missing query parameter '" + name + "'");
      }
    }
    return verify(key, parameters.get("filename"), parameters.get("expires"), parameters.get("signature"), now);
  }

  /** The value percent-encoded for a link's query, spaces as {@code %20}. */
  static String encode(String value) {
    // URLEncoder writes a space as '+' and a literal '+' as %2B, so the replacement is exact.
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static InvalidLinkException tampered(String message) {
    return new InvalidLinkException(InvalidLinkException.Reason.TAMPERED, message);
  }

  /** Untrusted text for a message: quoted, and cut short so that a long link cannot flood a log. */
  private static String quote(String text) {
    return "'" + (text.length() > MAX_QUOTED_CHARS ? text.substring(0, MAX_QUOTED_CHARS) + "..." : text) + "'";
  }
}
