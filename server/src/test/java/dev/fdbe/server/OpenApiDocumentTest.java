package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.swagger.v3.oas.models.SpecVersion;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI description itself: valid OpenAPI 3.1 for swagger-parser, the two URL families alike,
 * its examples valid against its schemas, served as written and as the same JSON; and the checker
 * that OpenApiIT uses catches what departs from it, so that its check can fail.
 */
class OpenApiDocumentTest {
  private static final String RUN = "/api/projects/1/file_download_batch_exports/0b4b7a8e-5c1f-4e8a-9a57-3f1e2d6c9b10/";
  private static final OpenApiContract CONTRACT = OpenApiContract.of(OpenApiContract.resourceText());

  private static OpenApiContract.Exchange exchange(String method, String target, Map<String, List<String>> headers,
      @Nullable String body, int status, Map<String, List<String>> responseHeaders, String responseBody) {
    return new OpenApiContract.Exchange(method, URI.create("http://127.0.0.1:8000" + target), headers,
        body == null ? null : OpenApiContract.utf8(body), status, responseHeaders, OpenApiContract.utf8(responseBody));
  }

  private static final Map<String, List<String>> KEY = Map.of("Authorization", List.of("Bearer fdbe_some_key"));
  private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));

  private static OpenApiContract.Verdict run(String body) {
    return CONTRACT.check(exchange("GET", RUN, KEY, null, 200, JSON, body));
  }

  private static ObjectNode completedRun() {
    ObjectNode run = JsonBodies.MAPPER.createObjectNode()
        .put("id", "0b4b7a8e-5c1f-4e8a-9a57-3f1e2d6c9b10")
        .put("status", "Completed");
    run.putArray("files").add("5e0f8d52-7a86-4d4b-8f0e-2c1b3a4d5e6f");
    return run.put("records_completed", 10).put("records_total", 10).put("bytes_exported", 200)
        .put("parts_completed", 1)
        .put("created_at", "2026-11-21T09:00:00.123456Z").put("started_at", "2026-11-21T09:00:01Z")
        .put("finished_at", "2026-11-21T09:00:02Z");
  }

  @Test
  void isValidOpenApi31ForSwaggerParser() {
    assertThat(CONTRACT.parserMessages()).isEmpty();
    assertThat(CONTRACT.specVersion()).isEqualTo(SpecVersion.V31);
    assertThat(CONTRACT.document().path("openapi").asText()).startsWith("3.1.");
  }

  @Test
  void swaggerParserSeesTheOperationsTheCheckerEnumerates() {
    Set<String> enumerated = CONTRACT.documented().stream().map(key -> key.method() + " " + key.path())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(CONTRACT.parsedOperations()).isEqualTo(enumerated);
  }

  @Test
  void theTwoUrlFamiliesAreAlike() {
    JsonNode paths = CONTRACT.document().path("paths");
    Set<String> projects = new TreeSet<>();
    Set<String> environments = new TreeSet<>();
    for (Iterator<String> names = paths.fieldNames(); names.hasNext(); ) {
      String path = names.next();
      if (path.startsWith("/api/projects/{project_id}/")) {
        projects.add(path.substring("/api/projects/{project_id}/".length()));
      } else if (path.startsWith("/api/environments/{environment_id}/")) {
        environments.add(path.substring("/api/environments/{environment_id}/".length()));
      }
    }
    assertThat(projects).isNotEmpty().isEqualTo(environments);
    for (String rest : projects) {
      JsonNode project = paths.get("/api/projects/{project_id}/" + rest);
      JsonNode environment = paths.get("/api/environments/{environment_id}/" + rest);
      // Alike but for the team parameter and the operation ids, which must differ.
      String projectText = project.toString().replace("#/components/parameters/ProjectId", "TEAM")
          .replaceAll("\"operationId\":\"", "\"operationId\":\"environments_");
      String environmentText = environment.toString().replace("#/components/parameters/EnvironmentId", "TEAM");
      assertThat(environmentText).as(rest).isEqualTo(projectText);
    }
  }

  @Test
  void operationIdsAreUnique() {
    List<String> ids = new ArrayList<>();
    CONTRACT.document().path("paths").forEach(item -> item.forEach(operation -> {
      if (operation.has("operationId")) {
        ids.add(operation.get("operationId").asText());
      }
    }));
    assertThat(ids).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(CONTRACT.parsedOperations().size());
  }

  @Test
  void everyExampleIsValidAgainstItsSchema() {
    List<String> problems = new ArrayList<>();
    int[] examples = {0};
    walk(CONTRACT.document(), "", (node, pointer) -> {
      if (node.has("schema") && node.has("examples") && node.get("examples").isObject()) {
        node.get("examples").fields().forEachRemaining(example -> {
          examples[0]++;
          CONTRACT.validate(schemaPointer(node, pointer), example.getValue().path("value"))
              .forEach(error -> problems.add(pointer + " example " + example.getKey() + ": " + error));
        });
      }
      if (pointer.startsWith("/components/schemas/") && node.has("examples") && node.get("examples").isArray()) {
        for (JsonNode example : node.get("examples")) {
          examples[0]++;
          CONTRACT.validate(pointer, example).forEach(error -> problems.add(pointer + " " + example + ": " + error));
        }
      }
    });
    assertThat(examples[0]).isGreaterThan(5);
    assertThat(problems).isEmpty();
  }

  private static String schemaPointer(JsonNode mediaType, String pointer) {
    JsonNode schema = mediaType.get("schema");
    return schema.has("$ref") ? schema.get("$ref").asText().substring(1) : pointer + "/schema";
  }

  private interface Visitor {
    void visit(JsonNode node, String pointer);
  }

  private static void walk(JsonNode node, String pointer, Visitor visitor) {
    visitor.visit(node, pointer);
    if (node.isObject()) {
      node.fields().forEachRemaining(field ->
          walk(field.getValue(), pointer + "/" + OpenApiContract.escape(field.getKey()), visitor));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), pointer + "/" + i, visitor);
      }
    }
  }

  @Test
  void theServerServesTheDocumentAsWrittenAndAsTheSameJson() throws IOException {
    ApiSchema schema = ApiSchema.load();
    ApiSchema.Representation yaml = schema.choose(null, List.of());
    assertThat(yaml.contentType()).isEqualTo("application/vnd.oai.openapi; charset=utf-8");
    assertThat(new String(yaml.body(), StandardCharsets.UTF_8)).isEqualTo(OpenApiContract.resourceText());
    ApiSchema.Representation json = schema.choose("json", List.of());
    assertThat(json.contentType()).isEqualTo("application/vnd.oai.openapi+json");
    assertThat(JsonBodies.MAPPER.readTree(json.body())).isEqualTo(new YAMLMapper().readTree(yaml.body()));
    assertThat(schema.choose("yaml", List.of("application/json"))).isSameAs(yaml);
  }

  @Test
  void acceptChoosesJsonOnlyWhenItPrefersIt() {
    assertThat(ApiSchema.prefersJson(List.of())).isFalse();
    assertThat(ApiSchema.prefersJson(List.of(";"))).isFalse(); // empty media ranges are skipped, not a 500
    assertThat(ApiSchema.prefersJson(List.of(";;", "application/json,;"))).isTrue();
    assertThat(ApiSchema.prefersJson(List.of("*/*"))).isFalse();
    assertThat(ApiSchema.prefersJson(List.of("application/json"))).isTrue();
    assertThat(ApiSchema.prefersJson(List.of("Application/JSON; charset=utf-8"))).isTrue();
    assertThat(ApiSchema.prefersJson(List.of("application/vnd.oai.openapi+json"))).isTrue();
    assertThat(ApiSchema.prefersJson(List.of("application/json, */*;q=0.5"))).isTrue();
    assertThat(ApiSchema.prefersJson(List.of("text/html", "application/json;q=0.9"))).isTrue();
    assertThat(ApiSchema.prefersJson(List.of("application/json;q=0"))).isFalse();
    assertThat(ApiSchema.prefersJson(List.of("application/json;q=0.5, application/yaml"))).isFalse();
    assertThat(ApiSchema.prefersJson(List.of("application/vnd.oai.openapi;q=0.9, application/json"))).isTrue();
    assertThat(ApiSchema.prefersJson(List.of("application/json;q=nonsense"))).isFalse();
  }

  // ---------------------------------------------------------------- the checker can fail

  @Test
  void aRightRunPasses() {
    OpenApiContract.Verdict verdict = run(completedRun().toString());
    assertThat(verdict.requestProblems()).isEmpty();
    assertThat(verdict.responseProblems()).isEmpty();
    assertThat(verdict.key()).hasToString("GET /api/projects/{project_id}/file_download_batch_exports/{id}/ 200");
  }

  @Test
  void aRunWithoutItsStatusFails() {
    ObjectNode run = completedRun();
    run.remove("status");
    assertThat(run(run.toString()).responseProblems()).isNotEmpty().anyMatch(problem -> problem.contains("status"));
  }

  @Test
  void aCompletedRunWithoutItsFilesFailsAndARunningOneWithFilesToo() {
    ObjectNode completed = completedRun();
    completed.remove("files");
    assertThat(run(completed.toString()).responseProblems()).isNotEmpty();
    ObjectNode running = completedRun().put("status", "Running");
    assertThat(run(running.toString()).responseProblems()).isNotEmpty();
    running.remove("files");
    assertThat(run(running.toString()).responseProblems()).isEmpty();
  }

  @Test
  void aFailedRunWithoutItsErrorFails() {
    ObjectNode failed = completedRun().put("status", "FailedRetryable");
    failed.remove("files");
    assertThat(run(failed.toString()).responseProblems()).isNotEmpty();
    assertThat(run(failed.put("error", "it broke").toString()).responseProblems()).isEmpty();
  }

  @Test
  void undescribedFieldsWrongTypesAndWrongFormatsFail() {
    assertThat(run(completedRun().put("surprise", 1).toString()).responseProblems()).isNotEmpty();
    assertThat(run(completedRun().put("records_completed", "10").toString()).responseProblems()).isNotEmpty();
    assertThat(run(completedRun().put("records_completed", -1).toString()).responseProblems()).isNotEmpty();
    assertThat(run(completedRun().put("records_total", "10").toString()).responseProblems()).isNotEmpty();
    assertThat(run(completedRun().put("records_total", -1).toString()).responseProblems()).isNotEmpty();
    ObjectNode withoutTotal = completedRun();
    withoutTotal.remove("records_total");
    assertThat(run(withoutTotal.toString()).responseProblems()).as("records_total is always there").isNotEmpty();
    assertThat(run(completedRun().putNull("records_total").toString()).responseProblems())
        .as("null while unknown").isEmpty();
    assertThat(run(completedRun().put("created_at", "yesterday").toString()).responseProblems()).isNotEmpty();
    assertThat(run(completedRun().put("status", "completed").toString()).responseProblems()).isNotEmpty();
    assertThat(run("not json").responseProblems()).isNotEmpty();
  }

  @Test
  void errorBodiesMustHaveTheEnvelope() {
    String notFound = "{\"type\": \"invalid_request\", \"code\": \"not_found\", \"detail\": \"No run\", \"attr\": null}";
    assertThat(CONTRACT.check(exchange("GET", RUN, KEY, null, 404, JSON, notFound)).responseProblems()).isEmpty();
    String withoutDetail = "{\"type\": \"invalid_request\", \"code\": \"not_found\", \"attr\": null}";
    assertThat(CONTRACT.check(exchange("GET", RUN, KEY, null, 404, JSON, withoutDetail)).responseProblems())
        .isNotEmpty();
    String wrongType = notFound.replace("invalid_request", "validation_error");
    assertThat(CONTRACT.check(exchange("GET", RUN, KEY, null, 404, JSON, wrongType)).responseProblems()).isNotEmpty();
    assertThat(CONTRACT.check(exchange("GET", RUN, KEY, null, 404, Map.of("Content-Type", List.of("text/plain")),
        notFound)).responseProblems()).isNotEmpty();
  }

  @Test
  void documentedHeadersAndStatusesAreRequired() {
    String unauthenticated = "{\"type\": \"authentication_error\", \"code\": \"not_authenticated\", \"detail\": \"No\","
        + " \"attr\": null}";
    assertThat(CONTRACT.check(exchange("GET", RUN, Map.of(), null, 401, JSON, unauthenticated)).responseProblems())
        .anyMatch(problem -> problem.contains("WWW-Authenticate"));
    assertThat(CONTRACT.check(exchange("GET", RUN, Map.of(), null, 401,
        Map.of("Content-Type", List.of("application/json"), "WWW-Authenticate", List.of("Bearer")), unauthenticated))
        .responseProblems()).isEmpty();
    assertThat(CONTRACT.check(exchange("GET", RUN, KEY, null, 418, JSON, "{}")).key()).isNull();
    assertThat(CONTRACT.check(exchange("GET", RUN + "download/", KEY, null, 302, Map.of(), "")).responseProblems())
        .anyMatch(problem -> problem.contains("Location"));
    assertThat(CONTRACT.check(exchange("DELETE", RUN, KEY, null, 200, JSON, "{}")).key()).isNull();
  }

  @Test
  void requestsAreCheckedToo() {
    String list = "/api/environments/1/file_download_batch_exports/";
    assertThat(CONTRACT.check(exchange("GET", list + "?limit=10&offset=0", KEY, null, 200, JSON, "{}"))
        .requestProblems()).isEmpty();
    assertThat(CONTRACT.check(exchange("GET", list + "?limit=01", KEY, null, 400, JSON, "{}")).requestProblems())
        .isNotEmpty();
    assertThat(CONTRACT.check(exchange("GET", list + "?limit=1&limit=2", KEY, null, 400, JSON, "{}"))
        .requestProblems()).isNotEmpty();
    assertThat(CONTRACT.check(exchange("GET", list, Map.of(), null, 401, JSON, "{}")).requestProblems())
        .isNotEmpty();
    assertThat(CONTRACT.check(exchange("GET", "/api/environments/0/file_download_batch_exports/", KEY, null, 404,
        JSON, "{}")).requestProblems()).isNotEmpty();
    String create = "{\"model\": \"events\", \"data_interval_start\": \"2026-11-20\", \"data_interval_end\": "
        + "\"2026-11-21T00:00:00Z\"}";
    Map<String, List<String>> post = Map.of("Authorization", List.of("Bearer k"), "Content-Type",
        List.of("application/json"));
    assertThat(CONTRACT.check(exchange("POST", list, post, create, 202, JSON, "{}")).requestProblems()).isEmpty();
    assertThat(CONTRACT.check(exchange("POST", list, post, create.replace("}", ", \"extra\": 1}"), 400, JSON, "{}"))
        .requestProblems()).isNotEmpty();
    assertThat(CONTRACT.check(exchange("POST", list, post, create.replace("events", "persons").replace("}",
        ", \"include\": [\"$pageview\"]}"), 400, JSON, "{}")).requestProblems()).isNotEmpty();
    assertThat(CONTRACT.check(exchange("POST", list, post, create.replace("2026-11-20", "20 Nov 2026"), 400, JSON,
        "{}")).requestProblems()).isNotEmpty();
    String logs = RUN + "logs/";
    assertThat(CONTRACT.check(exchange("GET", logs + "?level=info,ERROR&level=Warning&limit=500", KEY, null, 200, JSON,
        "{}")).requestProblems()).isEmpty();
    assertThat(CONTRACT.check(exchange("GET", logs + "?level=verbose", KEY, null, 400, JSON, "{}"))
        .requestProblems()).isNotEmpty();
    assertThat(CONTRACT.check(exchange("GET", logs + "?limit=501", KEY, null, 400, JSON, "{}")).requestProblems())
        .isNotEmpty();
    assertThat(CONTRACT.check(exchange("GET", RUN + "download/3/", KEY, null, 302, Map.of(), "")).requestProblems())
        .isEmpty();
    assertThat(CONTRACT.check(exchange("GET", RUN + "download/abc/", KEY, null, 400, JSON, "{}")).requestProblems())
        .isNotEmpty();
  }

  @Test
  void aLinkKeyTakesTheRestOfThePath() {
    OpenApiContract.Verdict verdict = CONTRACT.check(exchange("GET",
        "/fdbe/local-downloads/1/run/attempt/a.csv?filename=a.csv&expires=1&signature=" + "A".repeat(43), Map.of(),
        null, 404, JSON, "{\"type\": \"invalid_request\", \"code\": \"not_found\", \"detail\": \"gone\", \"attr\": null}"));
    assertThat(verdict.key()).hasToString("GET /fdbe/local-downloads/{key} 404");
    assertThat(verdict.requestProblems()).isEmpty();
    assertThat(verdict.responseProblems()).isEmpty();
    assertThat(CONTRACT.check(exchange("GET", RUN + "download/0/extra/", KEY, null, 404, JSON, "{}")).key()).isNull();
  }
}
