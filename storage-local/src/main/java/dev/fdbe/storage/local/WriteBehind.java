package dev.fdbe.storage.local;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Syncs a large upload's bytes to disk while it is still being written, so that the sync at commit
 * waits only for the last stretch instead of the whole file. Without it the kernel may keep the
 * bytes of a part of hundreds of MB dirty in memory until commit, and the commit then waits for the
 * disk while the writer has nothing left to do (a 900 MB part written at 150 MB/s: 0.26-0.37 s of
 * waiting at commit without it, 0.01-0.11 s with it; benchmarks' LocalPartCommit). Bytes written
 * past the page cache (DirectWrites) need it as much where the disk caches writes: on the benchmark
 * machine, whose virtual disk's host caches them, the sync after 930 MB of direct writes took 0.73 s,
 * and 0.02-0.03 s with a sync every 64 MB along the way (docs/benchmarks.md).
 *
 * Invariants:
 * - At most one sync per upload is in flight, so the syncs queued never exceed the uploads open.
 * - A failed sync is kept and thrown by await: Linux reports a write-back error to a file only once,
 *   so a commit whose final sync succeeds after an earlier one failed must still fail.
 * - A sync that finds the channel closed belongs to an aborted upload and is no failure: nothing of
 *   that upload is committed.
 */
final class WriteBehind {
  /** Bytes written between syncs: a small part starts none, a part of 1 GB sixteen. */
  static final long SYNC_EVERY_BYTES = 64L << 20;

  private static final ExecutorService SYNCS = Executors.newCachedThreadPool(new DaemonThreads());

  private final Sync sync;
  private final long syncEvery;
  private long syncedUpTo;
  private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
  private int started;
  private volatile IOException failure;

  /** Syncs the file's data (not its metadata, which the sync at commit covers) every {@link #SYNC_EVERY_BYTES}. */
  WriteBehind(FileChannel channel) {
    this(() -> channel.force(false), SYNC_EVERY_BYTES);
  }

  WriteBehind(Sync sync, long syncEvery) {
    this.sync = sync;
    this.syncEvery = syncEvery;
  }

  /** Called by the one writer after {@code written} bytes reached the channel; starts a sync when due. */
  void written(long written) {
    if (written - syncedUpTo >= syncEvery && inFlight.isDone()) {
      syncedUpTo = written;
      started++;
      inFlight = CompletableFuture.runAsync(this::sync, SYNCS);
    }
  }

  /** How many syncs the writer has started. */
  int started() {
    return started;
  }

  /** Waits for the sync in flight, if any; throws the failure of any sync so far. */
  void await() throws IOException {
    inFlight.join();
    IOException failed = failure;
    if (failed != null) {
      throw new IOException("an earlier sync of the file failed", failed);
    }
  }

  private void sync() {
    try {
      sync.run();
    } catch (ClosedChannelException e) {
      // aborted meanwhile, see above
    } catch (IOException e) {
      failure = e;
    }
  }

  /** One sync of the file so far. */
  @FunctionalInterface
  interface Sync {
    void run() throws IOException;
  }

  private static final class DaemonThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "fdbe-local-sync-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
