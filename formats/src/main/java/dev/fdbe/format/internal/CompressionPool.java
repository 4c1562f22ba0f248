package dev.fdbe.format.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The threads that compress the blocks of gzip and zstd files and the pages of compressed Parquet
 * files, and check the JSON of the rows a caller hands a Parquet writer, shared by every file being
 * written in the JVM (all parts of all runs of all engines), so
 * that compression threads never multiply with concurrent exports.
 *
 * <p>Design: a fixed number of daemon threads ({@link #shared()}: one per available processor, at
 * most {@value #MAX_THREADS}) started on demand, each ending after {@link #KEEP_ALIVE} without work,
 * so an idle JVM holds none. Each thread keeps the compressors its tasks ask for
 * ({@link #threadResource}) for its whole life and closes them when it ends. The queue is bounded
 * ({@value #QUEUE_PER_THREAD} tasks per thread); a task it refuses is not lost but left to the
 * writer, which runs every task it waits for itself when no thread has started it, so a full pool
 * slows writers down and never blocks or fails them. Thread-safe.
 */
public final class CompressionPool implements AutoCloseable {
  /** The most threads the shared pool has, whatever the processor count. */
  public static final int MAX_THREADS = 8;
  /** How long a thread of the shared pool waits for work before it ends. */
  public static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
  /** Tasks the queue holds per thread; a task beyond them is refused, and left to its writer. */
  public static final int QUEUE_PER_THREAD = 16;

  /** The compressors of a pool thread, by key; null on any other thread. */
  private static final ThreadLocal<@Nullable Map<Object, AutoCloseable>> RESOURCES = new ThreadLocal<>();

  private final ThreadPoolExecutor executor;
  private final int threads;

  /**
   * A pool of up to {@code threads} threads named {@code name-N}, each ending after
   * {@code keepAlive} without work.
   */
  public CompressionPool(int threads, Duration keepAlive, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    AtomicInteger counter = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(() -> runWithResources(task), name + "-" + counter.incrementAndGet());
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
  public static Optional<CompressionPool> shared() {
    return Shared.POOL;
  }

  /** The most threads this pool runs at once. */
  public int threads() {
    return threads;
  }

  /**
   * Queues the task for a thread of the pool; returns false when the queue is full or the pool is
   * closed, and the task is then the caller's to run.
   */
  public boolean offer(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException full) {
      return false;
    }
  }

  /** The threads alive now. */
  public int liveThreads() {
    return executor.getPoolSize();
  }

  /**
   * The calling pool thread's resource under {@code key}, made by {@code create} the first time the
   * thread asks and closed when the thread ends; null on a thread that is not a pool's, whose caller
   * then uses a resource of its own. A key is an object of the caller's that stands for one kind of
   * compressor (a class, a codec).
   */
  public static <T extends AutoCloseable> @Nullable T threadResource(Object key, Supplier<T> create) {
    Map<Object, AutoCloseable> resources = RESOURCES.get();
    if (resources == null) {
      return null;
    }
    @SuppressWarnings("unchecked") // each key is only ever given one kind of resource
    T resource = (T) resources.computeIfAbsent(key, unused -> create.get());
    return resource;
  }

  /** Whether the calling thread is a thread of a pool. */
  public static boolean onPoolThread() {
    return RESOURCES.get() != null;
  }

  /** Stops the threads once their tasks are done; tasks offered later are refused. */
  @Override
  public void close() {
    executor.shutdown();
  }

  private static void runWithResources(Runnable work) {
    Map<Object, AutoCloseable> resources = new IdentityHashMap<>();
    RESOURCES.set(resources);
    try {
      work.run();
    } finally {
      RESOURCES.remove();
      closeAll(resources.values());
    }
  }

  private static void closeAll(Iterable<AutoCloseable> resources) {
    List<Exception> failures = new ArrayList<>();
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      IllegalStateException failure = new IllegalStateException("cannot free a compression thread's compressors");
      failures.forEach(failure::addSuppressed);
      throw failure;
    }
  }

  /**
   * A pool for a machine with that many processors: one thread each, at most
   * {@value #MAX_THREADS}; none for one processor.
   */
  public static Optional<CompressionPool> forProcessors(int processors, Duration keepAlive, String name) {
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
