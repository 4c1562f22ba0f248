package dev.fdbe.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AtomicUploadTest {
  /** Records the steps it is asked to take; each step can be told to fail or to run a hook. */
  private static class Recording extends AtomicUpload {
    final List<String> steps = new ArrayList<>();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RuntimeException completeFails;
    RuntimeException publishFails;
    Runnable duringComplete = () -> {};

    Recording() {
      super("'a/x.csv'");
    }

    @Override
    public OutputStream stream() {
      return bytes;
    }

    @Override
    protected BlobInfo complete() {
      synchronized (steps) {
        steps.add("complete");
      }
      duringComplete.run();
      if (completeFails != null) {
        throw completeFails;
      }
      return new BlobInfo("a/x.csv", bytes.size());
    }

    @Override
    protected void publish(BlobInfo completed) {
      steps.add("publish");
      if (publishFails != null) {
        throw publishFails;
      }
    }

    @Override
    protected void afterPublish(BlobInfo published) {
      steps.add("afterPublish");
    }

    @Override
    protected void retract(BlobInfo completed) {
      steps.add("retract");
    }

    @Override
    protected void discard() {
      synchronized (steps) {
        steps.add("discard");
      }
    }
  }

  @Test
  void commitCompletesThenPublishesThenRunsWhatFollows() {
    Recording upload = new Recording();
    upload.bytes.write(7);

    BlobInfo info = upload.commit();

    assertThat(info).isEqualTo(new BlobInfo("a/x.csv", 1));
    assertThat(upload.steps).containsExactly("complete", "publish", "afterPublish");
    assertThat(upload.isOpen()).isFalse();
    assertThat(upload.isAborted()).isFalse();
  }

  @Test
  void aSecondCommitIsAProgrammingErrorAndAnAbortAfterCommitDoesNothing() {
    Recording upload = new Recording();
    upload.commit();

    assertThatThrownBy(upload::commit).isInstanceOf(IllegalStateException.class)
        .hasMessage("upload of 'a/x.csv' was already committed");
    upload.abort();
    assertThat(upload.steps).containsExactly("complete", "publish", "afterPublish");
    assertThat(upload.isAborted()).isFalse();
  }

  @Test
  void abortDiscardsOnceAndACommitAfterItFailsNotRetryably() {
    Recording upload = new Recording();

    upload.abort();
    upload.abort();

    assertThat(upload.steps).containsExactly("discard");
    assertThat(upload.isAborted()).isTrue();
    assertThatThrownBy(upload::commit).isInstanceOfSatisfying(ExportException.class,
        e -> assertThat(e.isRetryable()).isFalse())
        .hasMessage("upload of 'a/x.csv' was aborted; nothing is stored");
    assertThat(upload.steps).containsExactly("discard");
  }

  @Test
  void aFailedCompleteAbortsDiscardsAndThrowsTheFailureItself() {
    Recording upload = new Recording();
    ExportException broken = new ExportException("disk full", true);
    upload.completeFails = broken;

    assertThatThrownBy(upload::commit).isSameAs(broken);
    assertThat(upload.steps).containsExactly("complete", "discard");
    assertThat(upload.isAborted()).isTrue();
    assertThatThrownBy(upload::commit).hasMessage("upload of 'a/x.csv' was aborted; nothing is stored")
        .hasCause(broken);
  }

  @Test
  void aFailedPublishAbortsAndDiscards() {
    Recording upload = new Recording();
    ExportException refused = new ExportException("rename refused", true);
    upload.publishFails = refused;

    assertThatThrownBy(upload::commit).isSameAs(refused);
    assertThat(upload.steps).containsExactly("complete", "publish", "discard");
  }

  @Test
  void anAbortWhileCompleteRunsIsNeverPublishedAndWhatCompleteCreatedIsRetracted() {
    Recording upload = new Recording();
    upload.duringComplete = upload::abort;

    assertThatThrownBy(upload::commit).isInstanceOfSatisfying(ExportException.class,
        e -> assertThat(e.isRetryable()).isFalse())
        .hasMessage("upload of 'a/x.csv' was aborted; nothing is stored");
    assertThat(upload.steps).containsExactly("complete", "discard", "retract");
  }

  @Test
  void aFailureAfterAnAbortReportsTheAbortCausedByTheFailure() {
    Recording upload = new Recording();
    IllegalStateException late = new IllegalStateException("channel closed");
    upload.duringComplete = () -> {
      upload.abort();
      throw late;
    };

    assertThatThrownBy(upload::commit).isInstanceOf(ExportException.class)
        .hasMessage("upload of 'a/x.csv' was aborted; nothing is stored").hasCause(late);
    assertThat(upload.steps).containsExactly("complete", "discard");
  }

  @Test
  void aStreamFailureEndsTheUploadSoThatCommitFailsWithIt() {
    Recording upload = new Recording();
    ExportException chunkLost = new ExportException("chunk lost", true);

    assertThat(upload.fail(chunkLost)).isSameAs(chunkLost);

    assertThat(upload.isOpen()).isFalse();
    assertThat(upload.steps).containsExactly("discard");
    assertThatThrownBy(upload::commit).hasMessage("upload of 'a/x.csv' was aborted; nothing is stored")
        .hasCause(chunkLost);
  }

  @Test
  void aCommitUnderWayRefusesASecondCommitFromAnotherThread() throws Exception {
    Recording upload = new Recording();
    CountDownLatch inComplete = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    upload.duringComplete = () -> {
      inComplete.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    Thread committer = new Thread(upload::commit);
    committer.start();
    try {
      assertThat(inComplete.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(upload::commit).isInstanceOf(IllegalStateException.class)
          .hasMessage("upload of 'a/x.csv' is being committed");
    } finally {
      release.countDown();
      committer.join(10_000);
    }
    assertThat(upload.steps).containsExactly("complete", "publish", "afterPublish");
  }
}
