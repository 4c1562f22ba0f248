package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteBehindTest {
  @Test
  void syncsOnceEachStretchWhileTheFileIsWritten() throws Exception {
    AtomicInteger syncs = new AtomicInteger();
    WriteBehind writeBehind = new WriteBehind(syncs::incrementAndGet, 100);

    writeBehind.written(99);
    writeBehind.await();
    assertThat(syncs).hasValue(0);

    writeBehind.written(100);
    writeBehind.await();
    assertThat(syncs).hasValue(1);

    writeBehind.written(199);
    writeBehind.await();
    assertThat(syncs).as("the next stretch starts where the last sync began").hasValue(1);
    writeBehind.written(200);
    writeBehind.await();
    assertThat(syncs).hasValue(2);
  }

  @Test
  void startsNoSecondSyncWhileOneIsInFlight() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger syncs = new AtomicInteger();
    WriteBehind writeBehind = new WriteBehind(() -> {
      syncs.incrementAndGet();
      started.countDown();
      awaitQuietly(release);
    }, 10);

    writeBehind.written(10);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    writeBehind.written(1_000);
    writeBehind.written(2_000);
    release.countDown();
    writeBehind.await();

    assertThat(syncs).hasValue(1);
  }

  @Test
  void aFailedSyncFailsTheCommitEvenWhenLaterOnesSucceed() {
    AtomicInteger syncs = new AtomicInteger();
    WriteBehind writeBehind = new WriteBehind(() -> {
      if (syncs.incrementAndGet() == 1) {
        throw new IOException("Input/output error");
      }
    }, 10);

    writeBehind.written(10);
    assertThatThrownBy(writeBehind::await).isInstanceOf(IOException.class)
        .hasMessageContaining("an earlier sync of the file failed")
        .hasRootCauseMessage("Input/output error");
    writeBehind.written(20);
    assertThatThrownBy(writeBehind::await).hasRootCauseMessage("Input/output error");
    assertThat(syncs).hasValue(2);
  }

  @Test
  void aSyncCutShortByAnAbortIsNoFailure() {
    WriteBehind writeBehind = new WriteBehind(() -> {
      throw new AsynchronousCloseException();
    }, 10);

    writeBehind.written(10);

    assertThatCode(writeBehind::await).doesNotThrowAnyException();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
