package dev.fdbe.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fdbe.Caller;
import dev.fdbe.DownloadLink;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.Page;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.TeamId;
import dev.fdbe.storage.local.DownloadResponse;
import dev.fdbe.storage.local.LocalDownloadHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP API (docs/http-api.md) over {@link ExportEngine}: routing, authentication with personal API keys,
 * parsing of paths, queries and bodies, and JSON responses. Both URL families
 * ({@code /api/projects/{id}/...} and {@code /api/environments/{id}/...}) behave the same, with or
 * without a trailing slash. No export logic lives here. The OpenAPI description of all of this,
 * {@code openapi.yaml} beside this class, is served at {@code /api/schema/} ({@link ApiSchema}).
 */
final class HttpApi extends Handler.Abstract {
  /** Runs per page of a listing when the request gives no limit. */
  private static final int DEFAULT_PAGE_LIMIT = 100;
  /** The API's routes; {@link HttpMetrics#route} names each by its template. */
  static final Pattern ROUTE = Pattern.compile(
      "/api/(projects|environments)/([^/]+)/file_download_batch_exports"
          + "(?:/([^/]+)(?:/(cancel|download|logs|manifest)(?:/([^/]+))?)?)?");
  private static final Pattern BEARER = Pattern.compile("(?i)bearer +([^\\s]+)");
  /** Where this server serves the download links of local storage: the key follows. */
  static final String LOCAL_DOWNLOADS_PATH = "/fdbe/local-downloads/";

  private final ExportEngine engine;
  private final ApiKeys keys;
  private final String publicUrl;
  private final AuthThrottle throttle;
  private final long maxBodyBytes;
  private final @Nullable LocalDownloadHandler localDownloads;
  private final @Nullable KeyAdminEndpoint keyAdmin;
  private final Readiness readiness;
  private final ApiSchema schema = ApiSchema.load();

  /**
   * @param publicUrl the base URL clients reach the server at; absolute links are built from it,
   *     never from the request's {@code Host} header
   * @param localDownloads the handler of the links of local storage, served under
   *     {@link #LOCAL_DOWNLOADS_PATH}, or null when files live elsewhere
   * @param keyAdmin the key administration of the {@code keys} commands, or null when they use the
   *     database directly (a shared PostgreSQL database)
   */
  HttpApi(ExportEngine engine, ApiKeys keys, URI publicUrl, AuthThrottle throttle, long maxBodyBytes,
      @Nullable LocalDownloadHandler localDownloads, @Nullable KeyAdminEndpoint keyAdmin, Readiness readiness) {
    this.engine = engine;
    this.keys = keys;
    this.publicUrl = publicUrl.toString().replaceAll("/+$", "");
    this.throttle = throttle;
    this.maxBodyBytes = maxBodyBytes;
    this.localDownloads = localDownloads;
    this.keyAdmin = keyAdmin;
    this.readiness = readiness;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      String path = Request.getPathInContext(request);
      if (localDownloads != null && path.startsWith(LOCAL_DOWNLOADS_PATH)) {
        serveLink(localDownloads, request, response, callback, path.substring(LOCAL_DOWNLOADS_PATH.length()));
        return true;
      }
      if (keyAdmin != null && path.startsWith(KeyAdminEndpoint.PATH)) {
        administerKeys(request, response, callback, path.substring(KeyAdminEndpoint.PATH.length()));
        return true;
      }
      if (path.equals("/_health")) {
        write(response, callback, 200, JsonBodies.MAPPER.createObjectNode().put("status", "ok"));
        return true;
      }
      if (path.equals("/_ready")) {
        Readiness.Result ready = readiness.check();
        write(response, callback, ready.ready() ? 200 : 503, ready.ready()
            ? JsonBodies.MAPPER.createObjectNode().put("status", "ready")
            : JsonBodies.MAPPER.createObjectNode().put("status", "unavailable").put("reason", ready.reason()));
        return true;
      }
      String route = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      if (route.equals(ApiSchema.PATH)) {
        describe(request, response, callback);
        return true;
      }
      Matcher match = ROUTE.matcher(route);
      if (!match.matches()) {
        throw ApiError.notFound("No API endpoint at " + WireParser.shown(path));
      }
      dispatch(request, response, callback, match);
    } catch (Throwable failure) {
      fail(response, callback, failure);
    }
    return true;
  }

  /**
   * Answers with the error a failure maps to, and the headers that go with its status. Never throws:
   * if even that fails, the callback fails and Jetty ends the exchange.
   */
  static void fail(Response response, Callback callback, Throwable failure) {
    try {
      ApiError error = ErrorMapping.toApiError(failure);
      if (error.status() == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      }
      if (error.retryAfterSeconds() > 0) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, error.retryAfterSeconds());
      }
      if (error.allow() != null) {
        response.getHeaders().put(HttpHeader.ALLOW, error.allow());
      }
      write(response, callback, error.status(), JsonBodies.error(error));
    } catch (Throwable unanswerable) {
      unanswerable.addSuppressed(failure);
      callback.failed(unanswerable);
    }
  }

  private void dispatch(Request request, Response response, Callback callback, Matcher match) throws IOException {
    String method = request.getMethod();
    TeamId team = WireParser.team(match.group(2));
    String run = match.group(3);
    String action = match.group(4);
    String part = match.group(5);
    if (run == null) {
      switch (method) {
        case "GET" -> list(request, response, callback, caller(request, team));
        case "POST" -> create(request, response, callback, caller(request, team));
        default -> throw ApiError.notAllowed(method, "GET, POST");
      }
      return;
    }
    if (action == null) {
      requireMethod(method, "GET");
      write(response, callback, 200, JsonBodies.run(engine.retrieve(caller(request, team), WireParser.run(run))));
      return;
    }
    if (part != null && !action.equals("download")) {
      throw ApiError.notFound("No API endpoint at " + WireParser.shown(Request.getPathInContext(request)));
    }
    switch (action) {
      case "cancel" -> {
        requireMethod(method, "POST");
        // The body is ignored, whatever it is: the seed's own example sends form fields as JSON.
        write(response, callback, 200, JsonBodies.run(engine.cancel(caller(request, team), WireParser.run(run))));
      }
      case "download" -> {
        requireMethod(method, "GET");
        Caller caller = caller(request, team);
        RunId id = WireParser.run(run);
        WireParser.Part file = WireParser.part(part);
        DownloadLink link = file.id() != null
            ? engine.download(caller, id, file.id())
            : engine.download(caller, id, file.index());
        response.setStatus(302);
        response.getHeaders().put(HttpHeader.LOCATION, link.uri().toString());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
        callback.succeeded();
      }
      case "logs" -> {
        requireMethod(method, "GET");
        logs(request, response, callback, caller(request, team), WireParser.run(run));
      }
      case "manifest" -> {
        requireMethod(method, "GET");
        write(response, callback, 200, JsonBodies.manifest(engine.manifest(caller(request, team), WireParser.run(run))));
      }
      default -> throw ApiError.notFound("No API endpoint at " + WireParser.shown(action));
    }
  }

  // ---------------------------------------------------------------- endpoints

  /**
   * A signed link of local storage: the handler decides everything (link, method, range, errors in
   * the API's envelope); this only carries its answer to Jetty. A failure of the store (an
   * {@link dev.fdbe.ExportException}) reaches {@link #handle}'s 500; one while the file is being
   * sent ends the connection, so that the client sees a short body, never a wrong one.
   */
  private static void serveLink(LocalDownloadHandler handler, Request request, Response response, Callback callback,
      String key) throws IOException {
    DownloadResponse answer = handler.handle(request.getMethod(), key, request.getHttpURI().getQuery(),
        request.getHeaders()::get);
    try (answer) {
      response.setStatus(answer.status());
      answer.headers().forEach(response.getHeaders()::put);
      if (answer.bodyLength() > 0) {
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
          answer.body().transferTo(out);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!response.isCommitted()) {
        throw e;
      }
      callback.failed(e);
      return;
    }
    callback.succeeded();
  }

  private void create(Request request, Response response, Callback callback, Caller caller) {
    caller.require(dev.fdbe.Scope.WRITE);
    BodyReader.read(request, maxBodyBytes, body -> {
      ExportRequest export = CreateRequestParser.parse(body);
      RunId created = engine.create(caller, export);
      request.setAttribute(HttpMetrics.CREATED, export); // counted by model and format
      write(response, callback, 202, JsonBodies.created(created));
    }, failure -> fail(response, callback, failure));
  }

  private void list(Request request, Response response, Callback callback, Caller caller) {
    Fields query = query(request);
    int limit = (int) Math.min(Integer.MAX_VALUE, nonNegative(query, "limit", DEFAULT_PAGE_LIMIT));
    long offset = nonNegative(query, "offset", 0);
    Page<RunSnapshot> page = engine.list(caller, limit, offset);
    String next = page.hasNext() ? pageUrl(request, page.limit(), page.offset() + page.limit()) : null;
    String previous = page.hasPrevious()
        ? pageUrl(request, page.limit(), Math.max(0, Math.min(page.offset(), page.count()) - page.limit()))
        : null;
    write(response, callback, 200, JsonBodies.runs(page, next, previous));
  }

  private void logs(Request request, Response response, Callback callback, Caller caller, RunId id) {
    Fields query = query(request);
    LogQuery.Builder builder = LogQuery.builder();
    String limit = single(query, "limit");
    if (limit != null) {
      builder.limit((int) WireParser.queryInteger("limit", limit, 1, LogQuery.MAX_LIMIT));
    }
    String after = single(query, "after");
    if (after != null) {
      builder.after(WireParser.dateTime("after", after));
    }
    String before = single(query, "before");
    if (before != null) {
      builder.before(WireParser.dateTime("before", before));
    }
    List<LogLevel> levels = new ArrayList<>();
    for (String value : query.getValues("level") == null ? List.<String>of() : query.getValues("level")) {
      for (String name : value.split(",")) {
        if (name.isBlank()) {
          continue;
        }
        levels.add(LogLevel.parse(name).orElseThrow(() -> ApiError.invalid("level", "'level' must be DEBUG, INFO, "
            + "WARNING or ERROR (any case, repeated or comma-separated), got '" + WireParser.shown(name) + "'")));
      }
    }
    builder.levels(levels);
    String search = single(query, "search");
    if (search != null) {
      builder.search(WireParser.checkText("search", search));
    }
    String instance = single(query, "instance_id");
    if (instance != null) {
      builder.instanceId(WireParser.attempt("instance_id", instance));
    }
    LogQuery logQuery = builder.build();
    Page<RunLogEntry> page = engine.logs(caller, id, logQuery);
    String next = null;
    if (page.items().size() == logQuery.limit() && page.count() > logQuery.limit()) {
      java.time.Instant oldest = page.items().get(page.items().size() - 1).timestamp();
      next = withParameter(request, "before", oldest.toString());
    }
    write(response, callback, 200, JsonBodies.logs(page, next));
  }

  /** This API's OpenAPI description ({@link ApiSchema}); no key needed. */
  private void describe(Request request, Response response, Callback callback) {
    requireMethod(request.getMethod(), "GET");
    ApiSchema.Representation document = schema.choose(single(query(request), "format"),
        request.getHeaders().getValuesList(HttpHeader.ACCEPT));
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, document.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.VARY, "Accept");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, document.body().length);
    response.write(true, java.nio.ByteBuffer.wrap(document.body()), callback);
  }

  /** The {@code keys} commands' requests: from this machine, with the admin token, else 404 or 401. */
  private void administerKeys(Request request, Response response, Callback callback, String command) {
    if (!KeyAdminEndpoint.isLocal(remoteAddress(request))) {
      throw ApiError.notFound("No API endpoint at " + WireParser.shown(Request.getPathInContext(request)));
    }
    String address = clientAddress(request);
    refuseWhileThrottled(address);
    if (!keyAdmin.accepts(request.getHeaders().get(KeyAdminEndpoint.TOKEN_HEADER))) {
      throttle.failed(address);
      throw new ApiError(401, "authentication_error", "authentication_failed", "Invalid admin token.", null);
    }
    requireMethod(request.getMethod(), "POST");
    BodyReader.read(request, maxBodyBytes, body -> write(response, callback, 200, keyAdmin.handle(command, body)),
        failure -> fail(response, callback, failure));
  }

  // ---------------------------------------------------------------- authentication

  private static @Nullable InetAddress remoteAddress(Request request) {
    return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress remote
        ? remote.getAddress() : null;
  }

  /** The client's IP address, the key of its authentication budget. */
  private static String clientAddress(Request request) {
    InetAddress address = remoteAddress(request);
    return address == null ? "unknown" : address.getHostAddress();
  }

  private void refuseWhileThrottled(String address) {
    var wait = throttle.retryAfterSeconds(address);
    if (wait.isPresent()) {
      throw ApiError.throttled("too_many_failed_authentications", "Too many failed authentications from this "
          + "address; try again in " + wait.getAsLong() + " seconds.", wait.getAsLong());
    }
  }

  private Caller caller(Request request, TeamId team) {
    String address = clientAddress(request);
    refuseWhileThrottled(address);
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw new ApiError(401, "authentication_error", "not_authenticated",
          "Authentication credentials were not provided.", null);
    }
    Matcher bearer = BEARER.matcher(header.strip());
    // Two keys would leave it to chance which one is used: neither is.
    if (!bearer.matches() || request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION).size() > 1) {
      throw new ApiError(401, "authentication_error", "not_authenticated",
          "Malformed Authorization header: send one, 'Authorization: Bearer <personal API key>'", null);
    }
    ApiKey key = keys.authenticate(bearer.group(1)).orElse(null);
    if (key == null) {
      throttle.failed(address);
      throw new ApiError(401, "authentication_error", "authentication_failed", "Invalid personal API key.", null);
    }
    if (!key.allows(team)) {
      throw new ApiError(403, "authentication_error", "permission_denied", "You don't have access to the project.",
          null);
    }
    return new Caller(team, key.scopes());
  }

  // ---------------------------------------------------------------- parsing

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw ApiError.notAllowed(method, allowed);
    }
  }

  /** The query parameters; a malformed query string is the client's error, naming the parameter. */
  private static Fields query(Request request) {
    try {
      return Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      throw WireParser.malformedQuery(request.getHttpURI().getQuery());
    }
  }

  private static @Nullable String single(Fields query, String name) {
    List<String> values = query.getValues(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiError.invalid(name, "'" + name + "' is given " + values.size() + " times; give it once");
    }
    return values.get(0);
  }

  private static long nonNegative(Fields query, String name, long defaultValue) {
    String value = single(query, name);
    return value == null ? defaultValue : WireParser.queryInteger(name, value, 0, Long.MAX_VALUE);
  }

  // ---------------------------------------------------------------- responses

  /** An absolute URL of this request's path with {@code limit} and {@code offset} set. */
  private String pageUrl(Request request, int limit, long offset) {
    return base(request) + "?limit=" + limit + "&offset=" + offset;
  }

  /** This request's absolute URL with one query parameter set (replacing any earlier value). */
  private String withParameter(Request request, String name, String value) {
    Fields query = query(request);
    StringBuilder url = new StringBuilder(base(request));
    char separator = '?';
    for (Fields.Field field : query) {
      if (field.getName().equals(name)) {
        continue;
      }
      for (String fieldValue : field.getValues()) {
        url.append(separator).append(encode(field.getName())).append('=').append(encode(fieldValue));
        separator = '&';
      }
    }
    return url.append(separator).append(encode(name)).append('=').append(encode(value)).toString();
  }

  /** The configured public URL with this request's path: the request's {@code Host} plays no part. */
  private String base(Request request) {
    return publicUrl + request.getHttpURI().getPath();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  static void write(Response response, Callback callback, int status, JsonNode body) {
    byte[] bytes;
    try {
      bytes = JsonBodies.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      callback.failed(e);
      return;
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
  }
}
