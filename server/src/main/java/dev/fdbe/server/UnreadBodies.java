package dev.fdbe.server;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * Every answer leaves its connection fit for the client's next request, or says that it closes it:
 * the handler around the API for request bodies that were not read to their end when the answer
 * began (a 401 or a 405 answered before the body, a body over the size limit, a cancel's body,
 * which is ignored). Jetty closes such a connection once the exchange completes; unless the answer
 * said so, a client that pools connections (the JDK's among them) keeps it, sends its next request
 * on it and finds it closed, before any answer, which it may not retry.
 *
 * <p>When the answer begins (its first write, or the exchange's completion when the handler wrote
 * nothing, as for a redirect), whatever has arrived of the body is read and dropped. If that
 * reaches the body's end, the connection stays open as usual. Otherwise the answer carries
 * {@code Connection: close}, and after it the rest of the body is read and dropped without
 * blocking a thread, until it ends, until {@link #MAX_BYTES} in all have been dropped, or until
 * {@link #QUIET_NANOS} pass without a byte (a client that declared more than it sends); then the
 * exchange completes and Jetty closes the connection. Reading the rest matters: a connection
 * closed with the client's bytes unread is reset by the kernel, and a reset discards the answer the
 * client has not read yet. A client that asked to send its body only when invited ({@code Expect:
 * 100-continue}) and was not invited is told the connection closes, and nothing is read. The request
 * deadline of {@link ClientLimits} still bounds the whole.
 *
 * <p>Thread-safe: a request's reads happen one at a time (Jetty's contract); the drop after the
 * answer, its quiet check and completion are serialised on the exchange, which completes once.
 */
final class UnreadBodies extends Handler.Wrapper {
  /** How much of a body the answer did not read is read and dropped at most. */
  static final long MAX_BYTES = 8L * 1024 * 1024;
  /**
   * How long the drop after the answer waits for the next byte before it gives up: long enough that
   * a busy machine's pause between two reads is not taken for a client that stopped sending.
   */
  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(2);

  UnreadBodies(Handler handler) {
    super(handler);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) <= 0
        && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
      return super.handle(request, response, callback); // no body
    }
    Exchange exchange = new Exchange(request, callback);
    Exchange.Reading reading = exchange.new Reading(request);
    exchange.answer = exchange.new Answer(reading, response);
    return super.handle(reading, exchange.answer, exchange.new Done());
  }

  /** One request with a body: what the handler read of it, and what is left to drop. */
  private static final class Exchange implements Runnable {
    private final Request request;
    private final Callback callback;
    private final Scheduler scheduler;
    private @Nullable Answer answer;
    private volatile boolean readAny;
    private volatile boolean ended;
    private volatile boolean answered;
    private volatile boolean dropAfter;
    private long left = MAX_BYTES;
    private long lastByteNanos;
    private boolean done;
    private Scheduler.@Nullable Task quietCheck;

    Exchange(Request request, Callback callback) {
      this.request = request;
      this.callback = callback;
      this.scheduler = request.getComponents().getScheduler();
    }

    /** The request as the handler sees it: its reads are watched for the body's end. */
    final class Reading extends Request.Wrapper {
      Reading(Request request) {
        super(request);
      }

      @Override
      public Content.@Nullable Chunk read() {
        Content.Chunk chunk = super.read();
        if (chunk != null) {
          readAny = true;
          ended |= chunk.isLast();
        }
        return chunk;
      }
    }

    /** The response as the handler sees it: its first write settles what becomes of the connection. */
    final class Answer extends Response.Wrapper {
      Answer(Request request, Response response) {
        super(request, response);
      }

      @Override
      public void write(boolean last, @Nullable ByteBuffer content, Callback written) {
        if (!answered) {
          answered = true;
          settle(getWrapped());
        }
        super.write(last, content, written);
      }
    }

    /**
     * The handler's callback: completes the exchange once the rest of the body is dropped. An
     * exchange the handler completed without writing (a redirect's empty answer) has its answer
     * written here, through {@link Answer}, as Jetty would write it.
     */
    final class Done extends Callback.Nested {
      Done() {
        super(callback);
      }

      @Override
      public void succeeded() {
        Answer written = answer;
        if (!answered && written != null && !written.isCommitted()) {
          written.write(true, null, Callback.from(this::afterAnswer, this::failed));
        } else {
          afterAnswer();
        }
      }

      private void afterAnswer() {
        if (dropAfter) {
          startDropping();
        } else {
          callback.succeeded();
        }
      }
    }

    /** Drops what has arrived of the body; if its end is not among it, the answer closes the connection. */
    private void settle(Response response) {
      if (ended) {
        return;
      }
      if (!readAny && request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString())) {
        // Not invited, so not sent; dropping it would invite it (Jetty sends 100 Continue on demand).
        closeAfter(response);
        return;
      }
      while (left > 0) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          break;
        }
        if (Content.Chunk.isFailure(chunk)) {
          closeAfter(response); // the body cannot be read to its end: nothing left to drop
          return;
        }
        left -= chunk.remaining();
        boolean end = chunk.isLast();
        chunk.release();
        if (end) {
          ended = true;
          return;
        }
      }
      closeAfter(response);
      dropAfter = true;
    }

    private static void closeAfter(Response response) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }

    private void startDropping() {
      synchronized (this) {
        lastByteNanos = System.nanoTime();
        quietCheck = scheduler.schedule(this::checkQuiet, QUIET_NANOS, TimeUnit.NANOSECONDS);
      }
      run();
    }

    /** Reads what has arrived and drops it; asks Jetty to call again when more arrives. */
    @Override
    public synchronized void run() {
      while (!done) {
        if (left <= 0) {
          complete();
          return;
        }
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        boolean end = chunk.isLast() || Content.Chunk.isFailure(chunk);
        left -= chunk.remaining();
        chunk.release();
        lastByteNanos = System.nanoTime();
        if (end) {
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
}
