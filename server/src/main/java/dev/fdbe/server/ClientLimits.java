package dev.fdbe.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two bounds on clients that Jetty 12 lacks, so that slow or greedy clients cannot crowd out
 * the others: how many connections one client address may hold, and how long a connection may take
 * to deliver a request. Jetty's own {@code NetworkConnectionLimit} bounds all connections together
 * and its idle timeout starts afresh with every byte, so without this class a single address could
 * take every connection, and a client sending a byte now and then could keep one for ever. (Jetty's
 * {@code MinimumDataRateHandler} measures a body's rate only when more of it arrives, so a stalled
 * body still waits for the idle timeout, and nothing in Jetty bounds the time headers take.) Added to
 * a connector as a bean, it is that connector's accept listener, connection listener and a sweep on
 * the connector's scheduler. Thread-safe.
 *
 * <p><b>Connections per address.</b> Each accepted channel is counted against its remote IP address
 * in {@link #onAccepting}, on the acceptor thread, before Jetty creates an endpoint, a connection or
 * a buffer for it. A channel that would take its address past {@code maxPerAddress} is closed right
 * there, so it holds no thread and no memory, and other addresses are unaffected. Invariant: an
 * address's count is the number of its admitted channels that Jetty has not yet reported failed
 * ({@link #onAcceptFailed}) or closed ({@link #onClosed(SelectableChannel)}). Each channel is released
 * exactly once, whichever thread reports it, because the channel's entry in a concurrent map is
 * the only record of its admission and only the thread that removes it releases the count; counts
 * change atomically per address and an address at zero is dropped, so the map holds only addresses
 * with open connections. The address is the TCP peer's: behind a reverse proxy all clients share
 * the proxy's.
 *
 * <p><b>Request deadline.</b> Once a request's first byte has arrived, its request line and headers
 * must arrive within {@code deadline}, and the whole request, body included, within twice the
 * deadline; otherwise its connection is closed without an answer, as Jetty's idle timeout closes it.
 * A connection between requests is left to the idle timeout, and so is the time the application
 * takes to answer once the request has arrived: only a request that has begun and not yet arrived
 * is on the clock. A body counts as arrived when the application has read it; the API reads a body
 * as soon as it has authenticated the caller. Blank lines before a request line, which HTTP allows
 * and which keep the parser in its start state, are on the clock too, from the sweep that first sees
 * them: else a client could send one every few seconds for ever.
 *
 * <p>Open HTTP/1.1 connections are kept from {@link #onOpened} to {@link #onClosed(Connection)}; a sweep
 * every tenth of the deadline (at least 100 ms, at most 1 s) reads the state of each one's parser,
 * whose start time Jetty records ({@link HttpParser#getBeginNanoTime()}), and closes the late ones,
 * so a connection is closed within a tick or two of its deadline and never before it. The parser is
 * reached through Jetty's {@code HttpConnection}, from Jetty's internal package; {@code SlowClientsIT}
 * checks each behaviour against the Jetty version in use. The sweep reads the parser from another
 * thread: its state is volatile, and a start time read while the parser is being reset for the next
 * request (zero) is skipped until the next sweep.
 */
final class ClientLimits extends AbstractLifeCycle implements SelectorManager.AcceptListener, Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ClientLimits.class);
  private static final long NOT_SEEN = -1;

  private final long deadlineNanos;
  private final long tickNanos;
  private final int maxPerAddress;
  private final Scheduler scheduler;
  private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  private final Map<Object, InetAddress> admitted = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Watch> open = new ConcurrentHashMap<>();
  private volatile Scheduler.@Nullable Task sweep;

  /**
   * @param deadline how long a request's line and headers may take from its first byte (the whole
   *     request twice that); at least a second
   * @param maxPerAddress the most connections one client address may have open; at least 1
   * @param scheduler runs the sweep; the connector's, started before this
   */
  ClientLimits(Duration deadline, int maxPerAddress, Scheduler scheduler) {
    if (deadline.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the request deadline must be at least 1 s, got " + deadline);
    }
    if (maxPerAddress < 1) {
      throw new IllegalArgumentException("the connections per address must be at least 1, got " + maxPerAddress);
    }
    this.deadlineNanos = deadline.toNanos();
    this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(TimeUnit.SECONDS.toNanos(1),
        deadlineNanos / 10));
    this.maxPerAddress = maxPerAddress;
    this.scheduler = scheduler;
  }

  // ---------------------------------------------------------------- connections per address

  @Override
  public void onAccepting(SelectableChannel channel) {
    InetAddress address = remoteAddress(channel);
    if (address == null || admit(channel, address)) {
      return; // an address that cannot be read belongs to a channel already closed, which Jetty fails
    }
    LOG.debug("refused a connection from {}: it has {} open", address, maxPerAddress);
    try {
      channel.close(); // Jetty then fails to register it and reports onAcceptFailed
    } catch (IOException e) {
      LOG.debug("closing a refused connection from {} failed", address, e);
    }
  }

  @Override
  public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
    release(channel);
  }

  @Override
  public void onClosed(SelectableChannel channel) {
    release(channel);
  }

  /**
   * Counts the channel against the address unless the address has {@code maxPerAddress} already;
   * whether it was counted. The channel must not be released before this returns, which holds for
   * Jetty's channels: they are reported failed or closed only after {@link #onAccepting} returned.
   */
  boolean admit(Object channel, InetAddress address) {
    boolean[] counted = new boolean[1];
    perAddress.compute(address, (key, count) -> {
      int current = count == null ? 0 : count;
      counted[0] = current < maxPerAddress;
      return counted[0] ? current + 1 : count;
    });
    if (counted[0]) {
      admitted.put(channel, address);
    }
    return counted[0];
  }

  /** Gives back the channel's count, if it was counted and not yet given back. */
  void release(Object channel) {
    InetAddress address = admitted.remove(channel);
    if (address != null) {
      perAddress.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
    }
  }

  /** The connections the address has open. */
  int connections(InetAddress address) {
    return perAddress.getOrDefault(address, 0);
  }

  /** The addresses with connections open. */
  int addresses() {
    return perAddress.size();
  }

  private static @Nullable InetAddress remoteAddress(SelectableChannel channel) {
    try {
      SocketAddress remote = channel instanceof SocketChannel socket ? socket.getRemoteAddress() : null;
      return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    } catch (IOException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- request deadline

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.put(http, new Watch());
    }
  }

  @Override
  public void onClosed(Connection connection) {
    open.remove(connection);
  }

  @Override
  protected void doStart() {
    sweep = scheduler.schedule(this::sweep, tickNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  protected void doStop() {
    Scheduler.Task task = sweep;
    if (task != null) {
      task.cancel();
    }
  }

  private void sweep() {
    try {
      long now = System.nanoTime();
      open.forEach((connection, watch) -> {
        try {
          check(connection, watch, now);
        } catch (RuntimeException e) {
          LOG.warn("checking the request deadline of {} failed", connection, e);
        }
      });
    } finally {
      if (isRunning()) {
        sweep = scheduler.schedule(this::sweep, tickNanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  /** Closes the connection if a request of it has begun and not arrived within its time. */
  private void check(HttpConnection connection, Watch watch, long now) {
    HttpParser parser = connection.getParser();
    long begun;
    long allowed;
    if (parser.getState() == HttpParser.State.START) {
      long messages = connection.getMessagesIn();
      long bytes = connection.getBytesIn();
      if (messages != watch.messages) { // first seen between requests: what it received so far is spent
        watch.messages = messages;
        watch.bytes = bytes;
        watch.blankSince = NOT_SEEN;
        return;
      }
      if (bytes == watch.bytes) {
        return; // silent: the idle timeout's business
      }
      if (watch.blankSince == NOT_SEEN) {
        watch.blankSince = now; // blank lines before a request line
        return;
      }
      begun = watch.blankSince;
      allowed = deadlineNanos;
    } else {
      watch.messages = NOT_SEEN; // the next time between requests starts afresh
      if (parser.isComplete()) {
        return; // arrived, or the connection is closing
      }
      begun = parser.getBeginNanoTime();
      if (begun == 0) {
        return; // being reset for the next request
      }
      allowed = parser.inHeaderState() ? deadlineNanos : 2 * deadlineNanos;
    }
    if (now - begun > allowed) {
      LOG.debug("closing {}: its request did not arrive within {} ms", connection,
          TimeUnit.NANOSECONDS.toMillis(allowed));
      connection.getEndPoint().close(new TimeoutException("the request did not arrive within "
          + TimeUnit.NANOSECONDS.toMillis(allowed) + " ms"));
    }
  }

  /**
   * What the sweep remembers of a connection between requests, to notice blank lines arriving: the
   * requests it had received and the bytes it had read when the sweep first saw it between requests
   * ({@link #NOT_SEEN} requests while a request is arriving), and when the sweep first saw more bytes
   * than that. Read and written by the sweep only.
   */
  private static final class Watch {
    long messages = NOT_SEEN;
    long bytes;
    long blankSince = NOT_SEEN;
  }
}
