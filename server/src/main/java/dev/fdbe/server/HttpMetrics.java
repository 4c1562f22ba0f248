package dev.fdbe.server;

import dev.fdbe.ExportRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP layer's meters and {@code GET /metrics}, which shows them and the engine's in the
 * Prometheus text format. Wraps the API: every request that reaches it is timed under
 * {@code fdbe.http.server.requests} ({@code fdbe_http_server_requests_seconds} in Prometheus),
 * tagged with its route template, method, status code and outcome (the status class); every export
 * created through the API is counted under {@code fdbe.exports.requested} by model, format and
 * compression, which {@link HttpApi} hands over in the request attribute {@link #CREATED}. (Not
 * {@code fdbe.exports.created}: Prometheus reserves the suffix {@code _created} and would drop it.)
 *
 * <p>Cardinality is bounded by construction: a route is one of the API's templates ({@code {team}},
 * {@code {run}} and {@code {part}} stand for the path's values) or {@code unmatched}, never a raw
 * path; a method outside the standard ones is {@code other}; statuses are the few the server
 * answers with. No meter is tagged with a team, a run, a key, a client address or this host. The
 * registry keeps only meters named {@code fdbe.*}, so {@code /metrics} shows fdbe's own series and
 * nothing that a library on the class path happens to register in Micrometer's global registry.
 *
 * <p>{@code /metrics} needs no key, like {@code /_health} (docs/security.md says why); it is served
 * on the API's port and only when metrics are on ({@code --metrics}).
 */
final class HttpMetrics extends Handler.Wrapper {
  static final String PATH = "/metrics";
  /** The request attribute under which {@link HttpApi} leaves the {@link ExportRequest} it created a run for. */
  static final String CREATED = HttpMetrics.class.getName() + ".created";
  /** The Prometheus text format, version 0.0.4, which every Prometheus server reads. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
  /** Histogram buckets of request durations: enough to tell a fast API from a slow one, few enough to keep. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final PrometheusMeterRegistry registry;

  /** @param registry from {@link #newRegistry()} */
  HttpMetrics(Handler api, PrometheusMeterRegistry registry) {
    super(api);
    this.registry = registry;
  }

  /**
   * A Prometheus registry that keeps only fdbe's meters, without the engine's {@code instance} tag:
   * that names the host and the process, which callers without a key must not learn, and Prometheus
   * labels every series it scrapes with its own {@code instance} (the target) anyway.
   */
  static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
        .meterFilter(MeterFilter.denyUnless(id -> id.getName().startsWith("fdbe.")))
        .meterFilter(MeterFilter.ignoreTags("instance"));
    return registry;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long start = System.nanoTime();
    String path = Request.getPathInContext(request);
    String route = route(path);
    String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "other";
    AtomicBoolean done = new AtomicBoolean();
    Callback timed = new Callback.Nested(callback) {
      @Override
      public void succeeded() {
        try {
          record(response.getStatus() == 0 ? 200 : response.getStatus());
        } finally {
          super.succeeded(); // counting never holds up an answer
        }
      }

      @Override
      public void failed(Throwable failure) {
        try {
          // Jetty answers 500 when nothing was sent yet; else the client got what was sent so far.
          record(response.isCommitted() ? response.getStatus() : 500);
        } finally {
          super.failed(failure);
        }
      }

      private void record(int status) {
        if (done.compareAndSet(false, true)) {
          timer(route, method, status).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          if (status == 202 && request.getAttribute(CREATED) instanceof ExportRequest export) {
            created(export).increment();
          }
        }
      }
    };
    boolean handled;
    try {
      if (path.equals(PATH)) {
        scrape(request, response, timed);
        handled = true;
      } else {
        handled = super.handle(request, response, timed);
      }
    } catch (Throwable failure) {
      if (done.compareAndSet(false, true)) {
        timer(route, method, 500).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      throw failure;
    }
    if (!handled && done.compareAndSet(false, true)) {
      timer(route, method, 404).record(System.nanoTime() - start, TimeUnit.NANOSECONDS); // Jetty's answer
    }
    return handled;
  }

  private Timer timer(String route, String method, int status) {
    return Timer.builder("fdbe.http.server.requests")
        .description("HTTP requests the API answered, by route template, method, status and outcome")
        .tag("route", route)
        .tag("method", method)
        .tag("status", Integer.toString(status))
        .tag("outcome", outcome(status))
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private Counter created(ExportRequest export) {
    return Counter.builder("fdbe.exports.requested")
        .description("exports created through the API, by model, format and compression")
        .tag("model", export.model().wireName())
        .tag("format", export.file().format().wireName().toLowerCase(Locale.ROOT))
        .tag("compression", export.file().compression().wireName() == null ? "none"
            : export.file().compression().wireName())
        .register(registry);
  }

  /** The status class: {@code informational}, {@code success}, {@code redirection}, {@code client_error}, {@code server_error}. */
  static String outcome(int status) {
    return switch (status / 100) {
      case 1 -> "informational";
      case 2 -> "success";
      case 3 -> "redirection";
      case 4 -> "client_error";
      case 5 -> "server_error";
      default -> "unknown";
    };
  }

  /**
   * The template of the route a path takes, e.g.
   * {@code /api/projects/{team}/file_download_batch_exports/{run}/download/{part}}, or {@code unmatched}:
   * never the path itself, whose team, run and part ids would make a series each.
   */
  static String route(String path) {
    if (path.equals(PATH) || path.equals("/_health") || path.equals("/_ready")) {
      return path;
    }
    if (path.startsWith(HttpApi.LOCAL_DOWNLOADS_PATH)) {
      return HttpApi.LOCAL_DOWNLOADS_PATH + "{key}";
    }
    if (path.startsWith(KeyAdminEndpoint.PATH)) {
      return KeyAdminEndpoint.PATH + "{command}";
    }
    String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (trimmed.equals(ApiSchema.PATH)) {
      return ApiSchema.PATH;
    }
    Matcher match = HttpApi.ROUTE.matcher(trimmed);
    if (!match.matches()) {
      return "unmatched";
    }
    StringBuilder template = new StringBuilder("/api/").append(match.group(1))
        .append("/{team}/file_download_batch_exports");
    if (match.group(3) != null) {
      template.append("/{run}");
    }
    if (match.group(4) != null) {
      template.append('/').append(match.group(4));
    }
    if (match.group(5) != null) {
      template.append("/{part}");
    }
    return template.toString();
  }

  private void scrape(Request request, Response response, Callback callback) {
    if (!request.getMethod().equals("GET")) {
      HttpApi.fail(response, callback, ApiError.notAllowed(request.getMethod(), "GET"));
      return;
    }
    byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
