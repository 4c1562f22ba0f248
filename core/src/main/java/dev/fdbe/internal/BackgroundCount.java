package dev.fdbe.internal;

import dev.fdbe.spi.RecordCursor;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a cursor's rows on a thread of its own while the attempt reads them, for a cursor that
 * {@linkplain RecordCursor#countsConcurrently() counts concurrently}: the run shows its total
 * without the read waiting for the count, and on two cores the count costs the export no time.
 *
 * <p>The total is reported once, by whichever ends first: the count, or the read having returned
 * every row ({@link #readAll}), whose row count is then the total. A count that fails is reported as
 * such and never fails the attempt. One still running when the read stops is stopped with the
 * cursor (its cancel or close; the reader says so first, {@link #sourceStopping()}, so that this
 * is not taken for a failure), and {@link #close()} waits for its thread.
 */
final class BackgroundCount implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundCount.class);
  private static final long CLOSE_WAIT_SECONDS = 30;

  /** Receives the total: the rows, how long counting took, and whether the read finished first. */
  interface Counted {
    void counted(long rows, Duration took, boolean readFirst);
  }

  private final RecordCursor source;
  private final Counted counted;
  private final Consumer<RuntimeException> failed;
  private final AtomicBoolean reported = new AtomicBoolean();
  private final long started = System.nanoTime();
  private volatile boolean closing;
  private final Thread thread;

  private BackgroundCount(RecordCursor source, String threadName, Counted counted,
      Consumer<RuntimeException> failed) {
    this.source = source;
    this.counted = counted;
    this.failed = failed;
    this.thread = new Thread(this::count, threadName);
    thread.setDaemon(true);
  }

  /** Starts counting {@code source} on a new daemon thread with the given name. */
  static BackgroundCount start(RecordCursor source, String threadName, Counted counted,
      Consumer<RuntimeException> failed) {
    BackgroundCount count = new BackgroundCount(source, threadName, counted, failed);
    count.thread.start();
    return count;
  }

  private void count() {
    try {
      OptionalLong total = source.count();
      if (total.isPresent()) {
        report(total.getAsLong(), false);
      }
    } catch (RuntimeException e) {
      // Reported unless the cursor was being stopped (its rows all read, or the attempt ending).
      if (!closing && !reported.get()) {
        failed.accept(e);
      }
    }
  }

  /** The cursor is about to be cancelled or closed by its reader: a count failing from now on was stopped. */
  void sourceStopping() {
    closing = true;
  }

  /** The read returned every row: unless the count came first, {@code rows} is the total. */
  void readAll(long rows) {
    report(rows, true);
  }

  private void report(long rows, boolean readFirst) {
    if (reported.compareAndSet(false, true)) {
      counted.counted(rows, Duration.ofNanos(System.nanoTime() - started), readFirst);
    }
  }

  /**
   * Waits for the counting thread, which the cursor's close or cancel has stopped by now (the
   * attempt closes the cursor first); a thread that outlives the wait is left to end by itself.
   */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(CLOSE_WAIT_SECONDS * 1000);
      if (thread.isAlive()) {
        LOG.warn("the count on thread {} is still running {} s after its attempt ended; leaving it to end by itself",
            thread.getName(), CLOSE_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
