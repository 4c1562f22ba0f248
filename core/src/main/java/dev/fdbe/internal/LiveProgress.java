package dev.fdbe.internal;

import dev.fdbe.ExportException;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.RunStore;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live progress of one attempt, written to the run store at a bounded rate: the rows the attempt
 * has written and the bytes it has stored (committed parts plus what the part in progress has passed
 * to the blob store so far), with the rows its source counted. {@link #due} is asked after every
 * row and reads only the clock; the attempt gathers its counts and {@link #write}s them only when
 * {@link #INTERVAL} has passed on the engine's clock since the attempt started or last wrote, so the run store lags the attempt by about that
 * much while rows flow, and sees no more than one write per interval. Committed parts are written
 * as they commit ({@link RunStore#registerPart}), the count as soon as it is known.
 *
 * <p>Writes are fenced like every write of the attempt: a refused one means the lease was lost and
 * stops the attempt. A write that fails (the run store is unreachable) never fails the attempt by
 * itself: progress is what users watch, not what they download. It is logged for the operator and
 * the next interval writes the counts of then; a store that stays down fails the attempt at its next
 * part commit or heartbeat, as it did before live progress existed.
 *
 * <p>Written by the worker thread that writes the run, and by the thread that counts its rows
 * beside the read ({@link BackgroundCount}); its writes are serialized.
 */
final class LiveProgress {
  /** How often the counts are written while rows flow. */
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(LiveProgress.class);

  private final RunStore store;
  private final Lease lease;
  private final Clock clock;
  private volatile @Nullable Long total;
  private volatile long nextWriteMillis;
  private long records;
  private long bytes;

  LiveProgress(RunStore store, Lease lease, Clock clock) {
    this.store = store;
    this.lease = lease;
    this.clock = clock;
    this.nextWriteMillis = clock.millis() + INTERVAL.toMillis();
  }

  /**
   * Records the rows the source counted and writes them at once, with the counts last written: users
   * see the total as soon as it is known, before the first row when the count comes first.
   */
  synchronized void counted(long records) {
    total = records;
    write(this.records, this.bytes);
  }

  /** The rows the source counted, or null when it did not count. */
  @Nullable Long total() {
    return total;
  }

  /** Whether the interval has passed, so that the attempt {@link #write}s its counts; asked after each row. */
  boolean due() {
    return clock.millis() >= nextWriteMillis;
  }

  /**
   * Writes the attempt's counts so far.
   *
   * @throws AttemptStoppedException when the run store refused the write: the lease was lost
   */
  synchronized void write(long records, long bytes) {
    this.records = records;
    this.bytes = bytes;
    boolean held;
    try {
      held = store.reportProgress(lease, records, bytes, total);
    } catch (ExportException e) {
      LOG.warn("cannot write the progress of run {} (attempt {}); the next interval tries again", lease.runId(),
          lease.attemptNumber(), e);
      return;
    } finally {
      // Counted from the end of the write, so that a slow run store is not written to once per row.
      nextWriteMillis = clock.millis() + INTERVAL.toMillis();
    }
    if (!held) {
      throw new AttemptStoppedException(StopReason.LEASE_LOST);
    }
  }
}
