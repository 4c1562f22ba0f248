package dev.fdbe.storage.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/*
 * Entity tags of downloads and the two conditional headers a download honours (RFC 9110, 8.8.3 and
 * 13.1.2, 13.1.5).
 *
 * A tag is strong: "<22 base64url characters>", the first 128 bits of SHA-256 over the object's
 * key, size, last-modified time (in nanoseconds) and file identity (the inode and device where the
 * file system has them). The store writes an object by renaming a new file over it, so replacing an
 * object changes its file identity and its time, and with them the tag; the same file keeps its tag
 * across requests and restarts. The hash keeps the inode and the time to itself.
 *
 * If-None-Match compares weakly (W/"x" matches "x") and "*" matches any object; If-Range compares
 * strongly, and a date there never matches because downloads send no Last-Modified. A header that
 * cannot be read as entity tags matches nothing.
 */
final class EntityTags {
  private static final int TAG_BYTES = 16;

  private EntityTags() {}

  /** The strong entity tag of an object, quotes included. */
  static String of(String key, BasicFileAttributes attributes) {
    String identity = key + "\n" + attributes.size() + "\n" + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS)
        + "\n" + attributes.fileKey();
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    byte[] tag = new byte[TAG_BYTES];
    System.arraycopy(digest, 0, tag, 0, TAG_BYTES);
    return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(tag) + "\"";
  }

  /** Whether an If-None-Match header matches the tag: {@code *}, or a listed tag, weakly compared. */
  static boolean noneMatchHits(@Nullable String header, String tag) {
    if (header == null) {
      return false;
    }
    if (header.strip().equals("*")) {
      return true;
    }
    for (String listed : header.split(",", -1)) {
      String candidate = listed.strip();
      if (candidate.startsWith("W/")) {
        candidate = candidate.substring(2);
      }
      if (candidate.equals(tag)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether an If-Range header lets a Range apply: absent, or exactly this strong tag. A weak tag,
   * another tag or a date means the representation may have changed, so the whole file is sent.
   */
  static boolean rangeAllowed(@Nullable String header, String tag) {
    return header == null || header.strip().equals(tag);
  }
}
