package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A deterministic barrage of hostile requests against a running server: more than a thousand,
 * generated from a fixed seed (set another with {@code -Dfdbe.hostile.seed=N}), over every endpoint
 * of both URL families, the local downloads, the probes, the key administration and unknown paths.
 * They are sent as raw bytes over loopback sockets, so nothing is tidied up by a client library.
 *
 * <p>For every request: no 5xx but the documented protocol answers (505, and 426 for HTTP/2.0, both
 * {@code invalid_request}) and a readiness probe's 503; every error body is the API's
 * {@code {type, code, detail, attr}} JSON; no body or header carries another team's run, file or
 * attempt ids, a secret, a path of the data directory or a stack trace. Around the barrage, the
 * runs of teams 1 and 2 (with their details and logs), the keys and the files of the data
 * directory are compared: no request may change them. Requests with wrong or odd credentials come
 * from their own loopback addresses (127.0.0.10 to 127.0.0.200), at most ten each, so the
 * per-address budget of failed authentications never refuses the well-formed ones.
 *
 * <p>Bugs the barrage found are kept as named {@link #regressions() regression cases}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsIT {
  static final long SEED = Long.getLong("fdbe.hostile.seed", 0x5EED_F00DL);
  static final int MIN_REQUESTS = 1_000;
  /** The whole barrage must finish within this, or the test fails (with what it found so far). */
  static final Duration BUDGET = Duration.ofMinutes(4);
  /** With {@code -Dfdbe.hostile.dump=true}, every request's status and answer are printed. */
  static final boolean DUMP = Boolean.getBoolean("fdbe.hostile.dump");
  private static final String EVIL = "evil.example.com";
  /** A data_interval_end in the future: a create that carries it is invalid whatever its other fields. */
  private static final String FUTURE = "\"9999-12-31T23:59:59Z\"";
  private static final Pattern STACK_FRAME = Pattern.compile("\\bat [a-z][\\w.$]*\\(|\\.java:\\d+");

  @TempDir
  static Path directory;

  private TestServer server;
  private String adminToken;
  private InetAddress main;
  private final ExecutorService writers = Executors.newFixedThreadPool(2, runnable -> {
    Thread thread = new Thread(runnable, "hostile-writer");
    thread.setDaemon(true);
    return thread;
  });

  /** Team 1's completed runs, team 2's completed runs. */
  private String t1;
  private String t1b;
  private String t2;
  private String t2b;
  /** Signed local download links (path and query) of a file of each team. */
  private String t1Link;
  private String t2Link;
  /** Every run, file and attempt id of each team, lower case. */
  private final Set<String> team1Ids = new TreeSet<>();
  private final Set<String> team2Ids = new TreeSet<>();
  /** Texts no answer may hold: keys, key hashes, the admin token, the link secret, the data directory. */
  private final Map<String, String> secrets = new LinkedHashMap<>();

  private int nextAddress;
  private int addressUses;

  /** Who a request speaks for: which ids it may see. */
  enum Actor { TEAM1, TEAM2, NOBODY }

  // ------------------------------------------------------------------------------ set-up

  @BeforeAll
  void start() throws Exception {
    main = InetAddress.getByName("127.0.0.1");
    server = new TestServer(directory, 300, 1);
    adminToken = DataDirectory.readHolder(directory.toAbsolutePath()).orElseThrow().adminToken();
    t1 = createRun(1, server.key, "{\"format\": \"JSONLines\"}");
    t1b = createRun(1, server.key, "{\"format\": \"CSV\", \"compression\": \"gzip\"}");
    t2 = createRun(2, server.team2Key, "{\"format\": \"JSONLines\"}");
    t2b = createRun(2, server.team2Key, "{\"format\": \"Parquet\"}");
    for (String[] run : new String[][] {{"1", t1, server.key}, {"1", t1b, server.key}, {"2", t2, server.team2Key},
        {"2", t2b, server.team2Key}}) {
      awaitTerminal(run[0], run[1], run[2]);
    }
    t1Link = link(1, t1, server.key);
    t2Link = link(2, t2, server.team2Key);
    collectIds(1, server.key, team1Ids);
    collectIds(2, server.team2Key, team2Ids);
    assertThat(team1Ids).contains(t1, t1b).doesNotContainAnyElementsOf(team2Ids);

    for (String key : List.of(server.key, server.readKey, server.writeKey, server.team2Key)) {
      secrets.put("the API key " + key.substring(0, 12) + "...", key);
      secrets.put("the hash of the API key " + key.substring(0, 12) + "...", ApiKeys.hash(key));
    }
    secrets.put("the admin token", adminToken);
    byte[] signing = Files.readAllBytes(directory.resolve("files/.fdbe/link-signing-key"));
    secrets.put("the link secret (hex)", HexFormat.of().formatHex(signing));
    secrets.put("the link secret (base64)", Base64.getEncoder().withoutPadding().encodeToString(signing));
    secrets.put("the data directory", directory.toAbsolutePath().toString());
  }

  @AfterAll
  void stop() {
    writers.shutdownNow();
    if (server != null) {
      server.close();
    }
  }

  private String runsPath(String family, Object team) {
    return "/api/" + family + "/" + team + "/file_download_batch_exports";
  }

  private String createRun(int team, String key, String file) {
    Instant[] day = TestServer.yesterday();
    HttpResponse<String> response = server.post(runsPath("environments", team) + "/", key, "{\"model\": \"events\", "
        + "\"file\": " + file + ", \"data_interval_start\": \"" + day[0] + "\", \"data_interval_end\": \"" + day[1]
        + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return TestServer.json(response).get("id").asText();
  }

  private void awaitTerminal(String team, String run, String key) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      String status = TestServer.json(server.get(runsPath("projects", team) + "/" + run + "/", key)).get("status")
          .asText();
      if (!status.equals("Starting") && !status.equals("Running")) {
        assertThat(status).as("run %s", run).isEqualTo("Completed");
        return;
      }
      assertThat(System.nanoTime()).as("run %s still %s", run, status).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private String link(int team, String run, String key) {
    HttpResponse<String> response = server.get(runsPath("projects", team) + "/" + run + "/download/", key);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
    URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
    return location.getRawPath() + "?" + location.getRawQuery();
  }

  private void collectIds(int team, String key, Set<String> ids) {
    for (JsonNode run : TestServer.json(server.get(runsPath("projects", team) + "/?limit=1000", key)).get("results")) {
      String id = run.get("id").asText();
      ids.add(id);
      JsonNode detail = TestServer.json(server.get(runsPath("projects", team) + "/" + id + "/", key));
      detail.path("files").forEach(file -> ids.add(file.asText()));
      JsonNode logs = TestServer.json(server.get(runsPath("projects", team) + "/" + id + "/logs/?limit=500", key));
      logs.get("results").forEach(entry -> ids.add(entry.get("instance_id").asText()));
    }
    ids.remove(new UUID(0, 0).toString());
  }

  // ------------------------------------------------------------------------------ the state

  /** What no invalid request may change. */
  record State(List<String> runs, List<String> keys, Map<String, String> files) {
    /** What differs, entry by entry. */
    String changesTo(State after) {
      return changes("runs", runs, after.runs) + changes("keys", keys, after.keys)
          + changes("files", files.entrySet().stream().map(Object::toString).toList(),
              after.files.entrySet().stream().map(Object::toString).toList());
    }

    private static String changes(String what, List<String> before, List<String> after) {
      List<String> gone = new ArrayList<>(before);
      gone.removeAll(after);
      List<String> added = new ArrayList<>(after);
      added.removeAll(before);
      return gone.isEmpty() && added.isEmpty() ? "" : "\n  " + what + ": gone " + gone + "; new " + added;
    }
  }

  private State snapshot() throws IOException {
    List<String> runs = new ArrayList<>();
    for (var team : List.of(Map.entry(1, server.key), Map.entry(2, server.team2Key))) {
      String prefix = runsPath("projects", team.getKey()) + "/";
      HttpResponse<String> list = server.get(prefix + "?limit=1000", team.getValue());
      assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
      runs.add("team " + team.getKey() + ": " + list.body());
      for (JsonNode run : TestServer.json(list).get("results")) {
        String id = run.get("id").asText();
        runs.add(server.get(prefix + id + "/", team.getValue()).body());
        runs.add(server.get(prefix + id + "/logs/?limit=500", team.getValue()).body());
        runs.add(server.get(prefix + id + "/manifest/", team.getValue()).body());
      }
    }
    List<String> keys = server.app.keys.list().stream()
        .map(k -> k.id() + " " + k.prefix() + " " + k.label() + " " + new TreeSet<>(k.teams().stream()
            .map(Object::toString).toList()) + " " + new TreeSet<>(k.scopes().stream().map(Enum::name).toList()) + " "
            + k.createdAt() + " " + k.revokedAt())
        .sorted().toList();
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        String name = directory.relativize(path).toString();
        if (name.startsWith("fdbe.") && !name.contains("/")) {
          continue; // the database (and H2's own files): compared through the API and the keys
        }
        if (Files.isDirectory(path)) {
          files.put(name + "/", "directory");
        } else {
          byte[] bytes = Files.readAllBytes(path);
          files.put(name, bytes.length + " bytes, sha256 " + sha256(bytes));
        }
      }
    }
    return new State(runs, keys, files);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------ requests

  /** One hostile request: how to build its bytes, where it comes from, and who it speaks for. */
  final class Case {
    final String category;
    final String name;
    String method = "GET";
    String target = "/";
    String version = "HTTP/1.1";
    final List<String> headers = new ArrayList<>();
    byte @Nullable [] body;
    byte @Nullable [] raw;
    @Nullable String key;
    boolean host = true;
    boolean close = true;
    boolean length = true;
    boolean halfClose;
    /** A credential that may fail authentication: sent from an address of its own. */
    boolean risky;
    Actor actor = Actor.TEAM1;
    @Nullable Set<Integer> expected;
    /** The decoded {@code search} of a logs request, to check what a 200 holds. */
    @Nullable String search;
    @Nullable Consumer<Answer> extra;
    /** Where the request comes from: chosen when it is sent, unless fixed. */
    @Nullable InetAddress from;
    /** The status it got, once sent. */
    int status;
    private byte @Nullable [] built;

    Case(String category, String name) {
      this.category = category;
      this.name = name;
      this.key = server.key;
    }

    Case method(String value) {
      method = value;
      return this;
    }

    Case to(String value) {
      target = value;
      return this;
    }

    Case version(String value) {
      version = value;
      return this;
    }

    Case header(String line) {
      headers.add(line);
      return this;
    }

    Case body(byte[] value) {
      body = value;
      return this;
    }

    Case json(String value) {
      header("Content-Type: application/json");
      return body(value.getBytes(StandardCharsets.UTF_8));
    }

    Case raw(String text) {
      raw = text.getBytes(StandardCharsets.ISO_8859_1);
      return this;
    }

    Case raw(byte[] bytes) {
      raw = bytes;
      return this;
    }

    /** Sends with this key: a key of the test server, or anything else (a guess, from an address of its own). */
    Case key(@Nullable String value) {
      key = value;
      if (value == null) {
        actor = Actor.NOBODY;
      } else if (value.equals(server.team2Key)) {
        actor = Actor.TEAM2;
      } else if (value.equals(server.key) || value.equals(server.readKey) || value.equals(server.writeKey)) {
        actor = Actor.TEAM1;
      } else {
        actor = Actor.NOBODY;
        risky = true;
      }
      return this;
    }

    /** An {@code Authorization} header written by hand (the key is not added): its own address. */
    Case authorization(String line, Actor speaksFor) {
      key = null;
      actor = speaksFor;
      risky = true;
      return header(line);
    }

    Case risky() {
      risky = true;
      return this;
    }

    Case expect(Integer... statuses) {
      expected = new TreeSet<>(List.of(statuses));
      return this;
    }

    Case from(InetAddress address) {
      from = address;
      return this;
    }

    Case halfClose() {
      halfClose = true;
      return this;
    }

    Case check(Consumer<Answer> value) {
      extra = value;
      return this;
    }

    boolean head() {
      return raw == null && method.equals("HEAD");
    }

    byte[] bytes() {
      if (built != null) {
        return built;
      }
      if (raw != null) {
        return built = raw;
      }
      StringBuilder head = new StringBuilder(method).append(' ').append(target).append(' ').append(version)
          .append("\r\n");
      if (host) {
        head.append("Host: 127.0.0.1:").append(server.base.getPort()).append("\r\n");
      }
      if (key != null) {
        head.append("Authorization: Bearer ").append(key).append("\r\n");
      }
      for (String header : headers) {
        head.append(header).append("\r\n");
      }
      if (body != null && length) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      if (close) {
        head.append("Connection: close\r\n");
      }
      head.append("\r\n");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        bytes.writeBytes(body);
      }
      return built = bytes.toByteArray();
    }

    /** The request as text for a failure message: escaped, the middle of a long one left out. */
    String shown() {
      byte[] bytes = bytes();
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      StringBuilder out = new StringBuilder();
      for (char c : (text.length() > 1200 ? text.substring(0, 900) + "\u0000[" + (text.length() - 1200)
          + " bytes left out]\u0000" + text.substring(text.length() - 300) : text).toCharArray()) {
        if (c == '\r') {
          out.append("\\r");
        } else if (c == '\n') {
          out.append("\\n\n      ");
        } else if (c < 0x20 || c >= 0x7f) {
          out.append(String.format("\\x%02x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    @Override
    public String toString() {
      return category + ": " + name;
    }
  }

  /** What came back: a status (or -1 with the reason there was none), the headers and the body. */
  record Answer(int status, Map<String, List<String>> headers, byte[] body, @Nullable String failure) {
    static Answer none(String why) {
      return new Answer(-1, Map.of(), new byte[0], why);
    }

    @Nullable String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  // ------------------------------------------------------------------------------ the wire

  /** The next address for a request whose credential may fail: ten requests each, 127.0.0.10 to 127.0.0.200. */
  private InetAddress freshAddress() throws IOException {
    if (addressUses >= 10) {
      nextAddress++;
      addressUses = 0;
    }
    if (nextAddress > 190) {
      throw new IllegalStateException("more requests with failing credentials than loopback addresses for them");
    }
    addressUses++;
    return InetAddress.getByName("127.0.0." + (10 + nextAddress));
  }

  private Answer exchange(Case c) {
    byte[] bytes = c.bytes();
    Future<?> writing = null;
    Answer answer;
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(20_000);
      socket.bind(new InetSocketAddress(c.from, 0));
      socket.connect(new InetSocketAddress(server.base.getHost(), server.base.getPort()), 10_000);
      OutputStream out = socket.getOutputStream();
      if (bytes.length > 64 * 1024) {
        // Large bodies go out on another thread: the server may answer before it has read them all.
        writing = writers.submit(() -> {
          out.write(bytes);
          out.flush();
          if (c.halfClose) {
            socket.shutdownOutput();
          }
          return null;
        });
      } else {
        try {
          out.write(bytes);
          out.flush();
          if (c.halfClose) {
            socket.shutdownOutput();
          }
        } catch (IOException e) {
          // The server may have answered and closed already; the answer is what counts.
        }
      }
      answer = read(new BufferedInputStream(socket.getInputStream()), c.head());
    } catch (IOException e) {
      answer = Answer.none(e.toString());
    }
    if (writing != null) {
      try {
        writing.get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        // The server stopped reading after it answered: expected for bodies it refuses.
      }
    }
    return answer;
  }

  private static Answer read(InputStream in, boolean head) throws IOException {
    while (true) {
      String text = readHead(in);
      if (text == null) {
        return Answer.none("the server closed the connection without an answer");
      }
      String[] lines = text.split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
        return Answer.none("not an HTTP/1 status line: " + lines[0]);
      }
      int status = Integer.parseInt(statusLine[1]);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
              .add(lines[i].substring(colon + 1).strip());
        }
      }
      if (status >= 100 && status < 200) {
        continue;
      }
      byte[] body;
      List<String> length = headers.get("content-length");
      List<String> encoding = headers.get("transfer-encoding");
      if (head || status == 204 || status == 304) {
        body = new byte[0];
      } else if (encoding != null && encoding.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
        body = readChunked(in);
      } else if (length != null) {
        int expected = Integer.parseInt(length.get(0));
        body = in.readNBytes(expected);
        if (body.length != expected) {
          return new Answer(status, headers, body, "the body ended after " + body.length + " of " + expected + " bytes");
        }
      } else {
        body = in.readAllBytes();
      }
      return new Answer(status, headers, body, null);
    }
  }

  private static @Nullable String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 1 << 20) {
        throw new IOException("an answer's head longer than 1 MiB");
      }
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("the chunked body ended early");
        }
        line.append((char) b);
      }
      int size = Integer.parseInt(line.toString().strip().split(";")[0], 16);
      if (size == 0) {
        readHead(in); // trailers
        return body.toByteArray();
      }
      body.writeBytes(in.readNBytes(size));
      in.readNBytes(2);
    }
  }

  // ------------------------------------------------------------------------------ the checks

  /** Everything wrong with the answer to the request; empty when it is fine. */
  private List<String> problems(Case c, Answer a) {
    List<String> problems = new ArrayList<>();
    if (a.status() < 0) {
      problems.add("no answer: " + a.failure());
      return problems;
    }
    if (a.failure() != null) {
      problems.add(a.failure());
    }
    String path = pathOf(c);
    String text = a.text();
    boolean file = path.startsWith(HttpApi.LOCAL_DOWNLOADS_PATH) && (a.status() == 200 || a.status() == 206);
    boolean json = a.body().length > 0 && !file;
    JsonNode body = null;
    if (json) {
      try {
        body = JsonBodies.MAPPER.readTree(a.body());
      } catch (IOException e) {
        problems.add("the body is not JSON: " + e.getMessage());
      }
      String type = a.header("Content-Type");
      if (type == null || !type.startsWith("application/json")) {
        problems.add("Content-Type of a JSON body is " + type);
      }
    }
    int status = a.status();
    if (status >= 500) {
      boolean protocol = status == 505 && body != null && body.path("type").asText().equals("invalid_request");
      boolean notReady = status == 503 && path.equals("/_ready") && body != null
          && body.path("status").asText().equals("unavailable");
      if (!protocol && !notReady) {
        problems.add("a " + status + " answer");
      }
    }
    if (status >= 400 && a.body().length == 0 && !c.head()) {
      problems.add("an error without a body");
    }
    if (status >= 400 && status < 600 && a.body().length > 0 && !(status == 503 && path.equals("/_ready"))) {
      if (body == null || !body.isObject()) {
        problems.add("an error body that is not a JSON object");
      } else {
        Set<String> fields = new TreeSet<>();
        body.fieldNames().forEachRemaining(fields::add);
        if (!fields.equals(Set.of("attr", "code", "detail", "type"))) {
          problems.add("error fields " + fields + ", not [attr, code, detail, type]");
        }
        for (String field : List.of("type", "code", "detail")) {
          if (!body.path(field).isTextual() || body.path(field).asText().isBlank()) {
            problems.add("error field '" + field + "' is not a non-empty string");
          }
        }
        if (!body.path("attr").isNull() && !body.path("attr").isTextual()) {
          problems.add("error field 'attr' is neither null nor a string");
        }
        if (status == 426 && !body.path("type").asText().equals("invalid_request")) {
          problems.add("426 is not invalid_request");
        }
      }
    }
    if (c.expected != null && !c.expected.contains(status)) {
      problems.add("status " + status + ", expected one of " + new TreeSet<>(c.expected));
    }
    if (status == 401 && !"Bearer".equals(a.header("WWW-Authenticate"))) {
      problems.add("401 without WWW-Authenticate: Bearer");
    }
    if (status == 429) {
      String retry = a.header("Retry-After");
      if (body == null || !body.path("code").asText().equals("too_many_failed_authentications")) {
        problems.add("an unexpected 429");
      } else if (retry == null || !retry.matches("[1-9][0-9]?") || Integer.parseInt(retry) > 60) {
        problems.add("429 with Retry-After " + retry);
      }
      if (c.from.equals(main)) {
        problems.add("the address of the well-formed requests was throttled");
      }
    }
    if (status == 302) {
      String location = a.header("Location");
      if (location == null || !location.startsWith(server.base + HttpApi.LOCAL_DOWNLOADS_PATH)) {
        problems.add("a redirect to " + location);
      }
      if (!"no-store".equals(a.header("Cache-Control"))) {
        problems.add("a redirect without Cache-Control: no-store");
      }
    }
    for (String injected : List.of("x-injected", "set-cookie")) {
      if (a.headers().containsKey(injected)) {
        problems.add("an answer header '" + injected + "' the request smuggled in");
      }
    }
    // Leaks: other teams' ids (unless the request itself holds them), secrets, paths, stack traces.
    String all = (a.headers() + "\n" + text).toLowerCase(Locale.ROOT);
    String sent = new String(c.bytes(), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    String sentDecoded = decode(sent);
    List<Set<String>> forbidden = switch (c.actor) {
      case TEAM1 -> List.of(team2Ids);
      case TEAM2 -> List.of(team1Ids);
      case NOBODY -> file ? List.of() : List.of(team1Ids, team2Ids);
    };
    for (Set<String> ids : forbidden) {
      for (String id : ids) {
        if (all.contains(id) && !sent.contains(id) && !sentDecoded.contains(id)) {
          problems.add("the answer holds " + (ids == team1Ids ? "team 1's" : "team 2's") + " id " + id);
        }
      }
    }
    String whole = a.headers() + "\n" + text;
    secrets.forEach((what, secret) -> {
      if (whole.contains(secret)) {
        problems.add("the answer holds " + what);
      }
    });
    if (whole.contains(EVIL)) {
      problems.add("the answer names the host the request forged");
    }
    if (json && STACK_FRAME.matcher(text).find()) {
      problems.add("the answer holds a stack trace");
    }
    if (status == 200 && c.search != null && body != null && body.has("results")) {
      String search = c.search.toLowerCase(Locale.ROOT);
      for (JsonNode entry : body.get("results")) {
        if (!entry.path("message").asText().toLowerCase(Locale.ROOT).contains(search)) {
          problems.add("search '" + c.search + "' found '" + entry.path("message").asText() + "'");
        }
      }
    }
    if (c.extra != null) {
      try {
        c.extra.accept(a);
      } catch (AssertionError e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  private static String pathOf(Case c) {
    if (c.raw != null) {
      return "";
    }
    int query = c.target.indexOf('?');
    return query < 0 ? c.target : c.target.substring(0, query);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  // ------------------------------------------------------------------------------ running

  /** Sends the cases in order; returns a description of every failure. */
  private List<String> send(List<Case> cases, long deadline) throws IOException {
    List<String> failures = new ArrayList<>();
    for (Case c : cases) {
      if (System.nanoTime() > deadline) {
        failures.add("the time budget of " + BUDGET + " ran out before '" + c + "'");
        break;
      }
      if (c.from == null) {
        c.from = c.risky || c.actor == Actor.NOBODY ? freshAddress() : main;
      }
      Answer answer = exchange(c);
      c.status = answer.status();
      List<String> problems = problems(c, answer);
      if (DUMP) {
        System.out.println(answer.status() + " [" + c + "] " + abbreviate(answer.text(), 160).replace('\n', ' '));
      }
      if (!problems.isEmpty()) {
        failures.add("[" + c + "] from " + c.from.getHostAddress() + ": " + problems + "\n  request:  "
            + c.shown() + "\n  answer:   " + answer.status() + " " + answer.headers() + " "
            + abbreviate(answer.text(), 600));
      }
    }
    return failures;
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }

  @Test
  void aThousandHostileRequestsChangeNothingLeakNothingAndNeverFailTheServer() throws Exception {
    System.out.println("HostileRequestsIT seed=" + SEED + " (-Dfdbe.hostile.seed=" + SEED + " repeats this run)");
    State before = snapshot();
    Thread.sleep(500);
    State rested = snapshot();
    assertThat(rested).as("the state is at rest before the barrage:%s", before.changesTo(rested)).isEqualTo(before);

    List<Case> cases = generate(new Random(SEED));
    assertThat(cases).hasSizeGreaterThanOrEqualTo(MIN_REQUESTS);
    long started = System.nanoTime();
    List<String> failures = send(cases, started + BUDGET.toNanos());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    failures.addAll(throttled(cases, took));

    Map<String, Long> mix = cases.stream().collect(Collectors.groupingBy(c -> c.category, TreeMap::new,
        Collectors.counting()));
    Map<Integer, Long> statuses = cases.stream().collect(Collectors.groupingBy(c -> c.status, TreeMap::new,
        Collectors.counting()));
    System.out.println("HostileRequestsIT: " + cases.size() + " requests in " + took.toMillis() + " ms; by kind "
        + mix + "; by status " + statuses);
    State after = snapshot();
    if (!after.equals(before)) {
      failures.add("the state changed during the barrage (-Dfdbe.hostile.dump=true shows every answer):"
          + before.changesTo(after));
    }
    assertThat(failures).as("seed %d; %d of %d requests failed; the first ones:\n%s", SEED, failures.size(),
        cases.size(), String.join("\n\n", failures.subList(0, Math.min(25, failures.size())))).isEmpty();
  }

  // ------------------------------------------------------------------------------ generating

  private List<Case> generate(Random random) throws IOException {
    List<Case> cases = new ArrayList<>();
    methods(cases, random);
    createBodies(cases, random);
    wrongTypes(cases, random);
    textInFields(cases, random);
    queries(cases, random);
    paths(cases, random);
    traversal(cases, random);
    headerAbuse(cases, random);
    contentTypes(cases, random);
    requestLines(cases, random);
    credentials(cases, random);
    keyAdministration(cases, random);
    localDownloads(cases, random);
    throttle(cases);
    cases.addAll(regressions().map(r -> r.build.apply(this)).toList());
    return cases;
  }

  private static String family(Random random) {
    return random.nextBoolean() ? "projects" : "environments";
  }

  private static String slash(Random random, String path) {
    return random.nextInt(4) == 0 ? path : path + "/";
  }

  /** Every endpoint of a family for a team, with a run for those that take one. */
  private List<String> endpoints(String family, Object team, String run) {
    String runs = runsPath(family, team);
    return List.of(runs, runs + "/" + run, runs + "/" + run + "/cancel", runs + "/" + run + "/download",
        runs + "/" + run + "/download/0", runs + "/" + run + "/logs", runs + "/" + run + "/manifest");
  }

  /** A create body with each field's JSON given (null leaves it out) and an interval no run can have. */
  static String createBody(Map<String, String> fields) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("model", "\"events\"");
    all.put("file", "{\"format\": \"JSONLines\", \"compression\": null, \"max_size_mb\": 1}");
    all.put("include", "[\"$pageview\"]");
    all.put("exclude", "[]");
    Instant[] day = TestServer.yesterday();
    all.put("data_interval_start", "\"" + day[0] + "\"");
    all.put("data_interval_end", FUTURE);
    if (fields.containsKey("data_interval_end")) {
      all.put("data_interval_start", FUTURE);
    }
    all.putAll(fields);
    StringBuilder json = new StringBuilder("{");
    all.forEach((name, value) -> {
      if (value != null) {
        json.append(json.length() > 1 ? ", " : "").append('"').append(name).append("\": ").append(value);
      }
    });
    return json.append('}').toString();
  }

  static String createBody() {
    return createBody(Map.of());
  }

  private Case create(String category, String name, Random random) {
    return new Case(category, name).method("POST").to(slash(random, runsPath(family(random), 1)))
        .key(random.nextInt(3) == 0 ? server.writeKey : server.key).expect(400);
  }

  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      out.writeBytes(part instanceof byte[] raw ? raw : part.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  /** A random (version 4) UUID from the seeded generator: no run, file or attempt has it. */
  private static String uuid(Random random) {
    return new UUID((random.nextLong() & ~0xF000L) | 0x4000L, (random.nextLong() & ~(3L << 62)) | (1L << 63))
        .toString();
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // Methods: every endpoint of both families, and the other paths, with methods they do not take.
  private void methods(List<Case> cases, Random random) throws IOException {
    List<String> methods = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "HEAD", "CONNECT",
        "FOO", "get", "M-SEARCH", "PROPFIND", "BREW");
    for (String family : List.of("projects", "environments")) {
      for (String endpoint : endpoints(family, 1, t1)) {
        for (String method : methods) {
          Case c = new Case("methods", method + " " + endpoint).method(method).to(slash(random, endpoint));
          if (!method.equals("GET") && !method.equals("HEAD")) {
            c.json(createBody());
          }
          cases.add(c);
        }
      }
    }
    // Requests Jetty refuses before any handler, with methods other than GET, POST and HEAD.
    for (String method : List.of("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO")) {
      for (String target : List.of(runsPath("projects", 1) + "/%2e%2e/x", runsPath("environments", 1) + "//" + t1,
          "/_health#fragment")) {
        cases.add(new Case("methods", method + " refused by Jetty: " + target).method(method).to(target).expect(400));
      }
      cases.add(new Case("methods", method + " with Content-Length -1").method(method).to(runsPath("projects", 1))
          .header("Content-Length: -1").expect(400));
      cases.add(new Case("methods", method + " with 20 KiB of headers").method(method).to(runsPath("projects", 1))
          .header("X-Big: " + "b".repeat(20 * 1024)).expect(431));
    }
    for (String path : List.of("/_health", "/_ready", t1Link, "/_admin/keys/list", "/nope")) {
      for (String method : methods) {
        Case c = new Case("methods", method + " " + path).method(method).to(path).key(null);
        if (path.startsWith("/_admin")) {
          // CONNECT takes an authority, not a path: Jetty refuses it before any handler.
          c.header(KeyAdminEndpoint.TOKEN_HEADER + ": " + "0".repeat(64)).expect(400, 401, 429);
        }
        cases.add(c);
      }
    }
  }

  // Malformed and oversized JSON bodies of a create.
  private void createBodies(List<Case> cases, Random random) {
    String valid = createBody();
    for (int i = 0; i < 24; i++) {
      int cut = 1 + random.nextInt(valid.length() - 1);
      cases.add(create("json", "truncated at " + cut, random).json(valid.substring(0, cut)));
    }
    for (int depth : new int[] {63, 64, 65, 1_000, 100_000}) {
      cases.add(create("json", "lists nested " + depth + " deep", random)
          .json(createBody(Map.of("include", "[".repeat(depth) + "]".repeat(depth)))));
      cases.add(create("json", "objects nested " + depth + " deep", random)
          .json(createBody(Map.of("file", "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)))));
    }
    cases.add(create("json", "unbalanced nesting", random).json("[".repeat(200_000)));
    String megabyte = "x".repeat(1024 * 1024);
    cases.add(create("json", "over 1 MiB in a name", random)
        .json(createBody(Map.of("include", "[\"" + megabyte + "\"]"))));
    cases.add(create("json", "over 1 MiB of white space", random).json(" ".repeat(1024 * 1024) + createBody()));
    cases.add(create("json", "exactly 1 MiB", random).json(createBody() + " ".repeat(1024 * 1024
        - createBody().getBytes(StandardCharsets.UTF_8).length)));
    cases.add(create("json", "1 MiB and a byte", random).json(createBody() + " ".repeat(1024 * 1024 + 1
        - createBody().getBytes(StandardCharsets.UTF_8).length)));
    Case chunked = create("json", "over 1 MiB chunked", random);
    chunked.header("Content-Type: application/json").header("Transfer-Encoding: chunked");
    chunked.body(bytes(Integer.toHexString(megabyte.length() + 2) + "\r\n\"" + megabyte + "\"\r\n0\r\n\r\n"));
    chunked.length = false;
    cases.add(chunked);
    cases.add(create("json", "a million event names", random).json(createBody(Map.of("include",
        "[" + "\"a\",".repeat(200_000) + "\"a\"]"))));
    cases.add(create("json", "a thousand and one event names", random).json(createBody(Map.of("include",
        "[" + "\"a\",".repeat(1000) + "\"a\"]"))));
    cases.add(create("json", "an event name of 1001 characters", random).json(createBody(Map.of("include",
        "[\"" + "e".repeat(1001) + "\"]"))));
    cases.add(create("json", "a number of 5000 digits", random).json(createBody(Map.of("file",
        "{\"max_size_mb\": " + "9".repeat(5000) + "}"))));
    cases.add(create("json", "a name of 100 000 characters as a key", random)
        .json("{\"" + "k".repeat(100_000) + "\": 1}"));
    Map<String, byte[]> invalidUtf8 = new LinkedHashMap<>();
    invalidUtf8.put("a lone continuation byte", hex("80"));
    invalidUtf8.put("0xff", hex("ff"));
    invalidUtf8.put("a truncated sequence", hex("c328"));
    invalidUtf8.put("an overlong slash", hex("c0af"));
    invalidUtf8.put("an overlong NUL", hex("c080"));
    invalidUtf8.put("an encoded surrogate", hex("eda080"));
    invalidUtf8.put("a code point above U+10FFFF", hex("f4908080"));
    invalidUtf8.put("a four-byte start at the end", hex("f0"));
    for (var bad : invalidUtf8.entrySet()) {
      cases.add(create("json", "invalid UTF-8 in a value: " + bad.getKey(), random)
          .body(bytes("{\"model\": \"ev", bad.getValue(), "ents\", \"data_interval_start\": \"2026-01-01\", "
              + "\"data_interval_end\": ", FUTURE, "}")).header("Content-Type: application/json"));
      cases.add(create("json", "invalid UTF-8 in a key: " + bad.getKey(), random)
          .body(bytes("{\"mo", bad.getValue(), "del\": \"events\"}")).header("Content-Type: application/json"));
      cases.add(create("json", "invalid UTF-8 in an event name: " + bad.getKey(), random)
          .body(bytes(createBody(Map.of("include", "[\"$page")), bad.getValue(), "view\"]}"))
          .header("Content-Type: application/json"));
    }
    cases.add(create("json", "a UTF-8 BOM", random).body(bytes(hex("efbbbf"), createBody()))
        .header("Content-Type: application/json"));
    cases.add(create("json", "two UTF-8 BOMs", random).body(bytes(hex("efbbbfefbbbf"), createBody()))
        .header("Content-Type: application/json"));
    cases.add(create("json", "a BOM in the middle", random).body(bytes("{", hex("efbbbf"), "\"model\": 1}"))
        .header("Content-Type: application/json"));
    cases.add(create("json", "UTF-16LE with a BOM", random).body(bytes(hex("fffe"),
        createBody().getBytes(StandardCharsets.UTF_16LE))).header("Content-Type: application/json; charset=utf-16"));
    cases.add(create("json", "UTF-16BE without a BOM", random).body(createBody().getBytes(StandardCharsets.UTF_16BE))
        .header("Content-Type: application/json"));
    cases.add(create("json", "UTF-32", random).body(createBody().getBytes(java.nio.charset.Charset.forName("UTF-32")))
        .header("Content-Type: application/json"));
    for (String field : List.of("model", "file", "include", "exclude", "data_interval_start", "data_interval_end")) {
      String body = createBody();
      cases.add(create("json", "duplicate " + field, random).json(body.substring(0, body.length() - 1) + ", \"" + field
          + "\": null}"));
    }
    cases.add(create("json", "duplicate file.format", random).json(createBody(Map.of("file",
        "{\"format\": \"CSV\", \"format\": \"CSV\"}"))));
    cases.add(create("json", "duplicate key written with an escape", random).json(createBody(Map.of("\\u006dodel",
        "\"events\""))));
    Map<String, String> odd = new LinkedHashMap<>();
    odd.put("empty", "");
    odd.put("white space", " \r\n\t ");
    odd.put("null", "null");
    odd.put("a number", "1");
    odd.put("a string", "\"events\"");
    odd.put("a list of the body", "[" + createBody() + "]");
    odd.put("two bodies", createBody() + createBody());
    odd.put("trailing comma", createBody().replace("}", ",}"));
    odd.put("a comment", "/* c */" + createBody());
    odd.put("a line comment", "// c\n" + createBody());
    odd.put("single quotes", createBody().replace('"', '\''));
    odd.put("unquoted keys", "{model: \"events\"}");
    odd.put("NaN", createBody(Map.of("file", "{\"max_size_mb\": NaN}")));
    odd.put("Infinity", createBody(Map.of("file", "{\"max_size_mb\": Infinity}")));
    odd.put("a leading zero", createBody(Map.of("file", "{\"max_size_mb\": 01}")));
    odd.put("a plus sign", createBody(Map.of("file", "{\"max_size_mb\": +1}")));
    odd.put("a hex number", createBody(Map.of("file", "{\"max_size_mb\": 0x10}")));
    odd.put("a raw NUL", "{\"model\": \"ev\u0000ents\"}");
    odd.put("a raw tab in a string", "{\"model\": \"ev\tents\"}");
    odd.put("a raw line break in a string", "{\"model\": \"ev\nents\"}");
    odd.put("a bad escape", "{\"model\": \"\\x41\"}");
    odd.put("a short unicode escape", "{\"model\": \"\\u00\"}");
    odd.put("an unterminated string", "{\"model\": \"events");
    odd.put("a NUL after the body", createBody() + "\u0000");
    odd.put("a form", "model=events&data_interval_start=2026-01-01");
    odd.put("XML", "<model>events</model>");
    odd.put("YAML", "model: events\n");
    for (var body : odd.entrySet()) {
      cases.add(create("json", body.getKey(), random).json(body.getValue()));
    }
  }

  // Every field with values of every JSON type, and numbers at and beyond every limit.
  private void wrongTypes(List<Case> cases, Random random) {
    List<String> values = List.of("null", "true", "false", "0", "-1", "1", "-0", "1.0", "-0.0", "1.5", "1e400",
        "-1e400", "1e-400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "1e19", "4611686018427387904", "0.1e1", "1E+2", "\"\"", "\"x\"", "\"1\"", "[]",
        "[null]", "[1, \"a\"]", "{}", "{\"a\": {}}", "\"" + "z".repeat(100_000) + "\"");
    List<String> fields = List.of("model", "file", "file.format", "file.compression", "file.max_size_mb", "include",
        "exclude", "include[0]", "exclude[0]", "data_interval_start", "data_interval_end", "an unknown field",
        "file.unknown");
    for (String field : fields) {
      for (String value : values) {
        cases.add(create("types", field + " = " + abbreviate(value, 40), random).json(withField(field, value)));
      }
    }
  }

  /** A create body with the field (dotted for file's fields, [0] for a list's element) set to the JSON. */
  private static String withField(String field, String value) {
    if (field.startsWith("file.")) {
      String name = field.substring(5);
      return createBody(Map.of("file", "{\"format\": \"CSV\", \"" + name + "\": " + value + "}"));
    }
    if (field.endsWith("[0]")) {
      return createBody(Map.of(field.substring(0, field.length() - 3), "[" + value + "]"));
    }
    return createBody(Map.of(field.equals("an unknown field") ? "extra" : field, value));
  }

  // Unicode, NUL and injections in every text a create holds, raw and escaped.
  private void textInFields(List<Case> cases, Random random) {
    List<String> fields = List.of("model", "file.format", "file.compression", "include[0]", "exclude[0]",
        "data_interval_start", "data_interval_end");
    // In every field: NUL and unpaired surrogates escaped, and raw UTF-8 of several kinds.
    List<String> everywhere = List.of("\\u0000", "a\\u0000b", "\\ud800", "\\udfff\\ud800", "\\ud83d\\ude00",
        "\u00e9v\u00e9nts", "\u202eevents", "\\ufeffevents", "\uff45\uff56\uff45\uff4e\uff54\uff53");
    for (String field : fields) {
      for (String text : everywhere) {
        cases.add(create("text", field + " = " + text, random).json(withField(field, "\"" + text + "\"")));
      }
      cases.add(create("text", field + " with a raw NUL byte", random)
          .body(bytes(withField(field, "\"a\u0000b\""))).header("Content-Type: application/json"));
      cases.add(create("text", field + " with a raw control character", random)
          .body(bytes(withField(field, "\"a\u0001b\""))).header("Content-Type: application/json"));
    }
    // Near misses of the grammar, each in two fields drawn at random.
    List<String> texts = List.of("\\u00e9", "\\uffff", "\u007f", "EVENTS", " events", "events ",
        "\u0662\u0660\u0662\u0666-11-20", "2026-11-20T10:00:00Z\\u0000", "2026-11-20T10:00:00\u00a0Z",
        "2026-11-20T10:00:00.0000000001Z", "2026-11-20T10:00:00+14:00:01", "+294248-01-01T00:00:00Z",
        "-999999999-01-01", "\\\"", "\\\\");
    for (String text : texts) {
      for (int i = 0; i < 2; i++) {
        String field = fields.get(random.nextInt(fields.size()));
        cases.add(create("text", field + " = " + text, random).json(withField(field, "\"" + text + "\"")));
      }
    }
    // Injections in both filters, in another field at random, and as a key.
    for (String injection : INJECTIONS.stream().map(HostileRequestsIT::jsonEscape).toList()) {
      for (String field : List.of("include[0]", "exclude[0]", fields.get(random.nextInt(fields.size())))) {
        cases.add(create("text", field + " = " + injection, random).json(withField(field, "\"" + injection + "\"")));
      }
      cases.add(create("text", "a key " + injection, random).json(createBody(Map.of(injection, "1"))));
    }
  }

  static final List<String> INJECTIONS = List.of("' OR 1=1--", "\" OR \"\"=\"", "'; DROP TABLE fdbe_runs; --",
      "1; SELECT * FROM fdbe_api_keys", "%", "_", "%%", "%_%", "\\%", "\\", "[a-z]%", "*", "$(id)", "`id`",
      "; cat /etc/passwd", "| ls", "{\"$gt\": \"\"}", "{\"model\":\"events\"}", "</script><script>alert(1)</script>",
      "${jndi:ldap://127.0.0.1/x}", "\r\nX-Injected: 1", "\nSet-Cookie: a=b", "../../etc/passwd", "\u0000", "NULL",
      "null", "1e400", "9223372036854775808", "-0", "1.0");

  private static String jsonEscape(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  // Every query parameter of list and logs with numbers, dates, unicode and injections.
  private void queries(List<Case> cases, Random random) {
    List<String> values = new ArrayList<>(List.of("", "0", "1", "500", "501", "1000", "1001", "-1", "+1", "01", "1.0",
        "1e3", "0x10", " 1", "1 ", "1,2", "[1]", "true", "NaN", "Infinity", "9223372036854775807",
        "9223372036854775808", "99999999999999999999999999999999999999999", "\uff11", "\u0663", "2026-11-20",
        "2026-11-20T10:00:00Z", "2026-11-20 10:00:00.123456", "2026-02-30", "0000-01-01", "10000-01-01",
        "+294248-01-01T00:00:00Z", "debug", "INFO,error", ",,,", "verbose", "00000000-0000-0000-0000-000000000000",
        "\u00e9", "\u202e", "\ud83d\ude00", "\ufeff"));
    values.addAll(INJECTIONS);
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    parameters.put("list", List.of("limit", "offset"));
    parameters.put("logs", List.of("limit", "after", "before", "level", "search", "instance_id"));
    for (var endpoint : parameters.entrySet()) {
      for (String parameter : endpoint.getValue()) {
        for (String value : values) {
          boolean team2 = random.nextInt(5) == 0;
          String run = team2 ? t2 : t1;
          String base = runsPath(family(random), team2 ? 2 : 1) + (endpoint.getKey().equals("list") ? "" : "/" + run
              + "/logs");
          Case c = new Case("query", endpoint.getKey() + " " + parameter + "=" + value)
              .to(slash(random, base) + "?" + parameter + "=" + enc(value)).key(team2 ? server.team2Key : server.key)
              .expect(200, 400);
          if (parameter.equals("search")) {
            c.search = value;
          }
          cases.add(c);
        }
        // Unencoded: a NUL byte and raw UTF-8 in the request line itself.
        for (String raw : List.of("a\u0000b", "\u00e9\u202e\ud83d\ude00")) {
          String base = runsPath(family(random), 1) + (endpoint.getKey().equals("list") ? "/" : "/" + t1 + "/logs/");
          cases.add(new Case("query", endpoint.getKey() + " " + parameter + "=" + raw + " unencoded")
              .to(base + "?" + parameter + "=" + raw).expect(raw.contains("\u0000") ? new Integer[] {400}
                  : new Integer[] {200, 400}));
        }
      }
    }
    List<String> odd = List.of("limit=1&limit=2", "limit", "limit=", "=1", "&&&", "?", "%", "%ZZ", "%00", "%FF",
        "%C3%28", "%ED%A0%80", "search=%E2%80%AE&level=INFO&level=debug", "a=" + "b".repeat(6000),
        "limit=1;offset=2", "limit=1#fragment", "search=a+b", "search=%2B", "level=INFO%00", "instance_id=" + t2,
        "before=2026-11-20T10:00:00%2B02:00", "after=2026-11-20T10:00:00+02:00", "after=%20",
        "x=" + "&y=".repeat(1000));
    for (String query : odd) {
      for (String base : List.of(runsPath(family(random), 1), runsPath(family(random), 1) + "/" + t1 + "/logs")) {
        cases.add(new Case("query", base.endsWith("logs") ? "logs ?" + query : "list ?" + query)
            .to(slash(random, base) + "?" + query).expect(200, 400));
      }
    }
  }

  // Team and run segments of every shape on every endpoint.
  private void paths(List<Case> cases, Random random) {
    List<String> teams = List.of("0", "-1", "01", "+1", "1.0", "1e0", "%31", "%2B1", "9223372036854775807",
        "9223372036854775808", "abc", "%27%20OR%201%3D1--", "%00", "%EF%BC%91", "1%20", "%20", "2");
    List<String> runs = List.of(t1.toUpperCase(Locale.ROOT), t2, t2.toUpperCase(Locale.ROOT), uuid(random),
        new UUID(0, 0).toString(), "{" + t1 + "}", t1.replace("-", ""), t1 + "x", t1.substring(1),
        "%00", "%27%20OR%201%3D1--", "-1", "1e400", "%E2%80%AE", "x".repeat(5000), "%25", "_", "*");
    for (String team : teams) {
      String family = family(random);
      for (String endpoint : endpoints(family, team, t1)) {
        boolean post = endpoint.endsWith("cancel") || endpoint.endsWith("exports");
        Case c = new Case("paths", "team " + team + ": " + endpoint.substring(endpoint.indexOf("exports")))
            .to(slash(random, endpoint));
        if (post && random.nextBoolean()) {
          c.method("POST").json(createBody());
        }
        cases.add(c);
      }
    }
    for (String run : runs) {
      for (int team : new int[] {1, 2}) {
        for (String endpoint : endpoints(family(random), team, run).subList(1, 7)) {
          if (random.nextInt(3) > 0) {
            continue;
          }
          Case c = new Case("paths", "run " + abbreviate(run, 40) + " of team " + team + ": "
              + endpoint.substring(endpoint.indexOf(run) + run.length())).to(slash(random, endpoint))
              .key(team == 1 ? server.key : server.team2Key);
          if (endpoint.endsWith("cancel")) {
            c.method("POST");
          }
          cases.add(c);
        }
      }
    }
    for (String part : List.of("-0", "01", "1", "99", "9223372036854775808", "1.5", "abc", t1, t2, "%00", "%2F",
        "0%20", "\u0663", "%D9%A3", uuid(random))) {
      cases.add(new Case("paths", "download part " + part).to(slash(random, runsPath(family(random), 1) + "/" + t1
          + "/download/" + part)));
    }
  }

  // Plain and encoded traversal in every kind of path.
  private void traversal(List<Case> cases, Random random) {
    List<String> forms = List.of("../", "..%2f", "%2e%2e%2f", "%2e%2e/", ".%2e/", "%252e%252e%252f", "..\\",
        "..%5c", "%5c..%5c", "//", "/./", "%2f", "..;/", ";/../", "%c0%ae%c0%ae/", "%u002e%u002e/", "....//",
        "..%00/", "%2e%2e%5c");
    List<String> bases = List.of(runsPath("projects", 1) + "/", runsPath("environments", 2) + "/" + t1 + "/",
        runsPath("projects", 1) + "/" + t1 + "/download/", runsPath("environments", 1) + "/" + t1 + "/logs/",
        HttpApi.LOCAL_DOWNLOADS_PATH, "/_health/", "/");
    List<String> targets = List.of("", "fdbe.mv.db", "server.json", "files/.fdbe/link-signing-key", "etc/passwd",
        "2/" + t2 + "/", "api/projects/2/file_download_batch_exports/");
    for (String base : bases) {
      for (String form : forms) {
        String target = targets.get(random.nextInt(targets.size()));
        int depth = 1 + random.nextInt(6);
        cases.add(new Case("traversal", base + form.repeat(depth) + target).to(base + form.repeat(depth) + target)
            .key(random.nextInt(4) == 0 ? server.team2Key : server.key));
      }
    }
    String key = t1Link.substring(HttpApi.LOCAL_DOWNLOADS_PATH.length(), t1Link.indexOf('?'));
    String query = t1Link.substring(t1Link.indexOf('?'));
    for (String form : List.of("../", "..%2f", "%2e%2e/", "..\\", "./", "/", "%2f")) {
      // "/./" is removed before routing (RFC 3986, 5.2.4): the same key, so the same file.
      cases.add(new Case("traversal", "a signed link's key with " + form).key(null)
          .to(HttpApi.LOCAL_DOWNLOADS_PATH + key.substring(0, key.indexOf('/') + 1) + form + key.substring(key.indexOf('/') + 1)
              + query).expect(form.equals("./") ? new Integer[] {200} : new Integer[] {400, 403, 404}));
      cases.add(new Case("traversal", "a signed link's key escaping with " + form).key(null)
          .to(HttpApi.LOCAL_DOWNLOADS_PATH + form.repeat(3) + "fdbe.mv.db" + query).expect(400, 403, 404));
    }
  }

  // Authorization, Content-Length, Transfer-Encoding, Host and header-count abuse.
  private void headerAbuse(List<Case> cases, Random random) {
    String list = runsPath("projects", 1) + "/";
    String logs = runsPath("environments", 1) + "/" + t1 + "/logs/";
    String createPath = runsPath("projects", 1) + "/";
    Map<String, String> authorizations = new LinkedHashMap<>();
    authorizations.put("twice the same", "Authorization: Bearer " + server.key + "\r\nAuthorization: Bearer "
        + server.key);
    authorizations.put("a right one then a wrong one", "Authorization: Bearer " + server.key
        + "\r\nAuthorization: Bearer fdbe_wrong");
    authorizations.put("a wrong one then a right one", "Authorization: Bearer fdbe_wrong\r\nAuthorization: Bearer "
        + server.key);
    authorizations.put("team 2's then team 1's", "Authorization: Bearer " + server.team2Key
        + "\r\nAuthorization: Bearer " + server.key);
    authorizations.put("two in one", "Authorization: Bearer " + server.key + ", Bearer " + server.team2Key);
    authorizations.put("folded", "Authorization: Bearer\r\n " + server.key);
    authorizations.put("folded with a tab", "Authorization:\r\n\tBearer " + server.key);
    authorizations.put("8 KiB", "Authorization: Bearer " + "k".repeat(8 * 1024));
    authorizations.put("20 KiB", "Authorization: Bearer " + "k".repeat(20 * 1024));
    authorizations.put("two spaces", "Authorization: Bearer  " + server.key);
    authorizations.put("a tab", "Authorization: Bearer\t" + server.key);
    authorizations.put("leading spaces", "Authorization:    Bearer " + server.key);
    authorizations.put("trailing spaces", "Authorization: Bearer " + server.key + "   ");
    authorizations.put("a no-break space", "Authorization: Bearer\u00a0" + server.key);
    authorizations.put("a vertical tab", "Authorization: Bearer\u000b" + server.key);
    authorizations.put("a form feed", "Authorization: Bearer " + server.key + "\u000c");
    authorizations.put("lower case", "Authorization: bearer " + server.key);
    authorizations.put("upper case", "AUTHORIZATION: BEARER " + server.key);
    authorizations.put("a colon", "Authorization: Bearer: " + server.key);
    authorizations.put("Basic", "Authorization: Basic " + Base64.getEncoder().encodeToString(("x:" + server.key)
        .getBytes(StandardCharsets.UTF_8)));
    authorizations.put("Token", "Authorization: Token " + server.key);
    authorizations.put("the key alone", "Authorization: " + server.key);
    authorizations.put("Bearer alone", "Authorization: Bearer");
    authorizations.put("Bearer and a space", "Authorization: Bearer ");
    authorizations.put("empty", "Authorization:");
    authorizations.put("a key and more", "Authorization: Bearer " + server.key + " extra");
    authorizations.put("a NUL in the key", "Authorization: Bearer fdbe_\u0000" + server.key.substring(5));
    authorizations.put("a key in UTF-8", "Authorization: Bearer fdbe_\u00c3\u00a9\u00c3\u00a9");
    authorizations.put("a quoted key", "Authorization: Bearer \"" + server.key + "\"");
    authorizations.put("a CRLF injection", "Authorization: Bearer " + server.key + "\r\nX-Injected: 1");
    authorizations.put("no space before the value", "Authorization:Bearer " + server.key);
    authorizations.put("a space before the colon", "Authorization : Bearer " + server.key);
    for (var auth : authorizations.entrySet()) {
      for (String path : List.of(list, logs)) {
        Actor actor = auth.getKey().startsWith("team 2") ? Actor.TEAM2 : Actor.TEAM1;
        cases.add(new Case("headers", "Authorization " + auth.getKey() + " on " + (path.equals(list) ? "list" : "logs"))
            .to(path).authorization(auth.getValue(), actor));
      }
      cases.add(new Case("headers", "Authorization " + auth.getKey() + " on a create").method("POST").to(createPath)
          .authorization(auth.getValue(), Actor.TEAM1).json(createBody()));
    }
    Map<String, String> lengths = new LinkedHashMap<>();
    lengths.put("negative", "-1");
    lengths.put("a plus sign", "+5");
    lengths.put("hexadecimal", "0x10");
    lengths.put("in exponent form", "1e3");
    lengths.put("2^31", "2147483648");
    lengths.put("2^63", "9223372036854775808");
    lengths.put("20 digits", "99999999999999999999");
    lengths.put("two equal values", "5, 5");
    lengths.put("two values", "5, 6");
    lengths.put("empty", "");
    lengths.put("a space inside", "1 0");
    lengths.put("2 MiB", "2097152");
    for (var length : lengths.entrySet()) {
      for (String method : List.of("GET", "POST")) {
        Case c = new Case("headers", "Content-Length " + length.getKey() + " on " + method).method(method)
            .to(method.equals("GET") ? logs : createPath).header("Content-Length: " + length.getValue())
            .header("Content-Type: application/json").body(bytes("{}"));
        c.length = false;
        cases.add(c);
      }
    }
    Case twoLengths = new Case("headers", "two Content-Length headers").method("POST").to(createPath)
        .header("Content-Length: 2").header("Content-Length: 3").header("Content-Type: application/json")
        .body(bytes("{} "));
    twoLengths.length = false;
    cases.add(twoLengths);
    Case shorter = new Case("headers", "a body shorter than its Content-Length, then the client stops writing")
        .method("POST").to(createPath).header("Content-Length: 100").header("Content-Type: application/json")
        .body(bytes("{\"model\": ")).halfClose().expect(400);
    shorter.length = false;
    cases.add(shorter);
    Case longer = new Case("headers", "a body longer than its Content-Length").method("POST").to(createPath)
        .header("Content-Length: 2").header("Content-Type: application/json").body(bytes(createBody()));
    longer.length = false;
    cases.add(longer);
    Map<String, String> encodings = new LinkedHashMap<>();
    encodings.put("chunked and Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: 5");
    encodings.put("Content-Length and chunked", "Content-Length: 5\r\nTransfer-Encoding: chunked");
    encodings.put("gzip", "Transfer-Encoding: gzip");
    encodings.put("gzip, chunked", "Transfer-Encoding: gzip, chunked");
    encodings.put("chunked, gzip", "Transfer-Encoding: chunked, gzip");
    encodings.put("chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked");
    encodings.put("chunked, chunked", "Transfer-Encoding: chunked, chunked");
    encodings.put("identity", "Transfer-Encoding: identity");
    encodings.put("CHUNKED", "Transfer-Encoding: CHUNKED");
    encodings.put("chunked with a space before the colon", "Transfer-Encoding : chunked");
    encodings.put("xchunked", "Transfer-Encoding: xchunked");
    encodings.put("empty", "Transfer-Encoding:");
    String chunk = Integer.toHexString(createBody().length()) + "\r\n" + createBody() + "\r\n0\r\n\r\n";
    for (var encoding : encodings.entrySet()) {
      for (String method : List.of("GET", "POST")) {
        Case c = new Case("headers", "Transfer-Encoding " + encoding.getKey() + " on " + method).method(method)
            .to(method.equals("GET") ? list : createPath).header(encoding.getValue())
            .header("Content-Type: application/json").body(bytes(chunk));
        c.length = false;
        cases.add(c);
      }
    }
    Map<String, String> chunks = new LinkedHashMap<>();
    chunks.put("a chunk size that is not hex", "zz\r\n{}\r\n0\r\n\r\n");
    chunks.put("a negative chunk size", "-2\r\n{}\r\n0\r\n\r\n");
    chunks.put("a huge chunk size", "ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n");
    chunks.put("a chunk longer than its size", "1\r\n{}\r\n0\r\n\r\n");
    chunks.put("a chunk extension", "2;name=value\r\n{}\r\n0\r\n\r\n");
    chunks.put("a bare LF", "2\n{}\n0\n\n");
    chunks.put("a trailer", "2\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n");
    chunks.put("no last chunk", "2\r\n{}\r\n");
    for (var body : chunks.entrySet()) {
      Case c = new Case("headers", "chunked body with " + body.getKey()).method("POST").to(createPath)
          .header("Transfer-Encoding: chunked").header("Content-Type: application/json").body(bytes(body.getValue()));
      c.length = false;
      if (body.getKey().equals("no last chunk")) {
        c.halfClose();
      }
      cases.add(c);
    }
    for (int count : new int[] {100, 500, 2_000, 10_000}) {
      Case c = new Case("headers", count + " headers").to(random.nextBoolean() ? list : logs);
      for (int i = 0; i < count; i++) {
        c.header("X-H" + i + ": " + i);
      }
      cases.add(c);
    }
    Map<String, String> others = new LinkedHashMap<>();
    others.put("a header name with a space", "X Bad: 1");
    others.put("a header without a colon", "XBad");
    others.put("a header name of 10 KiB", "X" + "h".repeat(10 * 1024) + ": 1");
    others.put("a header value of 17 KiB", "X-Big: " + "v".repeat(17 * 1024));
    others.put("a NUL in a header value", "X-Nul: a\u0000b");
    others.put("a NUL in a header name", "X-N\u0000ul: 1");
    others.put("a raw byte above 127 in a value", "X-Latin: caf\u00e9");
    others.put("a second Host", "Host: " + EVIL);
    others.put("Expect: something else", "Expect: the-unexpected");
    others.put("Expect: 100-continue", "Expect: 100-continue");
    others.put("X-Forwarded-Host", "X-Forwarded-Host: " + EVIL + "\r\nX-Forwarded-Proto: https\r\nForwarded: host="
        + EVIL);
    others.put("Connection: Upgrade h2c", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA");
    others.put("Upgrade: websocket", "Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
    others.put("Range", "Range: bytes=0-1,-1,5-");
    others.put("If-None-Match", "If-None-Match: *");
    others.put("Accept: text/html", "Accept: text/html");
    others.put("Accept-Encoding: gzip", "Accept-Encoding: gzip, br, zstd, *");
    others.put("Cookie", "Cookie: " + "a=b; ".repeat(500));
    for (var header : others.entrySet()) {
      for (String path : List.of(list, logs, HttpApi.LOCAL_DOWNLOADS_PATH + "1/x")) {
        String target = path.startsWith(HttpApi.LOCAL_DOWNLOADS_PATH) ? path : slash(random, path.substring(0, path.length() - 1));
        cases.add(new Case("headers", header.getKey() + " on " + path.substring(0, Math.min(path.length(), 30)))
            .to(target).header(header.getValue()));
      }
    }
    Case noHost = new Case("headers", "no Host on HTTP/1.1").to(list);
    noHost.host = false;
    cases.add(noHost);
    Case evilHost = new Case("headers", "a forged Host").to(list + "?limit=1&offset=1");
    evilHost.host = false;
    cases.add(evilHost.header("Host: " + EVIL));
    for (String host : List.of("", "127.0.0.1:99999", "a b", "[::1", "127.0.0.1:port", "\u00e9.example",
        "user@127.0.0.1")) {
      Case c = new Case("headers", "Host '" + host + "'").to(list + "?limit=1&offset=1").header("Host: " + host);
      c.host = false;
      cases.add(c);
    }
  }

  // Bodies of the wrong media type, and media types of every oddity.
  private void contentTypes(List<Case> cases, Random random) {
    String body = createBody();
    Map<String, byte[]> types = new LinkedHashMap<>();
    types.put("application/x-www-form-urlencoded", bytes("model=events&data_interval_start=2026-01-01&"
        + "data_interval_end=9999-12-31"));
    types.put("multipart/form-data; boundary=XyZ", bytes("--XyZ\r\nContent-Disposition: form-data; name=\"model\""
        + "\r\n\r\nevents\r\n--XyZ--\r\n"));
    types.put("multipart/form-data", bytes("--x\r\n\r\n" + body + "\r\n--x--"));
    types.put("text/plain", bytes(body));
    types.put("text/html; charset=utf-8", bytes("<html>" + body + "</html>"));
    types.put("application/xml", bytes("<model>events</model>"));
    types.put("application/octet-stream", bytes(hex("00010203fffefd")));
    types.put("application/json; charset=utf-16", bytes(body));
    types.put("application/json; charset=iso-8859-1", bytes("{\"model\": \"\u00e9v\"}").clone());
    types.put("application/json; charset=nope", bytes(body));
    types.put("application/json; charset=\"utf-8", bytes(body));
    types.put("application/json;;;", bytes(body));
    types.put("application/json; boundary=", bytes(body));
    types.put("APPLICATION/JSON", bytes(body));
    types.put("application/json, text/plain", bytes(body));
    types.put("*/*", bytes(body));
    types.put("application/" + "j".repeat(4000), bytes(body));
    types.put("application/json\u0000", bytes(body));
    types.put("", bytes(body));
    for (var type : types.entrySet()) {
      for (String path : List.of(runsPath(family(random), 1), runsPath(family(random), 1) + "/" + t1 + "/cancel")) {
        cases.add(new Case("content-types", "POST " + (path.endsWith("cancel") ? "cancel" : "create") + " as "
            + abbreviate(type.getKey(), 50)).method("POST").to(slash(random, path))
            .header("Content-Type: " + type.getKey()).body(type.getValue()).expect(400));
      }
    }
    cases.add(create("content-types", "no Content-Type", random).body(bytes(body)));
    cases.add(create("content-types", "two Content-Types", random).header("Content-Type: text/plain")
        .header("Content-Type: application/json").body(bytes(body)));
    cases.add(create("content-types", "Content-Encoding: gzip on plain bytes", random)
        .header("Content-Encoding: gzip").json(body));
    cases.add(create("content-types", "Content-Encoding: gzip on gzip", random).header("Content-Encoding: gzip")
        .header("Content-Type: application/json").body(gzip(body)));
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var zip = new java.util.zip.GZIPOutputStream(out)) {
      zip.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // Request lines HTTP/1.1 does not allow, sent as they are.
  private void requestLines(List<Case> cases, Random random) {
    String path = runsPath("projects", 1) + "/";
    String rest = "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.key + "\r\nConnection: close\r\n\r\n";
    List<String> lines = new ArrayList<>(List.of("GET " + path + " HTTP/0.9", "GET " + path + " HTTP/1.2",
        "GET " + path + " HTTP/2.0", "GET " + path + " HTTP/3", "GET " + path + " HTTP/9.9", "GET " + path + " HTTP/1",
        "GET " + path + " HTTP/1.1.1", "GET " + path + " HTTP/01.1", "GET " + path + " HTTP/1.10",
        "GET " + path + " http/1.1", "GET " + path + " HTTP/ 1.1", "GET " + path + " HTTPS/1.1",
        "GET " + path + " FTP/1.1", "GET " + path + " HTTP/1.1 extra", "GET " + path, "GET", "GET ", " " + path
        + " HTTP/1.1", path + " HTTP/1.1", "", "GET  " + path + "  HTTP/1.1", "GET\t" + path + "\tHTTP/1.1",
        "G\u0000ET " + path + " HTTP/1.1", "G\u0001T " + path + " HTTP/1.1", "GET\u007f " + path + " HTTP/1.1",
        "GET " + path + "\u0000 HTTP/1.1", "GET " + path + "\u0001 HTTP/1.1", "GET " + path + "\u007f HTTP/1.1",
        "GET " + path + " HTTP/1.1\u0000", "GET /api/projects/1/\u00e9 HTTP/1.1", "GET /api/\u00ff HTTP/1.1",
        "GET " + path + "?search=a b HTTP/1.1", "GET " + path + "?search=a\rb HTTP/1.1",
        "GET " + path + "?search=\r\nX-Injected: 1 HTTP/1.1", "GET " + path + "#frag HTTP/1.1",
        "GET http://" + EVIL + path + "?limit=1&offset=1 HTTP/1.1", "GET https://" + EVIL + path + " HTTP/1.1",
        "GET http://127.0.0.1:" + server.base.getPort() + path + "?limit=1&offset=1 HTTP/1.1",
        "GET http://user:pass@" + EVIL + path + " HTTP/1.1", "GET ftp://" + EVIL + path + " HTTP/1.1",
        "GET http:///" + path + " HTTP/1.1", "GET //" + EVIL + path + " HTTP/1.1", "GET * HTTP/1.1",
        "OPTIONS * HTTP/1.1", "CONNECT 127.0.0.1:22 HTTP/1.1", "CONNECT " + EVIL + ":443 HTTP/1.1",
        "GET api/projects/1/file_download_batch_exports/ HTTP/1.1", "GET ?limit=1 HTTP/1.1",
        "GET " + path + "?" + "a".repeat(8 * 1024) + " HTTP/1.1", "GET " + path + "x".repeat(17 * 1024) + " HTTP/1.1",
        "GET /" + "a/".repeat(4000) + " HTTP/1.1", "GET " + path + "?" + "q=1&".repeat(30_000) + " HTTP/1.1",
        "GE(T " + path + " HTTP/1.1", "G E T " + path + " HTTP/1.1", "GET\u00a0" + path + " HTTP/1.1",
        "\u00ef\u00bb\u00bfGET " + path + " HTTP/1.1"));
    for (String line : lines) {
      cases.add(new Case("request-lines", abbreviate(line, 80)).raw(line + rest));
    }
    cases.add(new Case("request-lines", "lone LF line ends").raw("GET " + path + " HTTP/1.1\nHost: x\nAuthorization: "
        + "Bearer " + server.key + "\nConnection: close\n\n"));
    cases.add(new Case("request-lines", "lone CR line ends").raw("GET " + path + " HTTP/1.1\rHost: x\r\r"));
    cases.add(new Case("request-lines", "leading empty lines").raw("\r\n\r\nGET " + path + " HTTP/1.1" + rest));
    cases.add(new Case("request-lines", "HTTP/1.0 without Host").raw("GET " + path + " HTTP/1.0\r\nAuthorization: "
        + "Bearer " + server.key + "\r\n\r\n"));
    cases.add(new Case("request-lines", "HTTP/1.0 keep-alive").raw("GET /_health HTTP/1.0\r\n\r\n"));
    cases.add(new Case("request-lines", "the HTTP/2 preface").raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    cases.add(new Case("request-lines", "a TLS ClientHello").raw(hex("16030100a5010000a10303" + "00".repeat(32)
        + "000020c02bc02fc02cc030cca9cca8c013c014009c009d002f0035000a0100005800000018")));
    byte[] noise = new byte[512];
    random.nextBytes(noise);
    cases.add(new Case("request-lines", "512 random bytes").raw(bytes(noise, "\r\n\r\n")));
    cases.add(new Case("request-lines", "a request line of NULs").raw(bytes(new byte[64], "\r\n\r\n")));
    cases.add(new Case("request-lines", "pipelined, the second malformed").raw("GET /_health HTTP/1.1\r\nHost: x\r\n\r\n"
        + "G\u0001T / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    cases.add(new Case("request-lines", "smuggling with a second request in the body").raw("POST " + path
        + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.key + "\r\nContent-Length: 0\r\nTransfer-Encoding:"
        + " chunked\r\n\r\n0\r\n\r\nPOST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.key
        + "\r\nContent-Type: application/json\r\nContent-Length: " + createBody().length() + "\r\nConnection: close"
        + "\r\n\r\n" + createBody()));
  }

  // Keys of every kind on every endpoint: none, wrong, another team's, short of a scope.
  private void credentials(List<Case> cases, Random random) {
    List<String> wrong = List.of("fdbe_" + "0".repeat(40), server.key + "x", server.key.substring(0, 20),
        server.key.toUpperCase(Locale.ROOT), "fdbe_", "x", "%00", "' OR 1=1--", "fdbe_\u00e9\u00e9",
        "k".repeat(4000));
    for (String family : List.of("projects", "environments")) {
      for (String endpoint : endpoints(family, 1, t1)) {
        String method = endpoint.endsWith("cancel") || endpoint.endsWith("exports") && random.nextBoolean() ? "POST"
            : "GET";
        cases.add(withBody(new Case("credentials", "no key: " + method + " " + endpoint).method(method)
            .to(slash(random, endpoint)).key(null).expect(401)));
        String guess = wrong.get(random.nextInt(wrong.size()));
        cases.add(withBody(new Case("credentials", "a wrong key: " + method + " " + endpoint).method(method)
            .to(slash(random, endpoint)).key(guess).expect(401, 429)));
        cases.add(withBody(new Case("credentials", "team 2's key: " + method + " " + endpoint).method(method)
            .to(slash(random, endpoint)).key(server.team2Key).expect(403)));
        cases.add(withBody(new Case("credentials", "the read key: " + method + " " + endpoint).method(method)
            .to(slash(random, endpoint)).key(server.readKey)));
        cases.add(withBody(new Case("credentials", "the write key: " + method + " " + endpoint).method(method)
            .to(slash(random, endpoint)).key(server.writeKey)));
      }
      for (String endpoint : endpoints(family, 1, t2).subList(1, 7)) {
        String method = endpoint.endsWith("cancel") ? "POST" : "GET";
        cases.add(new Case("credentials", "team 2's run through team 1: " + method + " " + endpoint).method(method)
            .to(slash(random, endpoint)).expect(404).check(a -> assertThat(a.text()).as("as for no run at all")
                .contains("No batch export run found with id")));
        cases.add(new Case("credentials", "team 1's run through team 2: " + method + " " + endpoint).method(method)
            .to(slash(random, endpoints(family, 2, t1).get(endpoints(family, 1, t2).indexOf(endpoint))))
            .key(server.team2Key).expect(404));
        cases.add(new Case("credentials", "team 2's path with team 1's key: " + endpoint).method(method)
            .to(slash(random, endpoints(family, 2, t2).get(endpoints(family, 1, t2).indexOf(endpoint)))).expect(403));
      }
    }
    for (String guess : wrong) {
      cases.add(new Case("credentials", "a wrong key " + abbreviate(guess, 20) + " on the list")
          .to(runsPath(family(random), 1) + "/").key(guess).expect(401, 429));
    }
  }

  private Case withBody(Case c) {
    return c.method.equals("POST") ? c.json(createBody()) : c;
  }

  // The key administration: no token, a wrong one, and the right one with bodies it must refuse.
  private void keyAdministration(List<Case> cases, Random random) {
    List<String> commands = List.of("create", "list", "revoke", "delete", "", "../list", "%2e%2e/list", "list/",
        "create?teams=1", "CREATE", "list%00", "\u00e9");
    for (String command : commands) {
      for (String token : List.of("", "0".repeat(64), adminToken.substring(0, 63), adminToken + "0",
          adminToken.toUpperCase(Locale.ROOT).equals(adminToken) ? "x" : adminToken.toUpperCase(Locale.ROOT))) {
        if (random.nextInt(3) > 0) {
          continue;
        }
        Case c = new Case("admin", "token '" + abbreviate(token, 8) + "' for " + command).method("POST")
            .to(KeyAdminEndpoint.PATH + command).key(null).json("{\"teams\": [1], \"scopes\": [\"*\"]}");
        if (!token.isEmpty()) {
          c.header(KeyAdminEndpoint.TOKEN_HEADER + ": " + token);
        }
        cases.add(c.expect(401, 429, 404, 400));
      }
    }
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("nothing", "");
    bodies.put("not JSON", "teams=1");
    bodies.put("no scopes", "{\"teams\": [1]}");
    bodies.put("no teams", "{\"scopes\": [\"*\"]}");
    bodies.put("team 0", "{\"teams\": [0], \"scopes\": [\"*\"]}");
    bodies.put("team -1", "{\"teams\": [-1], \"scopes\": [\"*\"]}");
    bodies.put("team as text", "{\"teams\": [\"abc\"], \"scopes\": [\"*\"]}");
    bodies.put("team 1e400", "{\"teams\": [1e400]}");
    bodies.put("teams not a list", "{\"teams\": 1, \"scopes\": \"*\"}");
    bodies.put("an unknown scope", "{\"teams\": [1], \"scopes\": [\"root\"]}");
    bodies.put("a scope with a NUL", "{\"teams\": [1], \"scopes\": [\"*\\u0000\"]}");
    bodies.put("a list", "[1, 2]");
    bodies.put("null", "null");
    bodies.put("deep nesting", "[".repeat(10_000) + "]".repeat(10_000));
    bodies.put("duplicate keys", "{\"teams\": [1], \"teams\": [2]}");
    bodies.put("a label of 201 characters", "{\"teams\": [1], \"scopes\": [\"batch_export:read\"], \"label\": \""
        + "l".repeat(201) + "\"}");
    bodies.put("300 teams of 19 digits", "{\"teams\": [" + Stream.iterate(1_000_000_000_000_000_000L, t -> t + 1)
        .limit(300).map(String::valueOf).collect(Collectors.joining(", ")) + "], \"scopes\": [\"*\"]}");
    bodies.put("a long label without scopes", "{\"teams\": [1], \"label\": \"" + "l".repeat(10_000) + "\"}");
    for (var body : bodies.entrySet()) {
      cases.add(new Case("admin", "create with " + body.getKey()).method("POST").to(KeyAdminEndpoint.PATH + "create")
          .key(null).header(KeyAdminEndpoint.TOKEN_HEADER + ": " + adminToken).json(body.getValue()).expect(400));
      adminCase(cases, "revoke with " + body.getKey(), "revoke", body.getValue()).expect(400);
    }
    for (String id : List.of("", "fdbe_", "fdbe", "%", "_", "' OR 1=1--", uuid(random), "\u0000")) {
      adminCase(cases, "revoke '" + id + "'", "revoke", "{\"id\": \"" + jsonEscape(id) + "\"}").expect(400);
    }
    adminCase(cases, "list with the token", "list", "").expect(200);
    for (String method : List.of("GET", "PUT", "DELETE", "HEAD")) {
      adminCase(cases, method + " create with the token", "create", "{}").method(method).expect(405);
    }
  }

  private Case adminCase(List<Case> cases, String name, String command, String json) {
    Case c = new Case("admin", name).method("POST").to(KeyAdminEndpoint.PATH + command).key(null)
        .header(KeyAdminEndpoint.TOKEN_HEADER + ": " + adminToken).json(json);
    c.risky = false;
    cases.add(c);
    return c;
  }

  // Signed links, as they are and changed in every part.
  private void localDownloads(List<Case> cases, Random random) {
    for (String link : List.of(t1Link, t2Link)) {
      String key = link.substring(HttpApi.LOCAL_DOWNLOADS_PATH.length(), link.indexOf('?'));
      Map<String, String> query = new LinkedHashMap<>();
      for (String pair : link.substring(link.indexOf('?') + 1).split("&")) {
        query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
      String team = link == t1Link ? "team 1's link" : "team 2's link";
      cases.add(new Case("local-downloads", team + " as it is").to(link).key(null).expect(200));
      cases.add(new Case("local-downloads", team + " with HEAD").method("HEAD").to(link).key(null).expect(200));
      for (String method : List.of("POST", "PUT", "DELETE")) {
        cases.add(new Case("local-downloads", team + " with " + method).method(method).to(link).key(null).expect(405));
      }
      Map<String, Integer> ranges = new LinkedHashMap<>();
      ranges.put("bytes=0-9", 206);
      ranges.put("bytes=-10", 206);
      ranges.put("bytes=9999999999-", 416);
      ranges.put("bytes=-0", 416);
      ranges.put("bytes=0-1,-1,5-", 200);
      ranges.put("bytes=9-0", 200);
      ranges.put("pages=1-2", 200);
      ranges.put("bytes=" + "9".repeat(4000) + "-", 416);
      ranges.put("bytes=" + "0-0,".repeat(1000), 200);
      ranges.forEach((range, status) -> cases.add(new Case("local-downloads", team + " with Range "
          + abbreviate(range, 30)).to(link).key(null).header("Range: " + range).expect(status)));
      cases.add(new Case("local-downloads", team + " with If-None-Match: *").to(link).key(null)
          .header("If-None-Match: *").expect(304));
      cases.add(new Case("local-downloads", team + " with If-Range of another tag").to(link).key(null)
          .header("Range: bytes=0-9").header("If-Range: \"other\"").expect(200));
      List<String> values = List.of("", "0", "-1", "1e400", "9223372036854775808", "%00", "%0d%0aX-Injected:%201",
          "a%22b", "..%2f..%2ffdbe.mv.db", "%E2%80%AE", "x".repeat(3000), "%ZZ");
      for (String parameter : List.of("filename", "expires", "signature")) {
        for (String value : values) {
          if (random.nextInt(3) > 0) {
            continue;
          }
          Map<String, String> changed = new LinkedHashMap<>(query);
          changed.put(parameter, value);
          cases.add(new Case("local-downloads", team + " with " + parameter + "=" + abbreviate(value, 30))
              .to(HttpApi.LOCAL_DOWNLOADS_PATH + key + "?" + join(changed)).key(null).expect(400, 403, 404));
        }
        Map<String, String> without = new LinkedHashMap<>(query);
        without.remove(parameter);
        cases.add(new Case("local-downloads", team + " without " + parameter)
            .to(HttpApi.LOCAL_DOWNLOADS_PATH + key + "?" + join(without)).key(null).expect(403));
        cases.add(new Case("local-downloads", team + " with " + parameter + " twice")
            .to(link + "&" + parameter + "=" + query.get(parameter)).key(null).expect(403));
      }
      cases.add(new Case("local-downloads", team + " with another parameter").to(link + "&x=1").key(null).expect(403));
      cases.add(new Case("local-downloads", team + " without a query").to(HttpApi.LOCAL_DOWNLOADS_PATH + key).key(null)
          .expect(403));
      cases.add(new Case("local-downloads", team + " with a trailing slash").to(HttpApi.LOCAL_DOWNLOADS_PATH + key + "/?"
          + join(query)).key(null).expect(400, 403, 404));
      cases.add(new Case("local-downloads", team + " in upper case").to(HttpApi.LOCAL_DOWNLOADS_PATH
          + key.toUpperCase(Locale.ROOT) + "?" + join(query)).key(null).expect(403));
      cases.add(new Case("local-downloads", team + " for another file of the run").to(HttpApi.LOCAL_DOWNLOADS_PATH
          + key.replaceAll("[^/]+$", "00000-other.jsonl") + "?" + join(query)).key(null).expect(403));
      cases.add(new Case("local-downloads", team + " moved to the other team").to(HttpApi.LOCAL_DOWNLOADS_PATH
          + key.replaceFirst("^[12]/", link == t1Link ? "2/" : "1/") + "?" + join(query)).key(null).expect(403));
    }
    for (String key : List.of("", ".fdbe/link-signing-key", "%2efdbe/link-signing-key", "../fdbe.mv.db",
        "..%2ffdbe.mv.db", "/etc/passwd", "%2fetc%2fpasswd", "1", "1/" + t1, "\u0000", "a\\b")) {
      cases.add(new Case("local-downloads", "key '" + key + "'").to(HttpApi.LOCAL_DOWNLOADS_PATH + key
          + "?filename=a&expires=9999999999&signature=" + "0".repeat(64)).key(null).expect(400, 403, 404));
    }
  }

  private static String join(Map<String, String> query) {
    return query.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
  }

  // One address past its budget of failed authentications: 401s, then 429s, each well-formed.
  private void throttle(List<Case> cases) throws IOException {
    InetAddress guesser = InetAddress.getByName("127.0.0.250");
    for (int i = 0; i < AuthThrottle.DEFAULT_LIMIT_PER_MINUTE + 10; i++) {
      cases.add(new Case("throttle", "wrong key " + i + " from one address").to(runsPath(i % 2 == 0 ? "projects"
          : "environments", 1) + "/").key("fdbe_guess_" + i).from(guesser).expect(i < 20 ? new Integer[] {401} : new Integer[] {401, 429}));
    }
  }

  /** The guesser's first 20 tries are 401s; sent within 20 s, some of the ten after them are 429s. */
  private static List<String> throttled(List<Case> cases, Duration took) {
    List<Case> guesses = cases.stream().filter(c -> c.category.equals("throttle")).toList();
    List<String> problems = new ArrayList<>();
    if (guesses.subList(0, 20).stream().anyMatch(c -> c.status != 401)) {
      problems.add("the first 20 wrong keys of an address were not all 401");
    }
    if (took.compareTo(Duration.ofSeconds(20)) < 0 && guesses.stream().noneMatch(c -> c.status == 429)) {
      problems.add("an address that failed 30 times was never throttled");
    }
    return problems;
  }

  // ------------------------------------------------------------------------------ regressions

  /** A request the barrage found a bug with, kept by name. */
  record Regression(String name, java.util.function.Function<HostileRequestsIT, Case> build) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Regression> regressions() {
    String teams = Stream.iterate(1_000_000_000_000_000_000L, t -> t + 1).limit(300).map(String::valueOf)
        .collect(Collectors.joining(", "));
    return Stream.of(
        // Jackson reads 1e400 as an infinite double, and BigDecimal.valueOf(Infinity) threw: 500.
        new Regression("max_size_mb 1e400 is out of range, not a server error", t -> t.new Case("regression",
            "max_size_mb 1e400").method("POST").to(t.runsPath("projects", 1) + "/")
            .json(withField("file.max_size_mb", "1e400")).expect(400)
            .check(a -> assertThat(a.text()).contains("'file.max_size_mb' is out of range"))),
        new Regression("max_size_mb -1e400 is out of range, not a server error", t -> t.new Case("regression",
            "max_size_mb -1e400").method("POST").to(t.runsPath("environments", 1))
            .json(withField("file.max_size_mb", "-1e400")).expect(400)
            .check(a -> assertThat(a.text()).contains("'file.max_size_mb' is out of range"))),
        // Jetty's error handler wrote a body only for GET, POST and HEAD: other methods got an empty 400.
        new Regression("a PUT Jetty refuses gets the JSON envelope, not an empty 400", t -> t.new Case("regression",
            "PUT with an ambiguous path").method("PUT").to(t.runsPath("projects", 1) + "/%2e%2e/x").expect(400)
            .check(a -> assertThat(a.text()).contains("\"type\":\"invalid_request\""))),
        new Regression("a DELETE with a bad Content-Length gets the JSON envelope, not an empty 400", t -> t.new Case(
            "regression", "DELETE with Content-Length -1").method("DELETE").to(t.runsPath("environments", 1) + "/")
            .header("Content-Length: -1").expect(400)
            .check(a -> assertThat(a.text()).contains("\"type\":\"invalid_request\""))),
        // The label column holds 200 characters; the database's refusal was a 500.
        new Regression("a key label of 201 characters is a 400, not a server error", t -> t.new Case("regression",
            "label of 201 characters").method("POST").to(KeyAdminEndpoint.PATH + "create").key(null)
            .header(KeyAdminEndpoint.TOKEN_HEADER + ": " + t.adminToken)
            .json("{\"teams\": [1], \"scopes\": [\"batch_export:read\"], \"label\": \"" + "l".repeat(201) + "\"}")
            .expect(400).check(a -> assertThat(a.text()).contains("at most 200 characters"))),
        // The teams column holds 4000 characters; the database's refusal was a 500.
        new Regression("teams wider than their column are a 400, not a server error", t -> t.new Case("regression",
            "300 teams of 19 digits").method("POST").to(KeyAdminEndpoint.PATH + "create").key(null)
            .header(KeyAdminEndpoint.TOKEN_HEADER + ": " + t.adminToken)
            .json("{\"teams\": [" + teams + "], \"scopes\": [\"*\"]}")
            .expect(400).check(a -> assertThat(a.text()).contains("at most 4000 characters"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("regressions")
  void regression(Regression regression) throws IOException {
    Case c = regression.build.apply(this);
    if (c.from == null) {
      c.from = c.risky || c.actor == Actor.NOBODY ? freshAddress() : main;
    }
    Answer answer = exchange(c);
    assertThat(problems(c, answer)).as("%s\n  request: %s\n  answer: %d %s", c, c.shown(), answer.status(),
        answer.text()).isEmpty();
  }
}
