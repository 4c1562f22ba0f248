package dev.fdbe.server;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * What is left of a request body the API refused (over the size limit), read and dropped after the
 * answer is sent, so that a client still sending its body reads the 400 that names its error.
 * Without it, the connection would close with the client's bytes unread and the kernel would reset
 * it, and a reset discards the answer the client has not read yet.
 *
 * <p>The answer carries {@code Connection: close}: the connection is not reused. After the answer,
 * the rest of the body is read without blocking a thread and dropped, until it ends, until
 * {@link #MAX_BYTES} more have been read, or until {@link #QUIET_NANOS} pass without a byte (a
 * client that declared more than it sends); then the exchange completes and Jetty closes the
 * connection. The request deadline of {@link ClientLimits} still bounds the whole. Thread-safe:
 * reads, the quiet check and completion are serialised on the instance, and the exchange completes
 * once.
 */
final class RefusedBody implements Runnable {
  /** How much of a refused body is read and dropped at most. */
  static final long MAX_BYTES = 8L * 1024 * 1024;
  /** How long the discard waits for the next byte before it gives up. */
  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final String ATTRIBUTE = RefusedBody.class.getName();

  private final Request request;
  private final Callback callback;
  private final Scheduler scheduler;
  private long left = MAX_BYTES;
  private long lastByteNanos = System.nanoTime();
  private boolean done;
  private Scheduler.@Nullable Task quietCheck;

  private RefusedBody(Request request, Callback callback) {
    this.request = request;
    this.callback = callback;
    this.scheduler = request.getComponents().getScheduler();
  }

  /** Marks the request's body as refused: its answer is to be followed by {@link #discardThen}. */
  static void mark(Request request) {
    request.setAttribute(ATTRIBUTE, Boolean.TRUE);
  }

  /**
   * The callback to write the answer with: for a request {@linkplain #mark marked} refused, it
   * adds {@code Connection: close} to the response and, once the answer is written, discards the
   * rest of the body before completing {@code callback}; for any other request, {@code callback}.
   */
  static Callback discardThen(Request request, Response response, Callback callback) {
    if (request.getAttribute(ATTRIBUTE) == null) {
      return callback;
    }
    response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    RefusedBody discard = new RefusedBody(request, callback);
    return Callback.from(discard::start, callback::failed);
  }

  private void start() {
    synchronized (this) {
      quietCheck = scheduler.schedule(this::checkQuiet, QUIET_NANOS, TimeUnit.NANOSECONDS);
    }
    run();
  }

  /** Reads what has arrived and drops it; asks Jetty to call again when more arrives. */
  @Override
  public synchronized void run() {
    while (!done) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      boolean end = chunk.isLast() || Content.Chunk.isFailure(chunk);
      left -= chunk.remaining();
      chunk.release();
      lastByteNanos = System.nanoTime();
      if (end || left <= 0) {
        complete();
        return;
      }
    }
  }

  private synchronized void checkQuiet() {
    if (done) {
      return;
    }
    long quietFor = System.nanoTime() - lastByteNanos;
    if (quietFor >= QUIET_NANOS) {
      complete();
    } else {
      quietCheck = scheduler.schedule(this::checkQuiet, QUIET_NANOS - quietFor, TimeUnit.NANOSECONDS);
    }
  }

  private void complete() {
    done = true;
    if (quietCheck != null) {
      quietCheck.cancel();
    }
    callback.succeeded();
  }
}
