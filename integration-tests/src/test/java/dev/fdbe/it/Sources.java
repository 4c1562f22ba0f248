package dev.fdbe.it;

import dev.fdbe.ExportException;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.testing.ForwardingCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.SourceQuery;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Record sources that misbehave on purpose, wrapping a real one. */
final class Sources {
  /** Pauses after every {@code rows} rows, so that an export takes a while. */
  static RecordSource slow(RecordSource delegate, int rows, Duration pause) {
    return wrap(delegate, (cursor, n) -> {
      if (n % rows == 0) {
        sleep(pause);
      }
    });
  }

  /**
   * Fails at row {@code atRow} of each of the first {@code failures} cursors it opens (all of them
   * when negative), with a source error that is or is not retryable.
   */
  static RecordSource failing(RecordSource delegate, int failures, int atRow, boolean retryable, AtomicInteger opened) {
    return new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        int attempt = opened.incrementAndGet();
        RecordCursor cursor = delegate.open(query);
        if (failures >= 0 && attempt > failures) {
          return cursor;
        }
        return new Decorated(cursor, n -> {
          if (n == atRow) {
            throw new ExportException(
                "connection to the source reset by peer (attempt " + attempt + ")", retryable);
          }
        });
      }

      @Override
      public String describe() {
        return "failing test source over " + delegate.describe();
      }
    };
  }

  /** Blocks at row {@code atRow} until {@code gate} opens. */
  static RecordSource gated(RecordSource delegate, int atRow, CountDownLatch reached, CountDownLatch gate) {
    return wrap(delegate, (cursor, n) -> {
      if (n == atRow) {
        reached.countDown();
        try {
          if (!gate.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the gate never opened");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
  }

  /**
   * Blocks at row {@code atRow} until the cursor is cancelled, then fails as a cancelled read does:
   * an export of it ends only when something stops it, never by finishing first, however slow or
   * fast the machine. Gives up after two minutes, so that a stop that never comes fails the test
   * instead of hanging it.
   */
  static RecordSource stuck(RecordSource delegate, int atRow, CountDownLatch reached) {
    return new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        CountDownLatch cancelled = new CountDownLatch(1);
        return new Decorated(delegate.open(query), n -> {
          if (n == atRow) {
            reached.countDown();
            try {
              if (!cancelled.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the stuck cursor was never cancelled");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new ExportException("reading was cancelled", false);
          }
        }, cancelled::countDown);
      }

      @Override
      public String describe() {
        return "stuck test source over " + delegate.describe();
      }
    };
  }

  interface RowHook {
    void afterRow(long n);
  }

  interface CursorHook {
    void afterRow(RecordCursor cursor, long n);
  }

  private static RecordSource wrap(RecordSource delegate, CursorHook hook) {
    return new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        RecordCursor cursor = delegate.open(query);
        return new Decorated(cursor, n -> hook.afterRow(cursor, n));
      }

      @Override
      public String describe() {
        return "test source over " + delegate.describe();
      }
    };
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A cursor that calls a hook after each row it returns. */
  private static final class Decorated extends ForwardingCursor {
    private final RowHook hook;
    private final AtomicInteger rows = new AtomicInteger();

    private final Runnable onCancel;

    Decorated(RecordCursor cursor, RowHook hook) {
      this(cursor, hook, () -> { });
    }

    Decorated(RecordCursor cursor, RowHook hook, Runnable onCancel) {
      super(cursor);
      this.hook = hook;
      this.onCancel = onCancel;
    }

    @Override
    public boolean next() {
      boolean more = cursor.next();
      if (more) {
        hook.afterRow(rows.incrementAndGet());
      }
      return more;
    }

    @Override
    public void cancel() {
      onCancel.run();
      cursor.cancel();
    }
  }

  private Sources() {}
}
