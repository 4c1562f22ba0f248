package dev.fdbe.format.compress;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The threads that compress the blocks of gzip and zstd files, shared by every file being written
 * in the JVM (all parts of all runs of all engines), so that compression threads never multiply
 * with concurrent exports.
 *
 * <p>Design: a fixed number of daemon threads ({@link #shared()}: one per available processor, at
 * most {@value #MAX_THREADS}) started on demand, each ending after {@link #KEEP_ALIVE} without work,
 * so an idle JVM holds none. Each thread keeps its {@link CodecState} for its whole life and closes
 * it when it ends. The queue is bounded ({@value #QUEUE_PER_THREAD} tasks per thread); a task it
 * refuses is not lost but left to the writer, which runs every block it waits for itself when no
 * thread has started it (see {@link BlockStream}), so a full pool slows writers down and never
 * blocks or fails them. Thread-safe.
 */
final class CompressionPool implements AutoCloseable {
  /** The most threads the shared pool has, whatever the processor count. */
  static final int MAX_THREADS = 8;
  /** How long a thread of the shared pool waits for work before it ends. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
  static final int QUEUE_PER_THREAD = 16;

  private static final ThreadLocal<@Nullable CodecState> STATE = new ThreadLocal<>();

  private final ThreadPoolExecutor executor;
  private final int threads;

  /**
   * A pool of up to {@code threads} threads named {@code name-N}, each ending after
   * {@code keepAlive} without work.
   */
  CompressionPool(int threads, Duration keepAlive, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    AtomicInteger counter = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(() -> runWithState(task), name + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    this.executor = new ThreadPoolExecutor(threads, threads, keepAlive.toNanos(), TimeUnit.NANOSECONDS,
        new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD), factory, new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true);
  }

  /**
   * The pool every file shares, or empty when the JVM has one processor: a second thread then only
   * adds hand-offs, and compression stays on the writer's thread (the codec's own stream). The
   * processor count is {@link Runtime#availableProcessors()} when the pool is first asked for; it
   * follows the container's CPU limit and {@code -XX:ActiveProcessorCount}.
   */
  static Optional<CompressionPool> shared() {
    return Shared.POOL;
  }

  /** The most threads this pool runs at once. */
  int threads() {
    return threads;
  }

  /**
   * Queues the task for a thread of the pool; returns false when the queue is full or the pool is
   * closed, and the task is then the caller's to run.
   */
  boolean offer(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException full) {
      return false;
    }
  }

  /** The threads alive now. */
  int liveThreads() {
    return executor.getPoolSize();
  }

  /**
   * The compressors of the calling thread when it is a thread of a pool; null on any other thread.
   */
  static @Nullable CodecState threadState() {
    return STATE.get();
  }

  /** Stops the threads once their tasks are done; tasks offered later are refused. */
  @Override
  public void close() {
    executor.shutdown();
  }

  private static void runWithState(Runnable work) {
    try (CodecState state = new CodecState()) {
      STATE.set(state);
      work.run();
    } finally {
      STATE.remove();
    }
  }

  /**
   * A pool for a machine with that many processors: one thread each, at most
   * {@value #MAX_THREADS}; none for one processor.
   */
  static Optional<CompressionPool> forProcessors(int processors, Duration keepAlive, String name) {
    if (processors <= 1) {
      return Optional.empty();
    }
    return Optional.of(new CompressionPool(Math.min(processors, MAX_THREADS), keepAlive, name));
  }

  /** Holder of the shared pool, created on first use. */
  private static final class Shared {
    static final Optional<CompressionPool> POOL =
        forProcessors(Runtime.getRuntime().availableProcessors(), KEEP_ALIVE, "fdbe-compress");
  }
}
