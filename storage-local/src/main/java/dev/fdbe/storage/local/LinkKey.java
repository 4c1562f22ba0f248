package dev.fdbe.storage.local;

import dev.fdbe.ExportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The secret behind download link signatures, and the file that keeps it across restarts.
 *
 * A signature is base64url (no padding) of HMAC-SHA256(secret, key + "\n" + fileName + "\n" +
 * expires). Keys never hold '\n' and expires is digits, so the signed text splits one way only.
 * Signatures are compared as their base64url text: Java's decoder accepts non-canonical final
 * characters, so comparing decoded bytes would let several spellings of one signature verify.
 *
 * The key file is made so that processes starting together on one root agree on one secret: each
 * writes a complete candidate to its own temporary file, then hard-links it to the final name.
 * link(2) fails when the name exists, unlike rename(2), which on POSIX silently replaces it even
 * with ATOMIC_MOVE; the loser reads the winner's file. Where the file system has no hard links the
 * code falls back to a move without REPLACE_EXISTING, which checks and renames in two steps.
 */
final class LinkKey {
  private static final Logger LOG = LoggerFactory.getLogger(LinkKey.class);
  private static final String ALGORITHM = "HmacSHA256";
  private static final int NEW_KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec secret;

  private LinkKey(byte[] secret) {
    this.secret = new SecretKeySpec(secret, ALGORITHM);
  }

  static LinkKey of(byte[] secret) {
    return new LinkKey(secret);
  }

  /**
   * The secret kept in {@code file}, made from {@link SecureRandom} bytes when the file does not
   * exist yet; the file is created owner-only (0600, in a 0700 directory) where the file system has
   * POSIX permissions.
   *
   * @throws ExportException when the file cannot be read or made, or is too short; the message
   *     names the file by its place under the storage root, and the SLF4J log by its path
   */
  static LinkKey fromFile(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      byte[] secret = Files.readAllBytes(file);
      if (secret.length < LocalStorageConfig.MIN_SIGNING_KEY_BYTES) {
        LOG.warn("the link signing key {} holds {} bytes, too few", file, secret.length);
        throw new ExportException("the link signing key of local storage (" + LocalBlobStore.KEY_FILE_NAME
            + " under its root) holds " + secret.length + " bytes, fewer than "
            + LocalStorageConfig.MIN_SIGNING_KEY_BYTES + "; delete it to make a new one, which invalidates the "
            + "links made so far", false);
      }
      return new LinkKey(secret);
    } catch (IOException e) {
      LOG.warn("cannot read or create the link signing key {}", file, e);
      throw FileSystemFailures.of("cannot read or create the link signing key of local storage ("
          + LocalBlobStore.KEY_FILE_NAME + " under its root)", e);
    }
  }

  private static void create(Path file) throws IOException {
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectory(dir, OwnerOnly.directory(dir));
      } catch (FileAlreadyExistsException e) {
        // made by another process meanwhile, or not a directory: the next step reports the latter
      }
    }
    byte[] secret = new byte[NEW_KEY_BYTES];
    RANDOM.nextBytes(secret);
    Path temp = dir.resolve("." + file.getFileName() + "." + HexFormat.of().toHexDigits(RANDOM.nextLong()) + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OwnerOnly.file(temp))) {
        ByteBuffer buffer = ByteBuffer.wrap(secret);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException e) {
        // another process won; its key is read below
      } catch (UnsupportedOperationException | FileSystemException e) {
        try {
          Files.move(temp, file);
        } catch (FileAlreadyExistsException lost) {
          // another process won; its key is read below
        }
      }
      LocalBlobStore.syncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The signature of a link to {@code key}, named {@code fileName}, valid until {@code expires}. */
  String sign(String key, String fileName, long expiresEpochSecond) {
    Mac mac;
    try {
      mac = Mac.getInstance(ALGORITHM);
      mac.init(secret);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + ALGORITHM + ", which every Java platform must provide", e);
    }
    byte[] text = (key + "\n" + fileName + "\n" + expiresEpochSecond).getBytes(StandardCharsets.UTF_8);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(text));
  }

  /** Whether {@code signature} is the one {@link #sign} makes, compared in constant time. */
  boolean matches(String key, String fileName, long expiresEpochSecond, String signature) {
    byte[] expected = sign(key, fileName, expiresEpochSecond).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8));
  }
}
