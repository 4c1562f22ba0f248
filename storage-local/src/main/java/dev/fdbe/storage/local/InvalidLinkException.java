package dev.fdbe.storage.local;

import dev.fdbe.ExportException;
import java.util.Objects;

/**
 * A download link of a {@link LocalBlobStore} was refused by
 * {@link LocalBlobStore#verifyLink(String, String, java.time.Instant)}. {@link #reason()} tells a
 * server what to answer: {@link LocalDownloadHandler} answers 403 for {@link Reason#TAMPERED} and
 * {@link Reason#EXPIRED} and 404 for {@link Reason#GONE}; the message says what was wrong, naming
 * the key where the link has one.
 */
public final class InvalidLinkException extends ExportException {
  private static final long serialVersionUID = 1L;

  /** Why a link was refused. */
  public enum Reason {
    /**
     * The link is malformed or its signature does not match: its key, file name, expiry or
     * signature was changed, or another store (another secret) made it.
     */
    TAMPERED,
    /** The link is genuine but its expiry has passed; the message names when it expired. */
    EXPIRED,
    /** The link is genuine and current but its object no longer exists. */
    GONE
  }

  /** Why the link was refused. */
  private final Reason reason;

  InvalidLinkException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the link was refused. */
  public Reason reason() {
    return reason;
  }
}
