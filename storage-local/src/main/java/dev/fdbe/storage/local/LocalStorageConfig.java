package dev.fdbe.storage.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link LocalBlobStore}: its root directory, the base URL of its download links
 * and, optionally, the secret that signs them. Immutable and thread-safe; building one touches no
 * file: the root is created and the secret is read or made only by {@link LocalBlobStore#create}.
 *
 * <pre>{@code
 * LocalStorageConfig config = LocalStorageConfig.builder(Path.of("/var/fdbe/files"))
 *     .linkBaseUrl(URI.create("https://exports.example.com/fdbe/local-downloads"))
 *     .build();
 * }</pre>
 */
public final class LocalStorageConfig {
  /** The base URL of download links when none is set: the fdbe server on its default port. */
  public static final URI DEFAULT_LINK_BASE_URL = URI.create("http://127.0.0.1:8000/fdbe/local-downloads");

  /** The shortest signing key accepted, in bytes: the output size of HMAC-SHA256. */
  public static final int MIN_SIGNING_KEY_BYTES = 32;

  private final Path root;
  private final URI linkBaseUrl;
  private final byte @Nullable [] signingKey;

  private LocalStorageConfig(Path root, URI linkBaseUrl, byte @Nullable [] signingKey) {
    this.root = root;
    this.linkBaseUrl = linkBaseUrl;
    this.signingKey = signingKey;
  }

  /**
   * A builder for a store under {@code root}. A relative root is resolved against the working
   * directory now, so later changes of it do not move the store.
   *
   * @throws IllegalArgumentException when {@code root} is a file system root such as {@code /},
   *     whose every file {@code deleteByPrefix("")} would delete
   */
  public static Builder builder(Path root) {
    Objects.requireNonNull(root, "root");
    Path absolute = root.toAbsolutePath().normalize();
    if (absolute.getParent() == null) {
      throw new IllegalArgumentException("root must be a directory below a file system root, got " + absolute);
    }
    return new Builder(absolute, DEFAULT_LINK_BASE_URL, null);
  }

  /**
   * A builder starting from this config's values. Each option may still be set once on it, which
   * replaces the copied value.
   */
  public Builder toBuilder() {
    return new Builder(root, linkBaseUrl, signingKey);
  }

  /** The directory that holds the objects; absolute and normalized. */
  public Path root() {
    return root;
  }

  /**
   * The URL that download links start with, without a trailing {@code /}; default
   * {@link #DEFAULT_LINK_BASE_URL}.
   */
  public URI linkBaseUrl() {
    return linkBaseUrl;
  }

  /**
   * A copy of the secret that signs download links, or empty when the store keeps its own in
   * {@code <root>/.fdbe/link-signing-key} (the default).
   */
  public Optional<byte[]> signingKey() {
    return signingKey == null ? Optional.empty() : Optional.of(signingKey.clone());
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof LocalStorageConfig that
        && root.equals(that.root)
        && linkBaseUrl.equals(that.linkBaseUrl)
        && Arrays.equals(signingKey, that.signingKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(root, linkBaseUrl, Arrays.hashCode(signingKey));
  }

  /** The settings, with the signing key's length in place of its bytes. */
  @Override
  public String toString() {
    return "LocalStorageConfig[root=" + root + ", linkBaseUrl=" + linkBaseUrl + ", signingKey="
        + (signingKey == null ? "from " + LocalBlobStore.KEY_FILE_NAME + " under the root" : describeKey(signingKey))
        + "]";
  }

  private static String describeKey(byte[] key) {
    return "<" + key.length + " bytes, not shown>";
  }

  /**
   * Builds a {@link LocalStorageConfig}. Each option may be set once; setting it again is an
   * {@link IllegalStateException} naming the earlier value (a signing key only by its length).
   * Setters reject bad values at once. Not thread-safe; stays usable after {@link #build()}.
   */
  public static final class Builder {
    private final Path root;
    private final URI copiedLinkBaseUrl;
    private final byte @Nullable [] copiedSigningKey;
    private @Nullable URI linkBaseUrl;
    private byte @Nullable [] signingKey;

    private Builder(Path root, URI copiedLinkBaseUrl, byte @Nullable [] copiedSigningKey) {
      this.root = root;
      this.copiedLinkBaseUrl = copiedLinkBaseUrl;
      this.copiedSigningKey = copiedSigningKey;
    }

    /**
     * The URL download links start with, e.g. {@code https://exports.example.com/fdbe/local-downloads};
     * links are {@code <linkBaseUrl>/<key>?filename=...&expires=...&signature=...}. Whoever serves
     * that URL answers with a {@link LocalDownloadHandler}. A trailing {@code /} is dropped.
     * Default {@link #DEFAULT_LINK_BASE_URL}.
     *
     * @throws IllegalArgumentException naming the URL when it is not an absolute {@code http} or
     *     {@code https} URL with a host and without user info, query or fragment
     * @throws IllegalStateException when it was already set
     */
    public Builder linkBaseUrl(URI value) {
      Objects.requireNonNull(value, "linkBaseUrl");
      URI checked = checkLinkBaseUrl(value);
      if (linkBaseUrl != null) {
        throw new IllegalStateException("linkBaseUrl was already set to " + linkBaseUrl);
      }
      linkBaseUrl = checked;
      return this;
    }

    /**
     * The secret that signs download links, copied. Every store that should accept the same links
     * needs the same secret. Default: the store's own random secret, kept in
     * {@code <root>/.fdbe/link-signing-key} and made on first use.
     *
     * @throws IllegalArgumentException when it is shorter than {@link #MIN_SIGNING_KEY_BYTES}
     * @throws IllegalStateException when it was already set
     */
    public Builder signingKey(byte[] value) {
      Objects.requireNonNull(value, "signingKey");
      if (value.length < MIN_SIGNING_KEY_BYTES) {
        throw new IllegalArgumentException("signingKey must be at least " + MIN_SIGNING_KEY_BYTES
            + " bytes, got " + value.length);
      }
      if (signingKey != null) {
        throw new IllegalStateException("signingKey was already set to " + describeKey(signingKey));
      }
      signingKey = value.clone();
      return this;
    }

    /** The config, with defaults for the options not set. */
    public LocalStorageConfig build() {
      byte[] key = signingKey != null ? signingKey : copiedSigningKey;
      return new LocalStorageConfig(root, linkBaseUrl != null ? linkBaseUrl : copiedLinkBaseUrl,
          key == null ? null : key.clone());
    }

    private static URI checkLinkBaseUrl(URI url) {
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      String problem = null;
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problem = "it must be an absolute http or https URL";
      } else if (url.isOpaque() || url.getHost() == null) {
        // java.net.URI leaves the host null when the name is not a valid one, e.g. with a '_'
        problem = url.getRawAuthority() == null || url.isOpaque() ? "it has no host"
            : "'" + url.getRawAuthority() + "' is not a valid host name (letters, digits, '-' and '.', no '_')";
      } else if (url.getRawUserInfo() != null) {
        problem = "it must not carry user info";
      } else if (url.getRawQuery() != null) {
        problem = "it must not have a query";
      } else if (url.getRawFragment() != null) {
        problem = "it must not have a fragment";
      }
      if (problem != null) {
        throw new IllegalArgumentException("invalid linkBaseUrl '" + url + "': " + problem);
      }
      String text = url.toString();
      int end = text.length();
      while (end > 0 && text.charAt(end - 1) == '/') {
        end--;
      }
      return end == text.length() ? url : URI.create(text.substring(0, end));
    }
  }
}
