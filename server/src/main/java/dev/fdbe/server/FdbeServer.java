package dev.fdbe.server;

import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The embedded HTTP server: Jetty 12 with a bounded thread pool (64 threads), at most 1,024 open
 * connections and at most {@code maxConnectionsPerAddress} of them from one client address, a
 * 16 KiB header limit, a request deadline (a request's line and headers within it of the request's
 * first byte, the whole request within twice it), a 30 s idle timeout (while reading headers and
 * bodies too), a 1 MiB body limit (enforced by {@link HttpApi}), and the API's JSON errors. The
 * per-address limit and the deadline are {@link ClientLimits}. Stopping stops accepting connections
 * and lets requests in flight finish; the engine is closed separately (see {@link Main}).
 */
final class FdbeServer {
  /** The largest request body the API accepts: 1 MiB. */
  static final long MAX_BODY_BYTES = 1024 * 1024;
  static final int MAX_THREADS = 64;
  static final int MAX_CONNECTIONS = 1024;
  static final int MAX_HEADER_BYTES = 16 * 1024;
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** The default request deadline: the line and headers of a request within 10 s, all of it within 20 s. */
  static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(10);
  /** The default share of one client address: 64 of the {@value #MAX_CONNECTIONS} connections. */
  static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;

  private final Server server;
  private final ServerConnector connector;

  /**
   * @param requestDeadline how long a request's line and headers may take from its first byte (the
   *     whole request twice that); at least a second
   * @param maxConnectionsPerAddress the most connections one client address may have open, from 1
   *     to {@value #MAX_CONNECTIONS}
   */
  FdbeServer(String host, int port, Duration requestDeadline, int maxConnectionsPerAddress) {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 4);
    threads.setName("fdbe-http");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    connector.addBean(new ClientLimits(requestDeadline, maxConnectionsPerAddress, connector.getScheduler()));
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(10_000);
  }

  /**
   * Opens the listening socket, so that the port is known (and taken) before the rest of the
   * server is assembled; connections wait in the backlog until {@link #start}.
   */
  void bind() throws IOException {
    connector.open();
  }

  /** Starts serving requests with the handler. */
  void start(Handler api) throws Exception {
    server.setHandler(new GracefulHandler(new UnreadBodies(api)));
    server.start();
  }

  /** The port the server listens on (the chosen one when started on port 0). */
  int port() {
    return connector.getLocalPort();
  }

  /** Stops accepting, waits for requests in flight (up to 10 s), then stops; idempotent. */
  void stop() throws Exception {
    try {
      server.stop();
    } finally {
      connector.close(); // when bound but never started
    }
  }
}
