package dev.fdbe.server;

import java.util.Arrays;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body of at most a given size without holding a thread while it trickles in: when
 * no bytes wait, it asks Jetty to call it again once more arrive ({@link Request#demand}) and
 * returns, so a client sending its body slowly (or not at all, until {@link ClientLimits} closes
 * its connection at the request deadline) holds a connection but no request thread. The body is
 * read from Jetty's chunks directly, not through an input stream, whose closing would fail the rest;
 * a body over the limit is refused with a 400 and {@link UnreadBodies} reads and drops the rest.
 *
 * <p>Then the whole body goes to the handler, on the thread that read its last bytes (a request
 * thread: a plain {@link Runnable} demand is never run on Jetty's selector), or any failure (the
 * handler's included) to the failure consumer, exactly once either way.
 */
final class BodyReader implements Runnable {
  /** What is done with a whole body; it may throw, which reaches the failure consumer. */
  @FunctionalInterface
  interface Handler {
    void accept(byte[] body) throws Exception;
  }

  private static final int INITIAL_BYTES = 8192;

  private final Request request;
  private final long maxBytes;
  private final Handler then;
  private final Consumer<Throwable> failed;
  private byte[] body;
  private int length;

  private BodyReader(Request request, long maxBytes, long declared, Handler then, Consumer<Throwable> failed) {
    this.request = request;
    this.maxBytes = maxBytes;
    this.then = then;
    this.failed = failed;
    // Grown as bytes arrive, never sized by what the client declares: a thousand stalled bodies
    // declaring 1 MiB each would otherwise pin a gibibyte.
    this.body = new byte[(int) Math.min(INITIAL_BYTES, declared >= 0 ? declared : INITIAL_BYTES)];
  }

  /**
   * Starts reading the body; {@code then} or {@code failed} is called later or at once. {@code failed}
   * must not throw.
   *
   * @throws ApiError when the body is refused before a byte is read: it declares more than
   *     {@code maxBytes}, or comes compressed or in a transfer coding other than chunked
   */
  static void read(Request request, long maxBytes, Handler then, Consumer<Throwable> failed) {
    refuseCodings(request);
    long declared = request.getLength();
    if (declared > maxBytes) {
      throw ApiError.invalid(null, "the request body is " + declared + " bytes; at most " + maxBytes + " are accepted");
    }
    new BodyReader(request, maxBytes, declared, then, failed).run();
  }

  /**
   * Refuses a body sent compressed ({@code Content-Encoding} other than {@code identity}) or in a
   * transfer coding other than {@code chunked}: Jetty passes either on undecoded, and the body would
   * be read as malformed JSON, or worse, as JSON it is not.
   */
  private static void refuseCodings(Request request) {
    for (String coding : request.getHeaders().getCSV(HttpHeader.CONTENT_ENCODING, false)) {
      if (!coding.equalsIgnoreCase("identity")) {
        throw ApiError.invalid(null, "the request body must be sent uncompressed, not with Content-Encoding '"
            + WireParser.shown(coding) + "'");
      }
    }
    for (String coding : request.getHeaders().getCSV(HttpHeader.TRANSFER_ENCODING, false)) {
      if (!coding.equalsIgnoreCase("chunked")) {
        throw ApiError.invalid(null, "the request body must be sent as is or chunked, not with Transfer-Encoding '"
            + WireParser.shown(coding) + "'");
      }
    }
  }

  /** Reads what has arrived; called again by Jetty when more does. */
  @Override
  public void run() {
    byte[] whole;
    try {
      whole = readArrived();
    } catch (Throwable e) { // an Error too: on Jetty's thread it would leave the request unanswered
      failed.accept(e);
      return;
    }
    if (whole == null) {
      return; // Jetty calls again when more arrives
    }
    try {
      then.accept(whole);
    } catch (Throwable e) {
      failed.accept(e);
    }
  }

  /** The whole body once its last bytes are read, or null after asking Jetty for more. */
  private byte[] readArrived() {
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return null;
      }
      if (Content.Chunk.isFailure(chunk)) {
        // The client went away, ended the body early, or was too slow and ClientLimits closed its
        // connection: its failure, not the server's, so no incident in the log.
        throw ApiError.invalid(null, "the request body could not be read whole");
      }
      int size = chunk.remaining();
      if (length + (long) size > maxBytes) {
        chunk.release();
        throw ApiError.invalid(null, "the request body is larger than " + maxBytes + " bytes");
      }
      if (length + size > body.length) {
        body = Arrays.copyOf(body, (int) Math.min(maxBytes, Math.max(2L * body.length, length + size)));
      }
      chunk.getByteBuffer().get(body, length, size);
      length += size;
      boolean last = chunk.isLast();
      chunk.release();
      if (last) {
        return length == body.length ? body : Arrays.copyOf(body, length);
      }
    }
  }
}
