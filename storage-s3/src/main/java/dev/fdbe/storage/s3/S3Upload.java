package dev.fdbe.storage.s3;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.UploadJournal;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/*
 * One object being written to S3 while its bytes are still being produced.
 *
 * Shape. The writer fills a PartBuffer of partSizeBytes. When a full buffer gets one more byte, it
 * is handed to the store's part pool and uploaded with UploadPart, and the writer starts the next
 * one. A full buffer is sent only once more data arrives, so the last part is never empty and an
 * object of at most one part is written at commit with a single PutObject: no multipart upload is
 * opened for it, and there is nothing to journal. The multipart upload is opened (and reported to
 * the journal, before any part is sent) on the writer's thread when the first part is handed over.
 *
 * Memory. At most inFlightParts buffers exist per upload, the one being filled included; the writer
 * waits for a slot when all are taken. Chunks of finished parts are reused. Memory per upload is
 * thus bounded by partSizeBytes x inFlightParts (rounded up to whole 1 MiB chunks), whatever the
 * object's size.
 *
 * States. OPEN -> COMMITTING -> COMMITTED, or -> DISCARDED from OPEN or COMMITTING on abort or on
 * any failure. Every field below the lock is guarded by it; the writer-only fields (current,
 * written, nextPart) are touched only by the thread that writes and commits. abort() may come from
 * any thread: it wakes a writer blocked on the window at once (which then throws), stops the bodies
 * of parts in flight, waits for their requests to end, aborts the multipart upload and checks with
 * ListMultipartUploads that it is gone before telling the journal. When the check fails the journal
 * keeps the upload, and the engine's janitor aborts it later. An abort that finds a commit under
 * way leaves the clean-up to the committing thread and waits for it, so that nothing it returns
 * from is left behind, and the commit then fails.
 */
final class S3Upload implements BlobUpload {
  private static final Logger LOG = LoggerFactory.getLogger(S3Upload.class);

  /** How long an abort waits for the requests of parts in flight before aborting anyway. */
  static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(30);

  private enum State { OPEN, COMMITTING, COMMITTED, DISCARDED }

  private final S3Bucket bucket;
  private final String key;
  private final String objectName;
  private final UploadJournal journal;
  private final long partSizeBytes;
  private final int window;
  private final Stream stream = new Stream();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private State state = State.OPEN;
  private boolean abortedByCaller;
  private @Nullable RuntimeException failure;
  private @Nullable String uploadId;
  private boolean uploadClosed;
  private boolean commitEnded;
  private int buffersHeld;
  private int inFlight;
  private final List<CompletedPart> completed = new ArrayList<>();
  private final ArrayDeque<byte[]> freeChunks = new ArrayDeque<>();
  private volatile boolean cancelled;

  private @Nullable PartBuffer current;
  private int nextPart = 1;
  private long written;

  S3Upload(S3Bucket bucket, String key, UploadJournal journal) {
    this.bucket = bucket;
    this.key = key;
    this.objectName = bucket.config().objectName(key);
    this.journal = journal;
    this.partSizeBytes = bucket.config().partSizeBytes();
    this.window = bucket.config().inFlightParts();
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Waits for the parts in flight, sends the last one and completes the multipart upload (or
   * puts the whole object when it fits in one part), then checks the stored size with HeadObject.
   *
   * @throws ExportException when S3 fails or refuses (the upload is then aborted), when the
   *     stored size differs from the bytes written (retryable; the object is deleted), or when the
   *     upload was aborted (not retryable)
   * @throws IllegalStateException when it was already committed
   */
  @Override
  public BlobInfo commit() {
    lock.lock();
    try {
      switch (state) {
        case OPEN -> state = State.COMMITTING;
        case COMMITTED -> throw new IllegalStateException("upload of '" + key + "' was already committed");
        case COMMITTING -> throw new IllegalStateException("upload of '" + key + "' is being committed");
        default -> throw ended(null);
      }
    } finally {
      lock.unlock();
    }
    try {
      BlobInfo info = complete();
      lock.lock();
      try {
        if (state == State.COMMITTING) {
          state = State.COMMITTED;
          return info;
        }
      } finally {
        lock.unlock();
      }
      bucket.deleteObjectQuietly(objectName);
      throw ended(null);
    } catch (RuntimeException e) {
      boolean aborted;
      lock.lock();
      try {
        aborted = state == State.DISCARDED;
        state = State.DISCARDED;
      } finally {
        lock.unlock();
      }
      discardInStore();
      throw aborted ? ended(e) : e;
    } finally {
      lock.lock();
      try {
        commitEnded = true;
        releaseBuffers();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A writer blocked on a full window, or a commit waiting for its parts, stops at once and
   * throws. Then this waits for the requests of parts in flight to end (their bodies stop sending),
   * aborts the multipart upload and checks that it is gone; the journal learns that it is closed
   * only then. Never throws: an upload that cannot be aborted now stays in the journal for the
   * engine's janitor.
   */
  @Override
  public void abort() {
    lock.lock();
    try {
      if (state == State.COMMITTED || state == State.DISCARDED) {
        return;
      }
      boolean committing = state == State.COMMITTING;
      state = State.DISCARDED;
      abortedByCaller = true;
      cancelled = true;
      changed.signalAll();
      if (committing) {
        long wait = TimeUnit.SECONDS.toNanos(120);
        while (!commitEnded && wait > 0) {
          wait = changed.awaitNanos(wait);
        }
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } finally {
      lock.unlock();
    }
    discardInStore();
    lock.lock();
    try {
      releaseBuffers();
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ writing

  private void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    checkWritable();
    while (len > 0) {
      PartBuffer part = current;
      if (part == null) {
        part = acquireBuffer();
        current = part;
      } else if (part.isFull()) {
        current = null;
        send(part);
        continue;
      }
      int n = part.append(b, off, len, this::takeChunk);
      off += n;
      len -= n;
      written += n;
    }
  }

  /** Throws when the upload cannot take more bytes: aborted, failed or committing. */
  private void checkWritable() throws IOException {
    RuntimeException failed;
    lock.lock();
    try {
      if (state == State.OPEN && failure == null) {
        return;
      }
      if (state != State.OPEN && state != State.DISCARDED) {
        throw new IllegalStateException("upload of '" + key + "' is " + state.name().toLowerCase() + "; no more "
            + "bytes can be written");
      }
      if (state == State.DISCARDED) {
        if (failure != null && !abortedByCaller) {
          throw failure;
        }
        throw new IOException("upload of '" + key + "' to " + bucket.location(objectName) + " was aborted");
      }
      failed = failure;
      state = State.DISCARDED;
    } finally {
      lock.unlock();
    }
    discardInStore();
    throw failed;
  }

  /** Waits for a free slot in the window and takes it for the next part. */
  private PartBuffer acquireBuffer() throws IOException {
    if (nextPart > S3StorageConfig.MAX_PARTS_PER_UPLOAD) {
      fail(new ExportException("cannot write " + bucket.location(objectName) + ": the object is larger than "
          + S3StorageConfig.MAX_PARTS_PER_UPLOAD + " parts of " + partSizeBytes + " bytes, the most one S3 upload "
          + "takes; raise the part size (partSizeMb)", false));
    }
    lock.lock();
    try {
      while (buffersHeld >= window && state == State.OPEN && failure == null) {
        changed.await();
      }
      if (state == State.OPEN && failure == null) {
        buffersHeld++;
        return new PartBuffer(nextPart++, partSizeBytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lock.unlock();
      fail(new InterruptedIOException("interrupted while waiting to upload a part of " + bucket.location(objectName)));
    } finally {
      if (lock.isHeldByCurrentThread()) {
        lock.unlock();
      }
    }
    checkWritable();
    throw new IllegalStateException("unreachable: upload of '" + key + "' is writable but has no free part");
  }

  private byte[] takeChunk() {
    lock.lock();
    try {
      byte[] chunk = freeChunks.poll();
      return chunk != null ? chunk : new byte[PartBuffer.CHUNK_BYTES];
    } finally {
      lock.unlock();
    }
  }

  /** Hands a full part to the pool, opening the multipart upload first if this is the first part. */
  private void send(PartBuffer part) throws IOException {
    String id = uploadId();
    if (id == null) {
      id = open();
    }
    String upload = id;
    lock.lock();
    try {
      if (state != State.OPEN && state != State.COMMITTING) {
        return;
      }
      inFlight++;
    } finally {
      lock.unlock();
    }
    try {
      bucket.partPool().execute(() -> upload(upload, part));
    } catch (RejectedExecutionException e) {
      ExportException closed = new ExportException("cannot upload part " + part.number() + " of "
          + bucket.location(objectName) + ": the store was closed", e, false);
      partEnded(part, null, closed);
      if (isCommitting()) {
        throw closed; // the last part, sent by commit: its failure is the commit's
      }
      checkWritable();
    }
  }

  private boolean isCommitting() {
    lock.lock();
    try {
      return state == State.COMMITTING;
    } finally {
      lock.unlock();
    }
  }

  /** Opens the multipart upload and journals it; aborts it again if the journal refuses. */
  private String open() throws IOException {
    String id;
    try {
      id = bucket.createMultipartUpload(objectName);
    } catch (ExportException e) {
      fail(e);
      throw e;
    }
    boolean abortedMeanwhile;
    lock.lock();
    try {
      uploadId = id;
      abortedMeanwhile = state == State.DISCARDED;
    } finally {
      lock.unlock();
    }
    try {
      journal.opened(key, id);
    } catch (RuntimeException refused) {
      // Not journaled: the journal does not learn of the abort either.
      lock.lock();
      try {
        uploadClosed = true;
        state = State.DISCARDED;
        failure = refused;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (!bucket.abortAndVerify(objectName, id)) {
        LOG.warn("multipart upload {} of {} was refused by the journal and could not be aborted; it stays open "
            + "until the bucket's lifecycle rules remove it", id, bucket.location(objectName));
      }
      throw refused;
    }
    if (abortedMeanwhile) {
      // abort() ran while the upload was being created and found nothing to abort.
      discardInStore();
      checkWritable();
    }
    return id;
  }

  /** Runs on the part pool. */
  private void upload(String id, PartBuffer part) {
    CompletedPart response = null;
    RuntimeException error = null;
    try {
      if (!cancelled) {
        response = bucket.uploadPart(objectName, id, part, () -> cancelled);
      }
    } catch (ExportException e) {
      error = e;
    } catch (RuntimeException e) {
      error = new ExportException("cannot upload part " + part.number() + " of " + bucket.location(objectName)
          + ": " + e, e, true);
    }
    partEnded(part, response, cancelled ? null : error);
  }

  private void partEnded(PartBuffer part, @Nullable CompletedPart response, @Nullable RuntimeException error) {
    lock.lock();
    try {
      inFlight--;
      buffersHeld--;
      freeChunks.addAll(part.release());
      if (response != null) {
        completed.add(response);
      } else if (error != null && failure == null) {
        failure = error;
        cancelled = true;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the upload with a failure: aborts it in the store and throws. */
  private void fail(Exception cause) throws IOException {
    lock.lock();
    try {
      if (failure == null && state != State.DISCARDED) {
        failure = cause instanceof RuntimeException runtime ? runtime : null;
      }
      if (state == State.OPEN) {
        state = State.DISCARDED;
      }
      cancelled = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    discardInStore();
    if (cause instanceof IOException io) {
      throw io;
    }
    throw (RuntimeException) cause;
  }

  // ------------------------------------------------------------------ committing

  /**
   * Writes the object and checks what was stored. From the request that creates the object on, a
   * failure deletes it again (quietly; the key is this attempt's alone), so that a failed commit
   * leaves nothing visible even when the object was written and only the check after it failed.
   */
  private BlobInfo complete() {
    PartBuffer last = current;
    current = null;
    String id = uploadId();
    if (id != null) {
      try {
        if (last != null && last.size() > 0) {
          send(last);
        }
      } catch (IOException e) {
        throw new ExportException("cannot upload the last part of " + bucket.location(objectName) + ": " + e, e,
            true);
      }
    }
    List<CompletedPart> parts = id == null ? List.of() : awaitParts();
    try {
      if (id == null) {
        bucket.putObject(objectName, last);
      } else {
        bucket.completeMultipartUpload(objectName, id, parts);
        lock.lock();
        try {
          uploadClosed = true;
        } finally {
          lock.unlock();
        }
        closeInJournal(id);
      }
      HeadObjectResponse head = bucket.head(objectName).orElseThrow(() -> new ExportException("cannot commit "
          + bucket.location(objectName) + ": the object is missing right after it was written", true));
      long stored = head.contentLength() == null ? -1 : head.contentLength();
      if (stored != written) {
        throw new ExportException("cannot commit " + bucket.location(objectName) + ": " + written
            + " bytes were written but " + stored + " are stored; the object was deleted", true);
      }
      return new BlobInfo(key, stored, Expiration.parse(head.expiration()));
    } catch (RuntimeException e) {
      bucket.deleteObjectQuietly(objectName);
      throw e;
    }
  }

  /** Waits until every part sent has been uploaded; returns them in part order. */
  private List<CompletedPart> awaitParts() {
    lock.lock();
    try {
      while (inFlight > 0 && state == State.COMMITTING && failure == null) {
        changed.awaitUninterruptibly();
      }
      if (state != State.COMMITTING) {
        throw ended(null);
      }
      if (failure != null) {
        throw failure;
      }
      List<CompletedPart> parts = new ArrayList<>(completed);
      parts.sort(Comparator.comparing(CompletedPart::partNumber));
      return parts;
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ discarding

  /**
   * Aborts the multipart upload, if one was opened and is not closed yet, once its parts in flight
   * have ended; the journal learns of it once the upload is gone. Called after the state became
   * DISCARDED, by the thread that made it so (and by a writer that opened an upload meanwhile).
   */
  private void discardInStore() {
    String id;
    lock.lock();
    try {
      cancelled = true;
      id = uploadId;
      if (id == null || uploadClosed) {
        return;
      }
      uploadClosed = true;
      long wait = IN_FLIGHT_WAIT.toNanos();
      while (inFlight > 0 && wait > 0) {
        wait = changed.awaitNanos(wait);
      }
      if (inFlight > 0) {
        LOG.warn("aborting multipart upload {} of {} with {} parts still in flight after {}", id,
            bucket.location(objectName), inFlight, IN_FLIGHT_WAIT);
      }
    } catch (InterruptedException e) {
      // Abort at once; a part that still lands is caught by the check below or by the janitor.
      Thread.currentThread().interrupt();
      id = Objects.requireNonNull(uploadId);
    } finally {
      lock.unlock();
    }
    if (bucket.abortAndVerify(objectName, id)) {
      closeInJournal(id);
    } else {
      LOG.warn("multipart upload {} of {} could not be aborted now; it stays in the run store for the janitor", id,
          bucket.location(objectName));
    }
  }

  /** The multipart upload's id, or null until one is opened. */
  private @Nullable String uploadId() {
    lock.lock();
    try {
      return uploadId;
    } finally {
      lock.unlock();
    }
  }

  private void closeInJournal(String id) {
    try {
      journal.closed(key, id);
    } catch (RuntimeException e) {
      LOG.warn("the journal did not take the close of upload {} of {}", id, bucket.location(objectName), e);
    }
  }

  private void releaseBuffers() {
    freeChunks.clear();
    current = null;
  }

  private ExportException ended(@Nullable Exception cause) {
    String message = "upload of '" + key + "' to " + bucket.location(objectName) + " was "
        + (abortedByCaller ? "aborted" : "ended by an earlier failure") + "; nothing is stored";
    Throwable reason = cause != null ? cause : failure;
    return reason == null ? new ExportException(message, false) : new ExportException(message, reason, false);
  }

  /** The stream of the upload; writing blocks while the window of parts is full. */
  private final class Stream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      S3Upload.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      S3Upload.this.write(b, off, len);
    }

    /** Sends nothing (parts are sent as they fill); reports a failure or abort of the upload. */
    @Override
    public void flush() throws IOException {
      checkWritable();
    }

    /** Same as {@link #flush()}: the upload ends with commit or abort, not here. */
    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
