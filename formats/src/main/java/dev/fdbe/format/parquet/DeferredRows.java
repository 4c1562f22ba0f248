package dev.fdbe.format.parquet;

import dev.fdbe.format.internal.CompressionPool;
import java.io.IOException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Committed rows whose JSON values a thread of the {@link CompressionPool} checks while the writer
 * stages the rows after them: the check is about a third of the Parquet writer's time on a caller's
 * rows, and this puts it on the second core. The rows wait in two batches of {@value #BATCH_ROWS}:
 * one filling as rows are committed, and the one before it, being checked. When the filling batch is
 * full, the rows of the one before go into the column writers, in order, and the full one goes to
 * the pool. A batch is full at {@value #BATCH_ROWS} rows or once its rows' raw bytes reach {@value
 * #BATCH_BYTES}, so at most about twice that waits here, whatever the rows. A task the pool refuses,
 * or has not started when its rows are needed, runs on the writer's thread, so a busy pool slows the
 * writer down and never blocks it.
 *
 * <p>Rows are kept as {@link StagedRow}s, their values already taken from the caller's rows, so a
 * caller may change or reuse a row once it is committed. Until they are written, each unchecked JSON
 * value counts at its longest ({@link StagedRow#uncheckedBytes}). Not thread-safe: the writer's
 * thread uses it, and a batch's rows are the pool thread's only while their check runs.
 */
final class DeferredRows {
  /**
   * Rows per batch at most: for rows of the size of a product-analytics event, about 100 µs of checks,
   * long enough next to waking a pool thread (64 rows a batch left the writer waiting for the threads).
   */
  static final int BATCH_ROWS = 256;
  /** A batch is full once its rows' raw bytes reach this ({@link StagedRow#rawBytes}, unchecked JSON at its longest). */
  static final long BATCH_BYTES = 2L * 1024 * 1024;

  /** Where rows leave: the column writers. */
  interface Sink {
    void write(StagedRow row) throws IOException;
  }

  private final CompressionPool pool;
  private Batch filling;
  private Batch checking;
  private int rows;
  private long rawBytes;
  private long untruncatableBytes;

  DeferredRows(CompressionPool pool, Supplier<StagedRow> newRow) {
    this.pool = pool;
    this.filling = new Batch(newRow);
    this.checking = new Batch(newRow);
  }

  /** Where the next row is staged: a row of the filling batch, part of it once {@link #add}ed. */
  StagedRow slot() {
    return filling.rows[filling.count];
  }

  /** Whether no committed row waits here. */
  boolean isEmpty() {
    return rows == 0;
  }

  /** The raw bytes of the rows waiting here, JSON values not yet checked counted at their longest. */
  long rawBytes() {
    return rawBytes;
  }

  /** The footer bytes beyond the budgets of the rows waiting here ({@link StagedRow#untruncatableBytes}). */
  long untruncatableBytes() {
    return untruncatableBytes;
  }

  /**
   * Adds the row staged in the {@link #slot}; when that fills the batch, the batch before goes to
   * {@code sink} and this one to the pool.
   */
  void add(Sink sink) throws IOException {
    StagedRow row = slot();
    rows++;
    rawBytes += row.rawBytes();
    untruncatableBytes += row.untruncatableBytes();
    filling.count++;
    filling.rawBytes += row.rawBytes();
    if (filling.count == BATCH_ROWS || filling.rawBytes >= BATCH_BYTES) {
      drain(checking, sink);
      Batch full = filling;
      FutureTask<Void> check = new FutureTask<>(() -> {
        for (int i = 0; i < full.count; i++) {
          full.rows[i].check();
        }
        return null;
      });
      full.check = check;
      pool.offer(check); // refused: the writer runs it when it needs the rows (drain)
      filling = checking;
      checking = full;
    }
  }

  /** Sends every row added to {@code sink}, in order; a row staged in the {@link #slot} stays there. */
  void drainAll(Sink sink) throws IOException {
    drain(checking, sink);
    int staged = filling.count;
    drain(filling, sink);
    StagedRow[] slots = filling.rows;
    StagedRow row = slots[staged];
    slots[staged] = slots[0];
    slots[0] = row;
  }

  private void drain(Batch batch, Sink sink) throws IOException {
    if (batch.count == 0) {
      return;
    }
    FutureTask<Void> check = batch.check;
    batch.check = null;
    if (check != null) {
      Pages.await(check, "check a JSON value");
    } else {
      for (int i = 0; i < batch.count; i++) {
        batch.rows[i].check();
      }
    }
    int count = batch.count;
    batch.count = 0;
    batch.rawBytes = 0;
    for (int i = 0; i < count; i++) {
      StagedRow row = batch.rows[i];
      rows--;
      rawBytes -= row.rawBytes();
      untruncatableBytes -= row.untruncatableBytes();
      row.resolve();
      sink.write(row);
    }
  }

  /** Rows in order, the first {@code count} added, and the check of them running on the pool or null. */
  private static final class Batch {
    final StagedRow[] rows = new StagedRow[BATCH_ROWS];
    int count;
    long rawBytes;
    @Nullable FutureTask<Void> check;

    Batch(Supplier<StagedRow> newRow) {
      for (int i = 0; i < rows.length; i++) {
        rows[i] = newRow.get();
      }
    }
  }
}
