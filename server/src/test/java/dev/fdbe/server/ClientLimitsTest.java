package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.Test;

/** The per-address count of {@link ClientLimits}: exact, also under concurrency. */
class ClientLimitsTest {
  private static final InetAddress[] ADDRESSES = addresses();

  private static InetAddress[] addresses() {
    try {
      return new InetAddress[] {InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"),
          InetAddress.getByName("2001:db8::1")};
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static ClientLimits limits(int maxPerAddress) {
    return new ClientLimits(Duration.ofSeconds(10), maxPerAddress, new ScheduledExecutorScheduler());
  }

  @Test
  void anAddressGetsItsShareAndNoMoreAndEachReleaseCountsOnce() {
    ClientLimits limits = limits(2);
    Object first = new Object();
    Object second = new Object();
    assertThat(limits.admit(first, ADDRESSES[0])).isTrue();
    assertThat(limits.admit(second, ADDRESSES[0])).isTrue();
    assertThat(limits.admit(new Object(), ADDRESSES[0])).as("one more than the share").isFalse();
    assertThat(limits.admit(new Object(), ADDRESSES[1])).as("another address").isTrue();
    assertThat(limits.connections(ADDRESSES[0])).isEqualTo(2);

    limits.release(first);
    limits.release(first); // reported twice (failed, then closed): given back once
    limits.release(new Object()); // never counted (refused)
    assertThat(limits.connections(ADDRESSES[0])).isEqualTo(1);
    assertThat(limits.admit(new Object(), ADDRESSES[0])).isTrue();
    assertThat(limits.admit(new Object(), ADDRESSES[0])).isFalse();
  }

  @Test
  void aShareBelowOneOrADeadlineBelowASecondIsRefused() {
    assertThatThrownBy(() -> limits(0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new ClientLimits(Duration.ofMillis(500), 1, new ScheduledExecutorScheduler()))
        .hasMessageContaining("at least 1 s");
  }

  @Test
  void countsStayExactWhenManyThreadsConnectAndCloseAtOnce() throws Exception {
    int share = 5;
    int threads = 8;
    int rounds = 20_000;
    ClientLimits limits = limits(share);
    AtomicIntegerArray held = new AtomicIntegerArray(ADDRESSES.length);
    AtomicInteger mostHeld = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> admittedByThread = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        admittedByThread.add(pool.submit(() -> {
          start.await();
          List<Object> mine = new ArrayList<>();
          List<Integer> mineAt = new ArrayList<>();
          int admitted = 0;
          for (int i = 0; i < rounds; i++) {
            int address = (seed + i) % ADDRESSES.length;
            Object channel = new Object();
            if (limits.admit(channel, ADDRESSES[address])) {
              admitted++;
              mostHeld.accumulateAndGet(held.incrementAndGet(address), Math::max);
              mine.add(channel);
              mineAt.add(address);
            }
            if (!mine.isEmpty() && (i % 3 != 0 || mine.size() > 2)) {
              int last = mine.size() - 1;
              held.decrementAndGet(mineAt.remove(last)); // before the release, so held never undercounts
              limits.release(mine.remove(last));
            }
          }
          for (int i = 0; i < mine.size(); i++) {
            held.decrementAndGet(mineAt.get(i));
            limits.release(mine.get(i));
          }
          return admitted;
        }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<Integer> future : admittedByThread) {
        admitted += future.get(60, TimeUnit.SECONDS);
      }
      assertThat(admitted).as("some were admitted").isPositive();
    } finally {
      pool.shutdownNow();
    }
    assertThat(mostHeld.get()).as("no address ever held more than its share").isLessThanOrEqualTo(share);
    for (InetAddress address : ADDRESSES) {
      assertThat(limits.connections(address)).as("%s after every release", address).isZero();
    }
    assertThat(limits.addresses()).as("addresses at zero are dropped").isZero();
  }
}
