package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Slow and greedy clients cannot crowd out the others ({@link ClientLimits}): many half-sent requests
 * from one address leave another address's request answered at once, one address gets its share of
 * connections and no more, and a request that arrives too slowly, header by header or body byte by
 * body byte, has its connection closed at the request deadline, long before the idle timeout would
 * close it, while a connection idle between requests is left alone.
 *
 * <p>Two servers: a patient one, whose deadline is so long that only the per-address share can
 * explain what the tests see, and a strict one with a 2 s deadline. Every client is on loopback,
 * every loop is bounded in count and time, and every socket is closed in a {@code finally}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientsIT {
  private static final String RUNS = "/api/projects/1/file_download_batch_exports/";
  /** More than the 1,024 connections of the whole server, as in the attack that found the problem. */
  private static final int SLOW_CONNECTIONS = 1_100;
  private static final Duration PATIENT_DEADLINE = Duration.ofSeconds(600);
  private static final Duration STRICT_DEADLINE = Duration.ofSeconds(2);
  /** A cut-off must come well before the idle timeout (30 s) would have closed the connection. */
  private static final Duration CUT_OFF_BY = Duration.ofSeconds(20);
  private static final Duration TRICKLE_EVERY = Duration.ofMillis(250);

  @TempDir
  static Path directory;

  private TestServer patient;
  private TestServer strict;

  @BeforeAll
  void start() throws Exception {
    patient = new TestServer(Files.createDirectory(directory.resolve("patient")), 0, 1, null, PATIENT_DEADLINE,
        FdbeServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    strict = new TestServer(Files.createDirectory(directory.resolve("strict")), 0, 1, null, STRICT_DEADLINE,
        FdbeServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
  }

  @AfterAll
  void stop() {
    try {
      if (patient != null) {
        patient.close();
      }
    } finally {
      if (strict != null) {
        strict.close();
      }
    }
  }

  @Test
  void manySlowConnectionsFromOneAddressLeaveAnotherAddressServedAtOnce() throws Exception {
    requireFreeFileDescriptors(SLOW_CONNECTIONS + FdbeServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS + 200);
    InetAddress attacker = address("127.0.0.2");
    List<SocketChannel> slow = new ArrayList<>();
    try {
      long opening = System.nanoTime();
      for (int i = 0; i < SLOW_CONNECTIONS; i++) {
        assertThat(Duration.ofNanos(System.nanoTime() - opening)).as("opening %d slow connections", i)
            .isLessThan(Duration.ofSeconds(120));
        SocketChannel channel = SocketChannel.open();
        slow.add(channel);
        channel.bind(new InetSocketAddress(attacker, 0));
        try {
          channel.socket().connect(new InetSocketAddress("127.0.0.1", patient.base.getPort()), 10_000);
        } catch (SocketTimeoutException e) {
          throw new AssertionError("the server stopped accepting connections after " + i + " from one address: that"
              + " address took every connection", e);
        }
        try {
          channel.write(ByteBuffer.wrap(("GET " + RUNS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
              .getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException refusedAlready) {
          // the server closed it before the request could be written: refused, as expected
        }
        channel.configureBlocking(false);
      }
      Instant asked = Instant.now();
      HttpResponse<String> response = patient.get(RUNS, patient.key); // from 127.0.0.1
      Duration answeredIn = Duration.between(asked, Instant.now());

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(answeredIn).as("the authenticated request is answered at once, not when slow connections time out")
          .isLessThan(Duration.ofSeconds(10));
      // The connections beyond the share were closed by the server at once; the share is still open,
      // so the request above was answered while the attacker held every connection it could.
      int share = FdbeServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(closedByServer(slow)).as("slow connections the server closed")
              .isEqualTo(SLOW_CONNECTIONS - share));
      assertThat(SLOW_CONNECTIONS - closedByServer(slow)).as("slow connections still open: neither timed out nor"
          + " cut at a deadline").isEqualTo(share);
    } finally {
      closeAll(slow);
    }
  }

  @Test
  void anAddressGetsItsShareOfConnectionsAndOtherAddressesAreUnaffected() throws Exception {
    InetAddress greedy = address("127.0.0.5");
    InetAddress other = address("127.0.0.6");
    int share = FdbeServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < share; i++) {
        held.add(halfSentRequest(patient, greedy));
      }
      // Served in the order accepted: once this is answered, the server has counted all of the share.
      assertThat(RawHttp.get(patient.base, other, "/_health").status()).isEqualTo(200);

      Socket oneMore = halfSentRequest(patient, greedy);
      held.add(oneMore);
      // Neither the deadline (600 s) nor the idle timeout (30 s) can close it this soon: only the refusal.
      assertThat(closedWithin(oneMore, Duration.ofSeconds(10))).as("connection %d of one address is closed at once",
          share + 1).isTrue();
      assertThat(RawHttp.get(patient.base, other, "/_health").status()).as("another address").isEqualTo(200);
      for (Socket socket : held.subList(0, share)) {
        assertThat(closedWithin(socket, Duration.ofMillis(1))).as("the share stays open").isFalse();
      }

      // Closing one gives its place back.
      held.get(0).close();
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .untilAsserted(() -> assertThat(RawHttp.get(patient.base, greedy, "/_health").status()).isEqualTo(200));
    } finally {
      closeAll(held);
    }
  }

  /**
   * A create whose body stalls after its first bytes holds its connection but no request thread:
   * more of them than the server has threads, each invited by the API to send its body (the
   * {@code 100 Continue} comes only once the API reads it), still leave another client answered.
   */
  @Test
  void stalledBodiesHoldNoRequestThread() throws Exception {
    int stalled = FdbeServer.MAX_THREADS + 16;
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < stalled; i++) {
        Socket socket = new Socket();
        held.add(socket);
        socket.bind(new InetSocketAddress(address(i % 2 == 0 ? "127.0.0.7" : "127.0.0.8"), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", patient.base.getPort()), 10_000);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + patient.key
            + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\nExpect: 100-continue\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        try {
          assertThat(head(socket.getInputStream())).startsWith("HTTP/1.1 100");
        } catch (SocketTimeoutException e) {
          throw new AssertionError("request " + (i + 1) + " was never invited to send its body: the stalled bodies"
              + " before it hold every request thread", e);
        }
        socket.getOutputStream().write("{\"model\":".getBytes(StandardCharsets.US_ASCII));
      }
      Instant asked = Instant.now();
      assertThat(RawHttp.get(patient.base, address("127.0.0.9"), RUNS, "Authorization: Bearer " + patient.key).status())
          .isEqualTo(200);
      assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(10));
    } finally {
      closeAll(held);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "the request line byte by byte |                                                | G",
      "a header byte by byte         | GET /_health HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: | a",
      "blank lines before a request  |                                                | \\r\\n"})
  void aRequestTrickledInIsCutOffAtTheDeadline(String name, String start, String trickle) throws Exception {
    byte[] first = unescape(start == null ? "" : start).getBytes(StandardCharsets.US_ASCII);
    byte[] next = unescape(trickle).getBytes(StandardCharsets.US_ASCII);
    Duration cut = timeUntilClosed(strict, first.length > 0 ? first : next, next);
    assertThat(cut).as("closed at the deadline of the request's first byte, not before")
        .isGreaterThan(STRICT_DEADLINE.minusMillis(500)).isLessThan(CUT_OFF_BY);
  }

  @Test
  void aBodyTrickledInIsCutOffAtTwiceTheDeadline() throws Exception {
    String headers = "POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + strict.key
        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
    Duration cut = timeUntilClosed(strict, headers.getBytes(StandardCharsets.US_ASCII),
        " ".getBytes(StandardCharsets.US_ASCII));
    assertThat(cut).as("closed at twice the deadline of the request's first byte, not before")
        .isGreaterThan(STRICT_DEADLINE.multipliedBy(2).minusMillis(500)).isLessThan(CUT_OFF_BY);
  }

  @Test
  void aConnectionIdleBetweenRequestsOutlivesTheDeadlineAndARequestInPartsInTimeIsServed() throws Exception {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(10_000);
      socket.bind(new InetSocketAddress(address("127.0.0.7"), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", strict.base.getPort()), 10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write("GET /_health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200");

      // Idle (no byte of a next request) for longer than the deadline: the idle timeout's business.
      Thread.sleep(STRICT_DEADLINE.plusSeconds(1).toMillis());
      Instant[] day = TestServer.yesterday();
      String body = "{\"model\": \"events\", \"data_interval_start\": \"" + day[0] + "\", \"data_interval_end\": \""
          + day[1] + "\"}";
      out.write(("POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + strict.key
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
          + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(500); // a pause well inside the deadline
      out.write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(in)).startsWith("HTTP/1.1 202");
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Sends the first bytes, then the next ones every {@link #TRICKLE_EVERY}, until the server closes
   * the connection or {@link #CUT_OFF_BY} has passed; how long after the first byte it closed.
   */
  private static Duration timeUntilClosed(TestServer server, byte[] first, byte[] next) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(address("127.0.0.8"), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.base.getPort()), 10_000);
      socket.setSoTimeout((int) TRICKLE_EVERY.toMillis());
      long started = System.nanoTime();
      socket.getOutputStream().write(first);
      long rounds = CUT_OFF_BY.toMillis() / TRICKLE_EVERY.toMillis() + 1;
      for (long i = 0; i < rounds; i++) {
        if (closedWithin(socket, TRICKLE_EVERY)) {
          return Duration.ofNanos(System.nanoTime() - started);
        }
        try {
          socket.getOutputStream().write(next);
        } catch (IOException closed) {
          return Duration.ofNanos(System.nanoTime() - started);
        }
      }
      return Duration.ofNanos(System.nanoTime() - started);
    }
  }

  /** A connection from the address with a request begun and never finished. */
  private static Socket halfSentRequest(TestServer server, InetAddress from) throws IOException {
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.base.getPort()), 10_000);
      socket.getOutputStream().write(("GET " + RUNS + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Whether the server closes the connection within the wait: its end of the stream, a reset, or an
   * answer (the server sends nothing to a request it has not received whole, but an answer would end
   * the wait too).
   */
  private static boolean closedWithin(Socket socket, Duration wait) {
    try {
      socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
      socket.getInputStream().read();
      return true;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** How many of the non-blocking channels the server has closed: end of stream or reset. */
  private static int closedByServer(List<SocketChannel> channels) {
    int closed = 0;
    ByteBuffer buffer = ByteBuffer.allocate(256);
    for (SocketChannel channel : channels) {
      try {
        buffer.clear();
        if (channel.read(buffer) != 0) {
          closed++;
        }
      } catch (IOException reset) {
        closed++;
      }
    }
    return closed;
  }

  /** The status line and headers of the next response, through the blank line. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("the response ended early: %s", head.toString(StandardCharsets.ISO_8859_1)).isNotNegative();
      head.write(b);
      assertThat(head.size()).as("response headers").isLessThan(64 * 1024);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** One response on a kept-alive connection: its status line, headers and {@code Content-Length} body. */
  private static String readResponse(InputStream in) throws IOException {
    String text = head(in);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static void requireFreeFileDescriptors(int needed) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
      long free = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
      assertThat(free).as("this test opens about %d sockets, but the process may open only %d more files; raise"
          + " the limit (ulimit -n, now %d)", needed, free, os.getMaxFileDescriptorCount())
          .isGreaterThanOrEqualTo(needed);
    }
  }

  private static String unescape(String text) {
    return text.strip().replace("\\r", "\r").replace("\\n", "\n");
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static void closeAll(List<? extends java.io.Closeable> sockets) {
    for (java.io.Closeable socket : sockets) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a socket the server reset
      }
    }
  }
}
