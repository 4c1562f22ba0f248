package dev.fdbe.internal;

import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A run executing in this engine: its current lease and how to stop it. The worker thread owns the
 * run; the poller thread and callers of cancel ask it to stop through {@link #requestStop}, which
 * also cancels the source query and aborts the upload in flight so that blocking I/O returns.
 */
final class ActiveRun {
  private final RunRecord run;
  private final Instant deadline;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final Set<String> warnings = ConcurrentHashMap.newKeySet();
  private volatile Lease lease;
  private volatile Instant renewedAt;
  private volatile StopReason stopReason;
  private volatile RecordCursor cursor;
  private volatile BlobUpload upload;

  ActiveRun(RunRecord run, Lease lease, Instant deadline, Instant now) {
    this.run = run;
    this.lease = lease;
    this.deadline = deadline;
    this.renewedAt = now;
  }

  RunRecord run() {
    return run;
  }

  Lease lease() {
    return lease;
  }

  void lease(Lease newLease, Instant now) {
    lease = newLease;
    renewedAt = now;
  }

  Instant renewedAt() {
    return renewedAt;
  }

  void renewed(Lease renewedLease, Instant now) {
    if (lease.epoch() == renewedLease.epoch()) {
      lease = renewedLease;
    }
    renewedAt = now;
  }

  Instant deadline() {
    return deadline;
  }

  /** Whether a warning with this key is new for the run (and so should be logged). */
  boolean firstWarning(String key) {
    return warnings.add(key);
  }

  StopReason stopReason() {
    return stopReason;
  }

  /** Asks the attempt to stop; the first reason wins. */
  void requestStop(StopReason reason) {
    synchronized (this) {
      if (stopReason != null) {
        return;
      }
      stopReason = reason;
    }
    stopSignal.countDown();
    RecordCursor c = cursor;
    if (c != null) {
      c.cancel();
    }
    BlobUpload u = upload;
    if (u != null) {
      u.abort();
    }
  }

  /** Throws {@link AttemptStoppedException} if a stop was requested. */
  void checkStop() {
    StopReason reason = stopReason;
    if (reason != null) {
      throw new AttemptStoppedException(reason);
    }
  }

  /** Waits up to {@code wait} for a stop request; true when one came. */
  boolean awaitStop(Duration wait) {
    try {
      return stopSignal.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  void cursor(RecordCursor newCursor) {
    cursor = newCursor;
    if (newCursor != null && stopReason != null) {
      newCursor.cancel();
    }
  }

  void upload(BlobUpload newUpload) {
    upload = newUpload;
    if (newUpload != null && stopReason != null) {
      newUpload.abort();
    }
  }
}
