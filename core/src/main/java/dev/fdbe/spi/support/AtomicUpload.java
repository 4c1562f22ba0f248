package dev.fdbe.spi.support;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobUpload;
import org.jspecify.annotations.Nullable;

/**
 * The life of a {@link BlobUpload} whose object appears in one step at commit (a rename, the
 * finalization of an upload session, a map entry), so that a store implements only the steps and
 * not the states between them.
 *
 * <p>States: OPEN → COMMITTING → COMMITTED, or → ABORTED from OPEN or COMMITTING, by
 * {@link #abort()} from any thread or by a failure. {@link #commit()} runs
 * {@link #complete()} outside any lock (slow work: flushing, syncing, finalizing, verifying), then
 * {@link #publish} under the lock that {@code abort} takes (quick work that makes the object
 * visible), so an abort either comes first and the object never appears, or comes after and does
 * nothing. When an abort arrives while {@code complete} runs, the object {@code complete} created
 * is handed to {@link #retract} and the commit fails. After an abort or any failure,
 * {@link #discard()} releases what the upload holds, and after a successful publish
 * {@link #afterPublish} does what need not hold off an abort.
 *
 * <p>Errors name the object by the {@code name} given to the constructor. An aborted upload fails
 * with a non-retryable {@link ExportException} ("was aborted; nothing is stored") whose cause is
 * the failure that ended it, if any. Subclasses are thread-safe in the sense of
 * {@link BlobUpload}: one writer, and {@code abort} from anywhere.
 */
public abstract class AtomicUpload implements BlobUpload {
  private enum State { OPEN, COMMITTING, COMMITTED, ABORTED }

  private final String name;
  private final Object lock = new Object();
  private State state = State.OPEN;
  private @Nullable RuntimeException failure;

  /**
   * Starts in the open state.
   *
   * @param name how messages name the object, e.g. {@code "'exports/a/x.csv'"} or
   *     {@code "gs://bucket/exports/a/x.csv"}; never a file system path
   */
  protected AtomicUpload(String name) {
    this.name = java.util.Objects.requireNonNull(name, "name");
  }

  /**
   * Makes everything written durable in the store and, where the store can, checks it; runs outside
   * the lock, so {@link #abort()} may happen meanwhile. Throws when the store fails, after undoing
   * whatever it created (the upload then ends ABORTED and {@link #discard()} runs).
   *
   * @return the object as it will be once published
   * @throws ExportException when the store fails or the stored object is not what was written
   */
  protected abstract BlobInfo complete();

  /**
   * Makes the completed object visible under its key; runs under the lock, only while no abort has
   * happened, so it must be quick. Does nothing by default, for stores whose {@link #complete()}
   * already made it visible (they then {@link #retract} it on a late abort).
   *
   * @param completed what {@link #complete()} returned
   * @throws ExportException when the store fails; the upload then ends ABORTED
   */
  protected void publish(BlobInfo completed) {}

  /**
   * Runs after the object became visible, outside the lock, once the upload is COMMITTED: work that
   * need not hold off an abort, such as syncing the directory that holds a renamed file. Best
   * effort, never throws. Does nothing by default.
   *
   * @param published what {@link #complete()} returned
   */
  protected void afterPublish(BlobInfo published) {}

  /**
   * Removes what {@link #complete()} created when an abort came while it ran; best effort, never
   * throws. Does nothing by default, for stores that publish in {@link #publish}.
   *
   * @param completed what {@link #complete()} returned
   */
  protected void retract(BlobInfo completed) {}

  /**
   * Releases what the upload holds (a temporary file, a buffer, an open upload in the store) after
   * an abort or a failure. Called once the state is ABORTED, possibly from another thread than the
   * writer's, and possibly while {@link #complete()} runs; never blocks for long and never throws.
   */
  protected abstract void discard();

  /**
   * {@inheritDoc}
   *
   * @throws ExportException when the store fails (the upload is then aborted), or, not retryable,
   *     when the upload was aborted
   * @throws IllegalStateException when it was already committed or is being committed
   */
  @Override
  public final BlobInfo commit() {
    synchronized (lock) {
      switch (state) {
        case OPEN -> state = State.COMMITTING;
        case COMMITTED -> throw new IllegalStateException("upload of " + name + " was already committed");
        case COMMITTING -> throw new IllegalStateException("upload of " + name + " is being committed");
        case ABORTED -> throw aborted(null);
      }
    }
    BlobInfo completed;
    try {
      completed = complete();
    } catch (RuntimeException e) {
      throw fail(e);
    }
    boolean published = false;
    RuntimeException publishFailure = null;
    synchronized (lock) {
      if (state == State.COMMITTING) {
        try {
          publish(completed);
          state = State.COMMITTED;
          published = true;
        } catch (RuntimeException e) {
          publishFailure = e;
        }
      }
    }
    if (published) {
      afterPublish(completed);
      return completed;
    }
    if (publishFailure != null) {
      throw fail(publishFailure);
    }
    retract(completed);
    throw aborted(null);
  }

  /**
   * {@inheritDoc} Never throws and never waits for the writer: it switches the state, then
   * {@link #discard() discards}; a commit under way then fails.
   */
  @Override
  public final void abort() {
    synchronized (lock) {
      if (state == State.COMMITTED || state == State.ABORTED) {
        return;
      }
      state = State.ABORTED;
    }
    discard();
  }

  /**
   * Ends the upload because of a failure (for streams whose write failed): it becomes ABORTED,
   * unless already committed, and is discarded.
   *
   * @return what to throw: the failure itself, or, when the upload had been aborted already, the
   *     "was aborted" error caused by it
   */
  protected final RuntimeException fail(RuntimeException cause) {
    boolean abortedBefore;
    synchronized (lock) {
      abortedBefore = state == State.ABORTED;
      if (state == State.COMMITTED) {
        return cause;
      }
      state = State.ABORTED;
      if (failure == null) {
        failure = cause;
      }
    }
    if (!abortedBefore) {
      discard();
      return cause;
    }
    return aborted(cause);
  }

  /** Whether the upload still takes bytes: not committing, committed or aborted. */
  protected final boolean isOpen() {
    synchronized (lock) {
      return state == State.OPEN;
    }
  }

  /** Whether the upload was aborted, by {@link #abort()} or by a failure. */
  protected final boolean isAborted() {
    synchronized (lock) {
      return state == State.ABORTED;
    }
  }

  /**
   * The error for using an aborted upload: not retryable, caused by the given failure or else by
   * the one that ended the upload, if any.
   */
  protected final ExportException aborted(@Nullable Throwable cause) {
    Throwable why = cause;
    if (why == null) {
      synchronized (lock) {
        why = failure;
      }
    }
    String message = "upload of " + name + " was aborted; nothing is stored";
    return why == null ? new ExportException(message, false) : new ExportException(message, why, false);
  }
}
