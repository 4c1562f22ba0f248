package dev.fdbe.internal;

/** Unwinds an attempt that was asked to stop, or that found its lease lost. */
final class AttemptStoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient StopReason reason;

  AttemptStoppedException(StopReason reason) {
    super("attempt stopped: " + reason, null, false, false);
    this.reason = reason;
  }

  StopReason reason() {
    return reason;
  }
}
