package dev.fdbe.internal.source;

import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Schema;
import dev.fdbe.ExportException;
import dev.fdbe.internal.json.Utf8Row;
import dev.fdbe.internal.json.JsonSyntax;
import dev.fdbe.spi.RecordCursor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Reads a cursor on a thread of its own, a few batches ahead, so that decoding rows from the source
 * (a JDBC driver's work) overlaps with serializing, compressing and storing them: a whole export
 * then takes about as long as the slower of the two, not their sum.
 *
 * <p>Memory is bounded: at most {@code batches} batches are read ahead, each of at most
 * {@code batchRows} rows and closed early once its text values hold {@link #BATCH_CHARS}
 * characters (values held as bytes counted in bytes), so the read-ahead holds about
 * {@code batches × BATCH_CHARS} characters of text (16 MiB by default) however wide the rows, plus
 * one row per batch. Batches are reused. Rows arrive in the
 * source's order; a failure of the source arrives after the rows read before it, as the very
 * exception the source threw.
 *
 * <p>The reading thread also runs the fast JSON check on {@code JSON} values as it copies them
 * ({@link JsonSyntax#certify}) and keeps a certified value as its UTF-8 bytes instead of its text;
 * the rows hand those bytes to the writer ({@link #certifiedJson}), whose thread then neither checks
 * nor encodes the value. {@link #getString} makes the text again from them, for a writer that asks.
 * The check goes to whichever thread has time for it: the reading thread checks the values of a
 * batch it starts while at least half the batches wait for the writer and the writer has not found
 * the queue empty for {@value #CERTIFY_AFTER_MILLIS} ms (the writer is the slower), and otherwise
 * leaves a value given as text to the writer, which checks an uncertified value itself, so that a
 * source the writer outpaces (H2, whose reads are the export's longest task) is not slowed further,
 * not even while the writer stalls on a Parquet row group and the batches pile up for a moment. A
 * JSON value the source gives as UTF-8 bytes (the COPY from PostgreSQL) is always checked where it is
 * read, as bytes when they are ASCII (they need no encoding, where the writer would need a string
 * made from them) and else through its text, as before this rule. A string the engine's own cursor
 * gives as its exact UTF-8 bytes ({@link SourceCursor#utf8}; the COPY's ASCII text) is handed on as
 * they are ({@link #stringUtf8}), for the writer to copy; a source's claim through {@link Utf8Row}
 * is never taken.
 *
 * <p>A writer that finds no batch waiting sleeps until an eighth of the batches (8 of 64) wait, the
 * reading thread has queued its last item (the end or a failure), or {@value #POLL_MILLIS} ms pass,
 * and then takes whatever waits: woken for every batch, a writer that outpaces its source (every
 * writer on H2, the text writers on PostgreSQL) slept and woke thousands of times per million rows,
 * and each wake-up cost the reading thread a system call. A slow source's rows still reach the
 * writer within {@value #POLL_MILLIS} ms.
 *
 * <p>{@link #cancel()} makes a waiting {@link #next()} fail at once and cancels the source;
 * {@link #close()} stops the reading thread, which closes the source, and waits for it. Like every
 * cursor, not thread-safe except {@link #cancel()}.
 */
public final class PrefetchingCursor implements RecordCursor, Utf8Row {
  /** Rows per batch, at most. */
  public static final int BATCH_ROWS = 256;
  /**
   * Characters of text (strings, JSON and list elements) after which a batch goes out before it
   * has {@link #BATCH_ROWS} rows, so that wide rows do not multiply the read-ahead's memory.
   */
  static final int BATCH_CHARS = 256 * 1024;
  /**
   * Batches read ahead: deep enough that the source keeps reading while the writer stalls on a
   * write, a part commit or a Parquet row group going out (row groups of 64 MiB took about 90 ms,
   * longer than 32 batches of H2's rows lasted; they are 32 MiB now), bounded by
   * {@link #BATCH_CHARS} per batch.
   */
  public static final int BATCHES = 64;
  private static final long POLL_MILLIS = 50;
  /** How long ago the writer must last have found no batch waiting for the reading thread to check JSON text. */
  private static final long CERTIFY_AFTER_MILLIS = 500;
  private static final long CLOSE_WAIT_SECONDS = 30;
  private static final Object END = new Object();

  private final RecordCursor source;
  private final Runnable beforeSourceStops;
  private final ColumnType[] types;
  private final BlockingQueue<Object> full;
  private final BlockingQueue<Batch> free;
  /** How many batches must wait for a sleeping writer to be woken before {@link #POLL_MILLIS} pass. */
  private final int wakeAt;
  /** The longest a writer sleeps for batches before it takes whatever waits. */
  private final long writerSleepNanos;
  /** The writer's thread while it sleeps for batches, else null. */
  private volatile @Nullable Thread sleepingWriter;
  /** Set once the reading thread has queued its last item: the end or a failure. */
  private volatile boolean lastQueued;
  /** How many batches must wait for the writer for the reading thread to check JSON text itself. */
  private final int certifyFrom;
  /**
   * When the writer last found no batch waiting ({@link System#nanoTime()}): a writer that did so
   * within {@link #certifyAfterNanos} outpaces the source, and the batches waiting are a stall of
   * its own (a Parquet row group going out), not a sign that the reading thread has time to spare.
   */
  private volatile long writerStarvedAt;
  /** How long ago the writer must last have found no batch waiting for the reading thread to check JSON text. */
  private final long certifyAfterNanos;
  private final CountDownLatch sourceClosed = new CountDownLatch(1);
  private volatile boolean cancelled;
  private volatile boolean stopped;
  private Batch current;
  private int index;
  private boolean finished;
  private boolean closed;

  private PrefetchingCursor(RecordCursor source, Runnable beforeSourceStops, Schema schema, int batchRows,
      int batches, Duration writerSleep, Duration certifyAfter) {
    this.source = source;
    this.beforeSourceStops = beforeSourceStops;
    this.types = new ColumnType[schema.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = schema.column(i).type();
    }
    this.full = new ArrayBlockingQueue<>(batches + 1);
    this.free = new ArrayBlockingQueue<>(batches);
    this.certifyFrom = Math.max(1, batches / 2);
    this.wakeAt = Math.max(1, batches / 8);
    this.writerSleepNanos = writerSleep.toNanos();
    this.certifyAfterNanos = certifyAfter.toNanos();
    this.writerStarvedAt = System.nanoTime() - certifyAfterNanos;
    for (int i = 0; i < batches; i++) {
      free.add(new Batch(batchRows, types.length));
    }
  }

  /**
   * Starts reading {@code source}, whose rows have the columns of {@code schema}, on a new daemon
   * thread with the given name. The returned cursor owns the source.
   */
  public static PrefetchingCursor start(RecordCursor source, Schema schema, String threadName) {
    return start(source, () -> { }, schema, threadName);
  }

  /**
   * {@link #start(RecordCursor, Schema, String)}, running {@code beforeSourceStops} just before the
   * source is cancelled or closed by this cursor (its rows all read, its read failed, or this cursor
   * closed early), so that whoever else uses the source (its count) knows why it stops.
   */
  public static PrefetchingCursor start(RecordCursor source, Runnable beforeSourceStops, Schema schema,
      String threadName) {
    return start(source, beforeSourceStops, schema, threadName, BATCH_ROWS, BATCHES,
        Duration.ofMillis(POLL_MILLIS), Duration.ofMillis(CERTIFY_AFTER_MILLIS));
  }

  /** {@link #start(RecordCursor, Schema, String)} with the batch size and count given. */
  static PrefetchingCursor start(RecordCursor source, Schema schema, String threadName, int batchRows, int batches) {
    return start(source, schema, threadName, batchRows, batches, Duration.ofMillis(POLL_MILLIS));
  }

  /**
   * {@link #start(RecordCursor, Schema, String, int, int)}, with a writer that sleeps at most
   * {@code writerSleep} for batches.
   */
  static PrefetchingCursor start(RecordCursor source, Schema schema, String threadName, int batchRows, int batches,
      Duration writerSleep) {
    return start(source, schema, threadName, batchRows, batches, writerSleep, Duration.ofMillis(CERTIFY_AFTER_MILLIS));
  }

  /**
   * {@link #start(RecordCursor, Schema, String, int, int, Duration)}, with the reading thread checking
   * JSON text only once the writer has found batches waiting for {@code certifyAfter}.
   */
  static PrefetchingCursor start(RecordCursor source, Schema schema, String threadName, int batchRows, int batches,
      Duration writerSleep, Duration certifyAfter) {
    return start(source, () -> { }, schema, threadName, batchRows, batches, writerSleep, certifyAfter);
  }

  private static PrefetchingCursor start(RecordCursor source, Runnable beforeSourceStops, Schema schema,
      String threadName, int batchRows, int batches, Duration writerSleep, Duration certifyAfter) {
    Objects.requireNonNull(source, "source");
    try {
      PrefetchingCursor cursor = new PrefetchingCursor(source, beforeSourceStops, schema, batchRows, batches,
          writerSleep, certifyAfter);
      Thread reader = new Thread(cursor::read, threadName);
      reader.setDaemon(true);
      reader.start();
      return cursor;
    } catch (RuntimeException | Error e) {
      source.close();
      throw e;
    }
  }

  /** The reading thread: fills free batches and queues them, then the end or the failure. */
  private void read() {
    try {
      while (!stopped) {
        Batch batch = free.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (batch == null) {
          continue;
        }
        batch.clear();
        boolean certify = full.size() >= certifyFrom && System.nanoTime() - writerStarvedAt > certifyAfterNanos;
        boolean more;
        try {
          while ((more = source.next()) && batch.fill(source, types, certify)) {
            // fill copies the row and says whether the batch has room for another
          }
        } catch (RuntimeException | Error e) {
          if (batch.size > 0) {
            offer(batch);
          }
          offer(new Failure(e));
          return;
        }
        if (batch.size > 0) {
          offer(batch);
        } else {
          free.add(batch);
        }
        if (!more) {
          offer(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      offerQuietly(new Failure(new ExportException("reading the source was interrupted", e, true)));
    } finally {
      try {
        beforeSourceStops.run();
        source.close();
      } finally {
        sourceClosed.countDown();
      }
    }
  }

  /**
   * Queues an item unless the reader is told to stop first, and wakes a sleeping writer once
   * {@link #wakeAt} batches wait or the item is the last.
   */
  private void offer(Object item) throws InterruptedException {
    while (!stopped) {
      if (full.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (!(item instanceof Batch)) {
          lastQueued = true;
        }
        Thread writer = sleepingWriter;
        if (writer != null && (lastQueued || full.size() >= wakeAt)) {
          LockSupport.unpark(writer);
        }
        return;
      }
    }
  }

  private void offerQuietly(Object item) {
    try {
      offer(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean next() {
    if (current != null) {
      if (++index < current.size) {
        return true;
      }
      current.release();
      free.add(current);
      current = null;
    }
    if (finished) {
      return false;
    }
    while (true) {
      if (cancelled) {
        throw new ExportException("reading was cancelled", false);
      }
      if (Thread.currentThread().isInterrupted()) { // the thread stays interrupted
        throw new ExportException("interrupted while waiting for rows from the source", new InterruptedException(),
            true);
      }
      Object item = full.poll();
      if (item == null) {
        sleepForBatches();
        continue;
      }
      if (item == END) {
        finished = true;
        return false;
      }
      if (item instanceof Failure failure) {
        finished = true;
        if (failure.error instanceof RuntimeException e) {
          throw e;
        }
        throw (Error) failure.error;
      }
      current = (Batch) item;
      index = 0;
      return true;
    }
  }

  /**
   * Sleeps until {@link #wakeAt} batches wait, the last item is queued, the cursor is cancelled or
   * {@link #writerSleepNanos} pass ({@value #POLL_MILLIS} ms). Setting {@link #sleepingWriter}
   * before looking at the queue, as the reading thread looks at the writer after queueing, means
   * one of the two sees the other. Returns at once when the writer's thread is interrupted, for
   * {@link #next()} to fail.
   */
  private void sleepForBatches() {
    writerStarvedAt = System.nanoTime();
    sleepingWriter = Thread.currentThread();
    try {
      long deadline = System.nanoTime() + writerSleepNanos;
      while (!lastQueued && !cancelled && full.size() < wakeAt) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        LockSupport.parkNanos(this, left);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    } finally {
      sleepingWriter = null;
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    Thread writer = sleepingWriter;
    if (writer != null) {
      LockSupport.unpark(writer);
    }
    source.cancel();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopped = true;
    if (sourceClosed.getCount() > 0) {
      beforeSourceStops.run();
      source.cancel(); // a reader blocked in the source's next() returns or fails
    }
    try {
      sourceClosed.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isNull(int column) {
    return current.nulls[index * types.length + column];
  }

  @Override
  public String getString(int column) {
    Object value = current.objects[index * types.length + column];
    return value instanceof byte[] utf8 ? new String(utf8, StandardCharsets.UTF_8) : (String) value;
  }

  @Override
  public long getLong(int column) {
    return current.longs[index * types.length + column];
  }

  @Override
  public boolean getBoolean(int column) {
    return current.longs[index * types.length + column] != 0;
  }

  @Override
  public long getTimestampMicros(int column) {
    return current.longs[index * types.length + column];
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<String> getStringList(int column) {
    return (List<String>) current.objects[index * types.length + column];
  }

  @Override
  public byte @Nullable [] certifiedJson(int column) {
    return types[column] == ColumnType.JSON ? bytes(column) : null;
  }

  @Override
  public byte @Nullable [] stringUtf8(int column) {
    return types[column] == ColumnType.STRING ? bytes(column) : null;
  }

  private byte @Nullable [] bytes(int column) {
    return current.objects[index * types.length + column] instanceof byte[] utf8 ? utf8 : null;
  }

  /**
   * Rows copied out of the source, column values laid out row after row: numbers in {@code longs};
   * in {@code objects} lists, strings as the source's exact UTF-8 bytes when its cursor has them
   * ({@link SourceCursor#utf8}) or else their text, and JSON values as their certified bytes or
   * else their text.
   */
  private static final class Batch {
    final int capacity;
    final int columns;
    final boolean[] nulls;
    final long[] longs;
    final Object[] objects;
    int size;
    /** Characters of text in the batch so far. */
    long chars;

    Batch(int capacity, int columns) {
      this.capacity = capacity;
      this.columns = columns;
      this.nulls = new boolean[capacity * columns];
      this.longs = new long[capacity * columns];
      this.objects = new Object[capacity * columns];
    }

    void clear() {
      size = 0;
      chars = 0;
    }

    /**
     * Drops the batch's references to its rows' values once they are read, so that a batch waiting
     * to be filled again keeps none of them alive: a batch lives long, in the old generation, and
     * the values it still pointed to would be copied by every young collection and then promoted
     * (with 32 batches then, about 8 MiB of text at every collection of an export).
     */
    void release() {
      Arrays.fill(objects, 0, size * columns, null);
    }

    /**
     * Copies the source's current row, certifying its JSON values given as bytes, and those given as
     * text when {@code certifyText}; true while there is room for another.
     */
    boolean fill(RecordCursor row, ColumnType[] types, boolean certifyText) {
      int base = size * types.length;
      for (int i = 0; i < types.length; i++) {
        boolean isNull = row.isNull(i);
        nulls[base + i] = isNull;
        objects[base + i] = null;
        if (isNull) {
          continue;
        }
        switch (types[i]) {
          case STRING -> {
            byte[] utf8 = row instanceof SourceCursor cursor ? cursor.utf8(i) : null;
            Object value = utf8 != null ? utf8 : row.getString(i);
            objects[base + i] = value;
            chars += utf8 != null ? utf8.length : ((String) value).length();
          }
          case JSON -> {
            Object value = certifiedOrText(row, i, certifyText);
            objects[base + i] = value;
            chars += value instanceof byte[] certified ? certified.length : ((String) value).length();
          }
          case INT64 -> longs[base + i] = row.getLong(i);
          case BOOLEAN -> longs[base + i] = row.getBoolean(i) ? 1 : 0;
          case TIMESTAMP -> longs[base + i] = row.getTimestampMicros(i);
          case STRING_LIST -> {
            List<String> list = Collections.unmodifiableList(new ArrayList<>(row.getStringList(i)));
            objects[base + i] = list;
            for (String element : list) {
              chars += element == null ? 0 : element.length();
            }
          }
          default -> throw new IllegalStateException("unhandled column type " + types[i]);
        }
      }
      return ++size < capacity && chars < BATCH_CHARS;
    }

    /**
     * A JSON value as the bytes the check certifies: the source's own when its cursor has them and
     * they pass ({@link JsonSyntax#certify(byte[])}), else its text's, when the source gave bytes or
     * {@code certifyText}. Its text when none is certified.
     */
    private static Object certifiedOrText(RecordCursor row, int column, boolean certifyText) {
      byte[] utf8 = row instanceof SourceCursor cursor ? cursor.utf8(column) : null;
      byte[] certified = utf8 == null ? null : JsonSyntax.certify(utf8);
      if (certified != null) {
        return certified;
      }
      String text = row.getString(column);
      if (utf8 == null && !certifyText) {
        return text;
      }
      certified = JsonSyntax.certify(text);
      return certified != null ? certified : text;
    }
  }

  /** What the source threw. */
  private record Failure(Throwable error) {}
}
