package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.BlobStores;
import dev.fdbe.RunStores;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.RunStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  /** What the stores do when called: answer, fail or hang. */
  enum Behaviour { ANSWER, FAIL, HANG }

  private final AtomicReference<Behaviour> runStoreBehaviour = new AtomicReference<>(Behaviour.ANSWER);
  private final AtomicReference<Behaviour> blobStoreBehaviour = new AtomicReference<>(Behaviour.ANSWER);
  private final AtomicInteger calls = new AtomicInteger();
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicLong now = new AtomicLong();
  private final Readiness readiness = new Readiness(
      faulty(RunStore.class, RunStores.inMemory(), runStoreBehaviour),
      faulty(BlobStore.class, BlobStores.inMemory(), blobStoreBehaviour), this::nanoTime);

  /** Real time passes (the timeout waits), plus what the test adds. */
  private long nanoTime() {
    return System.nanoTime() + now.get();
  }

  @AfterEach
  void release() {
    released.countDown();
    readiness.close();
  }

  private <T> T faulty(Class<T> type, T real, AtomicReference<Behaviour> behaviour) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      calls.incrementAndGet();
      switch (behaviour.get()) {
        case FAIL -> throw new IllegalStateException("connection to db.internal:5432 refused");
        case HANG -> released.await();
        default -> { }
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }));
  }

  private void later(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  @Test
  void readyWhenBothStoresAnswer() {
    assertThat(readiness.check()).isEqualTo(new Readiness.Result(true, null));
  }

  @Test
  void aFailingStoreIsNamedWithoutItsError() {
    runStoreBehaviour.set(Behaviour.FAIL);
    Readiness.Result result = readiness.check();

    assertThat(result.ready()).isFalse();
    assertThat(result.reason()).isEqualTo("the run store does not answer").doesNotContain("db.internal");

    later(Readiness.CACHE_FOR);
    runStoreBehaviour.set(Behaviour.ANSWER);
    blobStoreBehaviour.set(Behaviour.FAIL);
    assertThat(readiness.check().reason()).isEqualTo("the blob store does not answer");
  }

  @Test
  void aHangingStoreIsNotReadyWithinTheCheckTimeoutAndIsNotAskedTwice() {
    blobStoreBehaviour.set(Behaviour.HANG);
    long start = System.nanoTime();
    Readiness.Result result = readiness.check();
    long took = System.nanoTime() - start;

    assertThat(result.reason()).isEqualTo("the blob store does not answer");
    assertThat(Duration.ofNanos(took)).as("bounded by the check timeout (plus scheduling)")
        .isGreaterThanOrEqualTo(Readiness.CHECK_TIMEOUT).isLessThan(Readiness.CHECK_TIMEOUT.multipliedBy(30));

    int callsSoFar = calls.get();
    later(Readiness.CACHE_FOR);
    readiness.check();
    assertThat(calls.get()).as("only the run store is asked again; the hanging check still runs")
        .isEqualTo(callsSoFar + 1);
  }

  @Test
  void resultsAreCachedSoProbesCannotLoadTheStores() {
    for (int i = 0; i < 100; i++) {
      assertThat(readiness.check().ready()).isTrue();
    }
    assertThat(calls.get()).as("one check of each store").isEqualTo(2);

    later(Readiness.CACHE_FOR);
    readiness.check();
    assertThat(calls.get()).isEqualTo(4);
  }
}
