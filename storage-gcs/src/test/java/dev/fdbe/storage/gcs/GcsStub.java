package dev.fdbe.storage.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fdbe.storage.gcs.StubWire.Answer;
import dev.fdbe.storage.gcs.StubWire.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A loopback stand-in for the part of the Cloud Storage JSON API that {@link GcsBlobStore} uses,
 * for one bucket, answering over HTTP on 127.0.0.1 as the service does, so that the client
 * library's real HTTP transport (request building, resumable sessions, media downloads, batch
 * requests, error parsing, retries, fetching a service account's token) runs in the tests with the
 * module's trimmed class path. Google's in-memory test double would bypass all of that.
 *
 * <p>What it serves: resumable uploads (the session start, chunks with {@code Content-Range}, which
 * must be whole multiples of 256 KiB until the last, status queries, finalization, checking a
 * {@code x-goog-hash} CRC32C the client sends), object metadata, media downloads (with
 * {@code Range}), listing in pages of 40, deletes (with {@code generation} and
 * {@code ifGenerationMatch}), batch deletes, the bucket's lifecycle, downloads through signed links
 * and a token endpoint for service-account keys. Stored objects report their real size, CRC32C and
 * MD5. Other buckets are missing (404); any other request is answered 501, naming it, so that a
 * store that starts using another call fails its tests visibly.
 *
 * <p>Tests disturb it at the HTTP level, below the client's retries: {@link #fail} answers the next
 * requests of a kind with an error, {@link #breakSessions} fails whole upload sessions from an
 * offset on, {@link #cutNextDownload} ends a download early, {@link #beforeNext} runs an action
 * (e.g. blocking) before a request is answered. Thread-safe.
 */
public final class GcsStub implements AutoCloseable {
  /** The bucket the stub holds; every other bucket is missing. */
  public static final String BUCKET = "fdbe-test-bucket";

  /** The project id clients of the stub name. */
  public static final String PROJECT = "fdbe-test";

  /** The access token {@link #tokenUri()} hands out. */
  public static final String ACCESS_TOKEN = "stub-access-token";

  /** The kinds of request the stub tells apart, for faults and counting. */
  public enum Call {
    /** POST of a resumable upload session. */
    START_UPLOAD,
    /** PUT of a session carrying bytes or finalizing it. */
    UPLOAD,
    /** PUT of a session asking how much was persisted ({@code Content-Range: bytes *}{@code /*}). */
    UPLOAD_STATUS,
    /** GET of an object's metadata. */
    GET_OBJECT,
    /** GET of an object's bytes ({@code alt=media}). */
    DOWNLOAD,
    /** GET of a page of the object listing. */
    LIST,
    /** DELETE of one object. */
    DELETE,
    /** GET of the bucket's settings. */
    GET_BUCKET,
    /** A batch request as a whole. */
    BATCH,
    /** One DELETE inside a batch request. */
    BATCH_DELETE,
    /** GET of an object through a signed URL, path style: {@code /<bucket>/<object>?X-Goog-Signature=...}. */
    SIGNED_DOWNLOAD,
    /** POST of a service account's signed assertion to {@link #tokenUri()} for an access token. */
    TOKEN
  }

  /** An upload request as the stub received it: its {@code Content-Range}, body size and answer. */
  public record UploadRequest(String contentRange, long bodyBytes, int status) {}

  private static final int PAGE_SIZE = 40;
  private static final int CHUNK_GRANULARITY = 256 * 1024;
  private static final String OBJECTS_PATH = "/storage/v1/b/" + BUCKET + "/o";
  private static final DateTimeFormatter RFC_3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SIGNED_AT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static final Pattern BUCKET_PATH = Pattern.compile("/(?:upload/|download/)?storage/v1/b/([^/]+)(?:/.*)?");

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI endpoint;
  private final NavigableMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong(1_763_600_000_000_000L);
  private final AtomicLong ids = new AtomicLong();
  private final Map<Call, AtomicInteger> calls = new EnumMap<>(Call.class);
  private final Map<Call, Queue<Fault>> faults = new EnumMap<>(Call.class);
  private final Map<Call, Queue<Runnable>> actions = new EnumMap<>(Call.class);
  private final List<UploadRequest> uploadRequests = new CopyOnWriteArrayList<>();
  private final List<String> startedUploads = new CopyOnWriteArrayList<>();
  private final List<String> finalizedUploads = new CopyOnWriteArrayList<>();
  private final Set<String> authorizations = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sessionsToBreak = new AtomicInteger();
  private final AtomicInteger sessionsBroken = new AtomicInteger();
  private final AtomicInteger downloadCut = new AtomicInteger(-1);
  private volatile long breakFromOffset;
  private volatile int lifecycleDeleteAgeDays = -1;
  private volatile boolean misreportCrc32c;
  private volatile boolean misreportMd5;

  private record Fault(int status, String message) {}

  private record StoredObject(String name, byte[] data, long generation, Instant created) {}

  /** A resumable session: the bytes persisted so far, and the object once finalized. */
  private static final class Session {
    final String name;
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    StoredObject finalized;
    boolean broken;

    Session(String name) {
      this.name = name;
    }
  }

  private GcsStub() throws IOException {
    for (Call call : Call.values()) {
      calls.put(call, new AtomicInteger());
      faults.put(call, new ConcurrentLinkedQueue<>());
      actions.put(call, new ConcurrentLinkedQueue<>());
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "gcs-stub");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A stub on a free loopback port. */
  public static GcsStub start() throws IOException {
    return new GcsStub();
  }

  /** Where the stub answers, {@code http://127.0.0.1:<port>}: the endpoint to give a store. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * An OAuth token endpoint for a service-account key file's {@code token_uri}, so that a client
   * with such a key fetches its access token here instead of from Google.
   */
  public URI tokenUri() {
    return endpoint.resolve("/token");
  }

  /**
   * A client of the stub over the HTTP transport, as a store builds one (uniform retries, no
   * credentials), but with retries a few milliseconds apart so that tests of failures stay quick.
   */
  public Storage client() {
    return StorageOptions.http()
        .setHost(endpoint.toString())
        .setProjectId(PROJECT)
        .setCredentials(NoCredentials.getInstance())
        .setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy())
        .setRetrySettings(RetrySettings.newBuilder()
            .setMaxAttempts(4)
            .setInitialRetryDelayDuration(Duration.ofMillis(1))
            .setMaxRetryDelayDuration(Duration.ofMillis(5))
            .setRetryDelayMultiplier(2.0)
            .setTotalTimeoutDuration(Duration.ofSeconds(60))
            .build())
        .build()
        .getService();
  }

  /** Stops answering; requests in flight are cut off. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------ what tests set

  /** Answers the next {@code times} requests of the kind with this status and message, unapplied. */
  public void fail(Call call, int status, String message, int times) {
    for (int i = 0; i < times; i++) {
      faults.get(call).add(new Fault(status, message));
    }
  }

  /**
   * Breaks the next {@code count} upload sessions that send bytes at or beyond {@code offset}: from
   * then on every request of such a session is answered 503.
   */
  public void breakSessions(int count, long offset) {
    breakFromOffset = offset;
    sessionsToBreak.set(count);
  }

  /** Ends the next download after this many bytes of its body, as a dropped connection would. */
  public void cutNextDownload(int afterBytes) {
    downloadCut.set(afterBytes);
  }

  /** Runs the action when the next request of the kind arrives, before it is applied and answered. */
  public void beforeNext(Call call, Runnable action) {
    actions.get(call).add(action);
  }

  /** Gives the bucket a lifecycle rule that deletes objects at this age, in days. */
  public void deleteAfterDays(int age) {
    lifecycleDeleteAgeDays = age;
  }

  /** Makes object metadata report a CRC32C that is not the stored bytes'. */
  public void misreportCrc32c() {
    misreportCrc32c = true;
  }

  /** Makes object metadata report an MD5 that is not the stored bytes'. */
  public void misreportMd5() {
    misreportMd5 = true;
  }

  /** Stores an object directly, as if another writer had. */
  public void putRaw(String name, byte[] data) {
    store(name, data.clone());
  }

  // ------------------------------------------------------------------ what tests read

  /** How many requests of the kind arrived, failed ones included. */
  public int calls(Call call) {
    return calls.get(call).get();
  }

  /** The upload requests (chunks, finalizations, status queries), in order of arrival. */
  public List<UploadRequest> uploadRequests() {
    return List.copyOf(uploadRequests);
  }

  /** The object names of the sessions started, in order. */
  public List<String> startedUploads() {
    return List.copyOf(startedUploads);
  }

  /** The object names of the sessions finalized, in order. */
  public List<String> finalizedUploads() {
    return List.copyOf(finalizedUploads);
  }

  /** How many sessions {@link #breakSessions} broke so far. */
  public int brokenSessions() {
    return sessionsBroken.get();
  }

  /** The distinct {@code Authorization} headers that requests carried, other than to the token endpoint. */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** The names of the stored objects, sorted. */
  public List<String> objectNames() {
    return List.copyOf(objects.keySet());
  }

  /** The bytes of a stored object, or null when there is none of that name. */
  public byte[] bytes(String name) {
    StoredObject object = objects.get(name);
    return object == null ? null : object.data.clone();
  }

  /** When a stored object was created, or null when there is none of that name. */
  public Instant created(String name) {
    StoredObject object = objects.get(name);
    return object == null ? null : object.created;
  }

  // ------------------------------------------------------------------ routing

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Request request = Request.read(exchange);
      Matcher bucket = BUCKET_PATH.matcher(request.rawPath());
      Call call = route(request);
      Answer answer;
      if (bucket.matches() && !bucket.group(1).equals(BUCKET)) {
        answer = StubWire.error(404, "The specified bucket does not exist.");
      } else if (call == null) {
        answer = StubWire.error(501, "the stub does not serve " + request.method() + " " + exchange.getRequestURI());
      } else {
        answer = answer(call, request);
      }
      StubWire.reply(exchange, answer);
    } catch (RuntimeException e) {
      // A bug of the stub: answered plainly, so that the test shows it rather than retrying.
      StubWire.reply(exchange, StubWire.error(500, "stub failure: " + e));
    }
  }

  /** The kind of a request to the stub's bucket, or null for one the stub does not serve. */
  private static Call route(Request request) {
    String method = request.method();
    String path = request.rawPath();
    if (path.equals("/upload" + OBJECTS_PATH)) {
      if (method.equals("POST") && "resumable".equals(request.parameter("uploadType"))) {
        return Call.START_UPLOAD;
      }
      if (method.equals("PUT") && request.parameter("upload_id") != null) {
        return "bytes */*".equals(request.header("Content-Range")) ? Call.UPLOAD_STATUS : Call.UPLOAD;
      }
      return null;
    }
    if (method.equals("GET") && (path.startsWith(OBJECTS_PATH + "/") || path.startsWith("/download" + OBJECTS_PATH
        + "/"))) {
      return "media".equals(request.parameter("alt")) ? Call.DOWNLOAD : Call.GET_OBJECT;
    }
    if (method.equals("DELETE") && path.startsWith(OBJECTS_PATH + "/")) {
      return Call.DELETE;
    }
    if (method.equals("GET") && path.equals(OBJECTS_PATH)) {
      return Call.LIST;
    }
    if (method.equals("GET") && path.equals("/storage/v1/b/" + BUCKET)) {
      return Call.GET_BUCKET;
    }
    if (method.equals("POST") && path.equals("/batch/storage/v1")) {
      return Call.BATCH;
    }
    if (method.equals("POST") && path.equals("/token")) {
      return Call.TOKEN;
    }
    if (method.equals("GET") && path.startsWith("/" + BUCKET + "/") && request.parameter("X-Goog-Signature") != null) {
      return Call.SIGNED_DOWNLOAD;
    }
    return null;
  }

  /** Counts the request, runs what tests set for it, and answers it. */
  private Answer answer(Call call, Request request) {
    calls.get(call).incrementAndGet();
    String authorization = request.header("Authorization");
    if (authorization != null && call != Call.TOKEN) {
      authorizations.add(authorization);
    }
    Runnable action = actions.get(call).poll();
    if (action != null) {
      action.run();
    }
    Fault fault = faults.get(call).poll();
    if (fault != null) {
      if (call == Call.UPLOAD || call == Call.UPLOAD_STATUS) {
        uploadRequests.add(new UploadRequest(request.header("Content-Range"), request.body().length, fault.status));
      }
      return StubWire.error(fault.status, fault.message);
    }
    return switch (call) {
      case START_UPLOAD -> startUpload(request);
      case UPLOAD, UPLOAD_STATUS -> upload(request);
      case GET_OBJECT -> getObject(objectName(request.rawPath()), request.parameter("generation"));
      case DOWNLOAD -> download(objectName(request.rawPath()), request.parameter("generation"), request.header("Range"));
      case LIST -> list(request.query());
      case DELETE -> delete(objectName(request.rawPath()), request.query());
      case GET_BUCKET -> bucket();
      case BATCH -> batch(request);
      case SIGNED_DOWNLOAD -> signedDownload(StubWire.decodePath(request.rawPath().substring(BUCKET.length() + 2)),
          request.query());
      case TOKEN -> StubWire.json(200, Map.of("access_token", ACCESS_TOKEN, "token_type", "Bearer",
          "expires_in", 3600));
      case BATCH_DELETE -> throw new IllegalStateException("batch parts are answered inside their batch");
    };
  }

  // ------------------------------------------------------------------ uploads

  private Answer startUpload(Request request) {
    String name = request.parameter("name");
    if (name == null || name.isEmpty()) {
      return StubWire.error(400, "Required parameter: name");
    }
    String id = "session-" + ids.incrementAndGet();
    sessions.put(id, new Session(name));
    startedUploads.add(name);
    return StubWire.empty(200).header("Location", endpoint + "/upload" + OBJECTS_PATH + "?uploadType=resumable"
        + "&upload_id=" + id);
  }

  private Answer upload(Request request) {
    String contentRange = request.header("Content-Range");
    Session session = sessions.get(request.parameter("upload_id"));
    Matcher range = contentRange == null ? null : CONTENT_RANGE.matcher(contentRange);
    Answer answer;
    if (session == null) {
      answer = StubWire.error(404, "No such upload session: " + request.parameter("upload_id"));
    } else if (range == null || !range.matches()) {
      answer = StubWire.error(400, "Invalid Content-Range: " + contentRange);
    } else {
      synchronized (session) {
        answer = uploadInSession(session, range, request.header("x-goog-hash"), request.body());
      }
    }
    uploadRequests.add(new UploadRequest(contentRange, request.body().length, answer.status));
    return answer;
  }

  /** Applies an upload request to its session, as the service does; called holding the session. */
  private Answer uploadInSession(Session session, Matcher range, String hash, byte[] body) {
    if (session.finalized != null) {
      return objectAnswer(session.finalized);
    }
    boolean hasBytes = range.group(2) != null;
    if (hasBytes && !session.broken && Long.parseLong(range.group(3)) >= breakFromOffset
        && sessionsToBreak.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      session.broken = true;
      sessionsBroken.incrementAndGet();
    }
    if (session.broken) {
      return StubWire.error(503, "Backend Error");
    }
    boolean finishes = !range.group(4).equals("*");
    if (hasBytes) {
      long first = Long.parseLong(range.group(2));
      long persisted = session.data.size();
      if (Long.parseLong(range.group(3)) - first + 1 != body.length) {
        return StubWire.error(400, "Content-Range " + range.group() + " does not match the " + body.length
            + " bytes sent");
      }
      if (first > persisted) {
        return StubWire.error(400, "Content-Range starts at " + first + " but " + persisted + " bytes are persisted");
      }
      if (!finishes && body.length % CHUNK_GRANULARITY != 0) {
        return StubWire.error(400, "a chunk that does not finish the upload must be a multiple of 256 KiB, got "
            + body.length + " bytes");
      }
      // A retried request may repeat bytes already persisted: those are skipped, as the service does.
      int skip = (int) Math.min(body.length, persisted - first);
      session.data.write(body, skip, body.length - skip);
    }
    if (!finishes) {
      Answer incomplete = StubWire.empty(308);
      return session.data.size() == 0 ? incomplete : incomplete.header("Range", "bytes=0-" + (session.data.size() - 1));
    }
    long size = Long.parseLong(range.group(4));
    byte[] data = session.data.toByteArray();
    if (data.length != size) {
      return StubWire.error(400, "the upload is finalized at " + size + " bytes but " + data.length
          + " are persisted");
    }
    if (hash != null && hash.startsWith("crc32c=") && !hash.substring(7).equals(crc32c(data))) {
      return StubWire.error(400, "Provided CRC32C \"" + hash.substring(7) + "\" doesn't match calculated CRC32C \""
          + crc32c(data) + "\".");
    }
    session.finalized = store(session.name, data);
    finalizedUploads.add(session.name);
    return objectAnswer(session.finalized);
  }

  private StoredObject store(String name, byte[] data) {
    StoredObject object = new StoredObject(name, data, generations.incrementAndGet(), Instant.now());
    objects.put(name, object);
    return object;
  }

  // ------------------------------------------------------------------ objects

  /** The object of the name, of that generation when one is given, or null. */
  private StoredObject find(String name, String generation) {
    StoredObject object = objects.get(name);
    return object == null || (generation != null && !generation.equals(Long.toString(object.generation)))
        ? null : object;
  }

  private static Answer noSuchObject(String name) {
    return StubWire.error(404, "No such object: " + BUCKET + "/" + name);
  }

  private Answer getObject(String name, String generation) {
    StoredObject object = find(name, generation);
    return object == null ? noSuchObject(name) : objectAnswer(object);
  }

  private Answer download(String name, String generation, String range) {
    StoredObject object = find(name, generation);
    if (object == null) {
      return noSuchObject(name);
    }
    int from = 0;
    int to = object.data.length;
    if (range != null) {
      Matcher bytes = RANGE.matcher(range);
      if (!bytes.matches()) {
        return StubWire.error(400, "unsupported Range " + range);
      }
      from = Integer.parseInt(bytes.group(1));
      to = bytes.group(2).isEmpty() ? to : Math.min(to, Integer.parseInt(bytes.group(2)) + 1);
      if (from >= object.data.length) {
        return StubWire.error(416, "Request range not satisfiable");
      }
    }
    Answer answer = new Answer(range == null ? 200 : 206, "application/octet-stream",
        Arrays.copyOfRange(object.data, from, to))
        .header("x-goog-generation", Long.toString(object.generation))
        .header("x-goog-metageneration", "1")
        .header("x-goog-stored-content-length", Integer.toString(object.data.length))
        .header("x-goog-hash", "crc32c=" + crc32c(object.data) + ",md5=" + md5(object.data));
    if (range != null) {
      answer.header("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + object.data.length);
    }
    int cut = downloadCut.getAndSet(-1);
    answer.cutAfter = cut < answer.body.length ? cut : -1;
    return answer;
  }

  /**
   * A download through a signed link, as a browser follows it: the bytes, under the file name the
   * link asks for. The signature itself is not checked here (GcsSignedLinkTest checks it against
   * the V4 rules), only that the link has one and has not expired.
   */
  private Answer signedDownload(String name, Map<String, String> query) {
    Instant signedAt = Instant.from(SIGNED_AT.parse(query.getOrDefault("X-Goog-Date", "19700101T000000Z")));
    long lifetime = Long.parseLong(query.getOrDefault("X-Goog-Expires", "0"));
    if (Instant.now().isAfter(signedAt.plusSeconds(lifetime))) {
      return StubWire.error(400, "Request has expired");
    }
    StoredObject object = find(name, null);
    if (object == null) {
      return noSuchObject(name);
    }
    Answer answer = new Answer(200, "application/octet-stream", object.data.clone());
    String disposition = query.get("response-content-disposition");
    return disposition == null ? answer : answer.header("Content-Disposition", disposition);
  }

  private Answer list(Map<String, String> query) {
    String prefix = query.getOrDefault("prefix", "");
    String after = query.get("pageToken");
    int max = Math.min(PAGE_SIZE, Integer.parseInt(query.getOrDefault("maxResults", Integer.toString(PAGE_SIZE))));
    List<Object> items = new ArrayList<>();
    String last = null;
    boolean more = false;
    for (StoredObject object : (after == null ? objects : objects.tailMap(after, false)).values()) {
      if (!object.name.startsWith(prefix)) {
        continue;
      }
      if (items.size() == max) {
        more = true;
        break;
      }
      items.add(objectJson(object));
      last = object.name;
    }
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("kind", "storage#objects");
    if (more) {
      page.put("nextPageToken", last);
    }
    page.put("items", items);
    return StubWire.json(200, page);
  }

  private Answer delete(String name, Map<String, String> query) {
    StoredObject object = find(name, query.get("generation"));
    if (object == null) {
      return noSuchObject(name);
    }
    String match = query.get("ifGenerationMatch");
    if (match != null && !match.equals(Long.toString(object.generation))) {
      return StubWire.error(412, "At least one of the pre-conditions you specified did not hold.");
    }
    objects.remove(name, object);
    return StubWire.empty(204);
  }

  /**
   * A batch request: each part's DELETE answered in a part of the answer, in order. Only deletes
   * are served inside a batch, as only deletes are sent.
   */
  private Answer batch(Request request) {
    List<String> lines;
    try {
      lines = StubWire.batchRequestLines(request.header("Content-Type"), request.body());
    } catch (IllegalArgumentException e) {
      return StubWire.error(400, e.getMessage());
    }
    List<Answer> answers = new ArrayList<>();
    for (String line : lines) {
      String[] words = line.split(" ");
      if (words.length < 2 || !words[0].equals("DELETE")) {
        answers.add(StubWire.error(501, "the stub serves only DELETE in a batch, got '" + line + "'"));
        continue;
      }
      calls.get(Call.BATCH_DELETE).incrementAndGet();
      URI target = URI.create(words[1]);
      Fault fault = faults.get(Call.BATCH_DELETE).poll();
      if (fault != null) {
        answers.add(StubWire.error(fault.status, fault.message));
      } else if (!target.getRawPath().startsWith(OBJECTS_PATH + "/")) {
        answers.add(StubWire.error(404, "The specified bucket does not exist."));
      } else {
        answers.add(delete(objectName(target.getRawPath()), StubWire.query(target.getRawQuery())));
      }
    }
    return StubWire.batchAnswer(answers, "batch_stub_" + ids.incrementAndGet());
  }

  private Answer bucket() {
    Map<String, Object> bucket = new LinkedHashMap<>();
    bucket.put("kind", "storage#bucket");
    bucket.put("name", BUCKET);
    if (lifecycleDeleteAgeDays >= 0) {
      bucket.put("lifecycle", Map.of("rule", List.of(Map.of("action", Map.of("type", "Delete"),
          "condition", Map.of("age", lifecycleDeleteAgeDays)))));
    }
    return StubWire.json(200, bucket);
  }

  private Answer objectAnswer(StoredObject object) {
    return StubWire.json(200, objectJson(object));
  }

  /** An object's resource as the JSON API writes it; numbers of 64 bits are strings there. */
  private Map<String, Object> objectJson(StoredObject object) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", "storage#object");
    json.put("id", BUCKET + "/" + object.name + "/" + object.generation);
    json.put("name", object.name);
    json.put("bucket", BUCKET);
    json.put("generation", Long.toString(object.generation));
    json.put("metageneration", "1");
    json.put("contentType", "application/octet-stream");
    json.put("storageClass", "STANDARD");
    json.put("size", Integer.toString(object.data.length));
    json.put("md5Hash", misreportMd5 ? "AAAAAAAAAAAAAAAAAAAAAA==" : md5(object.data));
    json.put("crc32c", misreportCrc32c ? "AAAAAA==" : crc32c(object.data));
    json.put("etag", "CK" + object.generation);
    json.put("timeCreated", RFC_3339.format(object.created));
    json.put("updated", RFC_3339.format(object.created));
    return json;
  }

  /** The object name in a path {@code .../o/<percent-encoded name>}. */
  private static String objectName(String rawPath) {
    return StubWire.decodePath(rawPath.substring(rawPath.indexOf("/o/") + 3));
  }

  static String crc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  static String md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks MD5", e);
    }
  }
}
