package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The route templates that tag request metrics: every path of the API by its template, never itself. */
class HttpMetricsTest {
  private static final String RUN = "0191f1e2-3c4d-7e5f-8a9b-0c1d2e3f4a5b";

  @Test
  void everyPathIsNamedByItsRouteTemplate() {
    Map<String, String> routes = Map.ofEntries(
        Map.entry("/api/projects/1/file_download_batch_exports", "/api/projects/{team}/file_download_batch_exports"),
        Map.entry("/api/environments/42/file_download_batch_exports/",
            "/api/environments/{team}/file_download_batch_exports"),
        Map.entry("/api/projects/1/file_download_batch_exports/" + RUN + "/",
            "/api/projects/{team}/file_download_batch_exports/{run}"),
        Map.entry("/api/projects/1/file_download_batch_exports/" + RUN + "/cancel",
            "/api/projects/{team}/file_download_batch_exports/{run}/cancel"),
        Map.entry("/api/projects/1/file_download_batch_exports/" + RUN + "/download/3/",
            "/api/projects/{team}/file_download_batch_exports/{run}/download/{part}"),
        Map.entry("/api/projects/1/file_download_batch_exports/" + RUN + "/logs",
            "/api/projects/{team}/file_download_batch_exports/{run}/logs"),
        Map.entry("/api/projects/1/file_download_batch_exports/" + RUN + "/manifest/",
            "/api/projects/{team}/file_download_batch_exports/{run}/manifest"),
        Map.entry("/api/projects/not-a-team/file_download_batch_exports/x/logs/y",
            "/api/projects/{team}/file_download_batch_exports/{run}/logs/{part}"),
        Map.entry("/fdbe/local-downloads/1/" + RUN + "/part.csv", "/fdbe/local-downloads/{key}"),
        Map.entry("/_admin/keys/create", "/_admin/keys/{command}"),
        Map.entry("/_health", "/_health"),
        Map.entry("/_ready", "/_ready"),
        Map.entry("/metrics", "/metrics"),
        Map.entry("/api/schema/", "/api/schema"),
        Map.entry("/api/schema", "/api/schema"),
        Map.entry("/", "unmatched"),
        Map.entry("/api/projects/1/" + RUN, "unmatched"),
        Map.entry("/wp-login.php", "unmatched"));

    routes.forEach((path, template) -> assertThat(HttpMetrics.route(path)).as(path).isEqualTo(template));
  }

  @Test
  void theOutcomeIsTheStatusClass() {
    assertThat(HttpMetrics.outcome(101)).isEqualTo("informational");
    assertThat(HttpMetrics.outcome(202)).isEqualTo("success");
    assertThat(HttpMetrics.outcome(302)).isEqualTo("redirection");
    assertThat(HttpMetrics.outcome(429)).isEqualTo("client_error");
    assertThat(HttpMetrics.outcome(503)).isEqualTo("server_error");
    assertThat(HttpMetrics.outcome(0)).isEqualTo("unknown");
  }
}
