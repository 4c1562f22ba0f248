package dev.fdbe.server;

import dev.fdbe.RunId;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.RunStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the server can do its work: the run store and the blob store both answer. Each check is a
 * cheap read (a run and an object that do not exist) bounded by {@link #CHECK_TIMEOUT}; the result
 * is kept for {@link #CACHE_FOR}, so probes however frequent cost the stores at most one check each
 * per period. A check that is still hanging from an earlier probe is not started again: the store
 * counts as not answering until it returns. Reasons name the store, never a host, path or error
 * text; the operator's log has the failure. Thread-safe.
 */
final class Readiness implements AutoCloseable {
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
  static final Duration CACHE_FOR = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
  /** Looked up by the checks; no run or object has these names. */
  private static final RunId PROBE_RUN = RunId.parse("00000000-0000-4000-8000-000000000000");
  private static final String PROBE_KEY = "fdbe-readiness-probe";

  /** The outcome of a check: ready, or why not. */
  record Result(boolean ready, @Nullable String reason) {}

  private final List<Check> checks;
  private final LongSupplier nanoTime;
  private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "fdbe-readiness");
    thread.setDaemon(true);
    return thread;
  });
  private @Nullable Result cached;
  private long cachedAt;

  Readiness(RunStore runStore, BlobStore blobStore, LongSupplier nanoTime) {
    this.checks = List.of(new Check("the run store", () -> runStore.find(PROBE_RUN)),
        new Check("the blob store", () -> blobStore.stat(PROBE_KEY)));
    this.nanoTime = nanoTime;
  }

  /** The current result, checked anew when the cached one is older than {@link #CACHE_FOR}. */
  synchronized Result check() {
    long now = nanoTime.getAsLong();
    if (cached != null && now - cachedAt < CACHE_FOR.toNanos()) {
      return cached;
    }
    for (Check check : checks) {
      check.start(executor);
    }
    Result result = new Result(true, null);
    for (Check check : checks) {
      String failure = check.await(now + CHECK_TIMEOUT.toNanos());
      if (failure != null && result.ready()) {
        result = new Result(false, failure);
      }
    }
    cached = result;
    cachedAt = nanoTime.getAsLong();
    return result;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** One store's check; at most one of it runs at a time. */
  private final class Check {
    private final String store;
    private final Runnable probe;
    private @Nullable CompletableFuture<Void> running;

    Check(String store, Runnable probe) {
      this.store = store;
      this.probe = probe;
    }

    void start(ExecutorService executor) {
      if (running == null || running.isDone()) {
        running = CompletableFuture.runAsync(probe, executor);
      }
    }

    /** Null when the store answered by the deadline, else the reason. */
    @Nullable String await(long deadlineNanos) {
      CompletableFuture<Void> future = running;
      try {
        future.get(Math.max(0, deadlineNanos - nanoTime.getAsLong()), TimeUnit.NANOSECONDS);
        return null;
      } catch (TimeoutException e) {
        LOG.warn("readiness: {} did not answer within {}", store, CHECK_TIMEOUT);
        return store + " does not answer";
      } catch (ExecutionException e) {
        LOG.warn("readiness: {} failed its check", store, e.getCause());
        return store + " does not answer";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "the check was interrupted";
      }
    }
  }
}
