package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} after requests of every kind and two exports: the engine's and the HTTP
 * layer's series are there, all named {@code fdbe_*}, and no label carries a team, a run, a path or
 * anything else that grows with use.
 */
class MetricsIT {
  /** A team no key may act for: its requests are refused, and its id must appear in no label. */
  private static final String STRANGER_TEAM = "424242";
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
  /**
   * Every label key a series may have; a new one must be added here, deliberately. Not the engine's
   * {@code instance}, which names the host and the process.
   */
  private static final Set<String> LABEL_KEYS =
      Set.of("route", "method", "status", "outcome", "model", "format", "compression", "takeover", "reason", "le");

  @TempDir
  Path directory;

  /** One line of the text format: a series and its value. */
  record Sample(String name, Map<String, String> labels, double value) {
    boolean has(Map<String, String> wanted) {
      return labels.entrySet().containsAll(wanted.entrySet());
    }
  }

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertThat(sample.matches()).as("a sample line: %s", line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        int end = 0;
        while (label.lookingAt()) {
          labels.put(label.group(1), label.group(2));
          end = label.end();
          label.region(end, sample.group(2).length());
        }
        assertThat(end).as("labels parsed whole: %s", line).isEqualTo(sample.group(2).length());
      }
      samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
    }
    return samples;
  }

  private static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).mapToDouble(Sample::value).sum();
  }

  @Test
  void metricsShowTheEngineAndTheHttpLayerUnderFdbeWithBoundedLabels() throws Exception {
    try (TestServer server = new TestServer(directory, 2_000, 1)) {
      String events = server.create("projects", "events", "{\"format\": \"JSONLines\", \"compression\": \"zstd\"}");
      String persons = server.create("environments", "persons", "{\"format\": \"CSV\"}");
      assertThat(server.awaitTerminal("projects", events).get("status").asText()).isEqualTo("Completed");
      assertThat(server.awaitTerminal("environments", persons).get("status").asText()).isEqualTo("Completed");
      HttpResponse<String> redirect =
          server.get("/api/projects/1/file_download_batch_exports/" + events + "/download/", server.key);
      assertThat(redirect.statusCode()).isEqualTo(302);
      URI link = URI.create(redirect.headers().firstValue("Location").orElseThrow());
      assertThat(server.send(HttpRequest.newBuilder(link).GET().build()).statusCode()).isEqualTo(200);
      String unknownRun = UUID.randomUUID().toString();
      assertThat(server.get("/api/projects/1/file_download_batch_exports/" + unknownRun + "/", server.key)
          .statusCode()).isEqualTo(404);
      assertThat(server.get("/api/projects/" + STRANGER_TEAM + "/file_download_batch_exports/", server.key)
          .statusCode()).isEqualTo(403);
      assertThat(server.get("/api/projects/1/file_download_batch_exports/", "fdbe_not_a_key_0123456789")
          .statusCode()).isEqualTo(401);
      assertThat(server.get("/scan/" + unknownRun + "/admin.php", server.key).statusCode()).isEqualTo(404);
      assertThat(server.send(HttpRequest.newBuilder(server.uri("/_health"))
          .method("BREW", HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
      assertThat(server.send(HttpRequest.newBuilder(server.uri("/metrics"))
          .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(405);

      HttpResponse<String> scraped = server.send(HttpRequest.newBuilder(server.uri("/metrics")).GET().build());

      assertThat(scraped.statusCode()).as("no key needed").isEqualTo(200);
      assertThat(scraped.headers().firstValue("Content-Type")).contains(HttpMetrics.CONTENT_TYPE);
      List<Sample> samples = parse(scraped.body());
      assertThat(samples).isNotEmpty().allSatisfy(sample -> assertThat(sample.name()).startsWith("fdbe_"));
      assertThat(scraped.body().lines().filter(line -> line.startsWith("# TYPE ")))
          .allSatisfy(line -> assertThat(line).startsWith("# TYPE fdbe_"));

      String requests = "fdbe_http_server_requests_seconds_count";
      String runs = "/api/projects/{team}/file_download_batch_exports";
      assertThat(value(samples, requests, Map.of("route", runs, "method", "POST", "status", "202",
          "outcome", "success"))).isEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", "/api/environments/{team}/file_download_batch_exports",
          "method", "POST", "status", "202"))).isEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", runs + "/{run}", "method", "GET", "status", "200")))
          .as("polls until completed").isGreaterThanOrEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", runs + "/{run}", "status", "404",
          "outcome", "client_error"))).isEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", runs + "/{run}/download", "status", "302",
          "outcome", "redirection"))).isEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", "/fdbe/local-downloads/{key}", "status", "200")))
          .isEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", runs, "method", "GET", "status", "403"))).isEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", runs, "method", "GET", "status", "401"))).isEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", "unmatched", "status", "404"))).isEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", "/_health", "method", "other"))).isEqualTo(1);
      assertThat(value(samples, requests, Map.of("route", "/metrics", "method", "POST", "status", "405")))
          .isEqualTo(1);
      assertThat(samples).anyMatch(s -> s.name().equals("fdbe_http_server_requests_seconds_bucket")
          && s.labels().containsKey("le"));
      assertThat(samples).anyMatch(s -> s.name().equals("fdbe_http_server_requests_seconds_sum"));

      assertThat(value(samples, "fdbe_exports_requested_total",
          Map.of("model", "events", "format", "jsonlines", "compression", "zstd"))).isEqualTo(1);
      assertThat(value(samples, "fdbe_exports_requested_total",
          Map.of("model", "persons", "format", "csv", "compression", "none"))).isEqualTo(1);

      assertThat(value(samples, "fdbe_runs_completed_total", Map.of())).as("the engine's")
          .isGreaterThanOrEqualTo(2);
      assertThat(value(samples, "fdbe_runs_claimed_total", Map.of("takeover", "false")))
          .isGreaterThanOrEqualTo(2);
      assertThat(samples).anyMatch(s -> s.name().equals("fdbe_runs_active"));

      Set<String> ids = Set.of(events, persons, unknownRun, STRANGER_TEAM, server.key);
      for (Sample sample : samples) {
        assertThat(LABEL_KEYS).as("the label keys of %s", sample).containsAll(sample.labels().keySet());
        for (String label : sample.labels().values()) {
          assertThat(ids).as("ids in %s", sample).noneMatch(label::contains);
          assertThat(label).as("team 1 in %s", sample).isNotEqualTo("1");
        }
        String route = sample.labels().get("route");
        if (route != null) {
          assertThat(route).as("a template, never a raw path").matches("unmatched|/[a-z_/{}-]*");
        }
      }
    }
  }
}
