package dev.fdbe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.OpenApi31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The server's OpenAPI description as a checker of HTTP exchanges. The document is read by
 * swagger-parser, which must find nothing wrong with it as OpenAPI 3.1; requests and responses are
 * matched to the document's operations here (path templates, methods, statuses, parameters,
 * security, media types, headers) and their bodies, parameters and headers validated against the
 * document's own schemas by networknt's JSON Schema validator with the OpenAPI 3.1 dialect, format
 * assertions on.
 */
final class OpenApiContract {
  /** The name under which the document is given to the schema validator; it is never fetched. */
  private static final String DOCUMENT_IRI = "urn:fdbe:openapi";
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");
  private static final Pattern CANONICAL_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
  private static final Pattern BEARER = Pattern.compile("(?i)bearer +[^\\s]+");

  /** An operation's documented answer: a path template of the document, a method and a status. */
  record Key(String path, String method, String status) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      return toString().compareTo(other.toString());
    }

    @Override
    public String toString() {
      return method + " " + path + " " + status;
    }
  }

  /** One HTTP exchange as the client saw it; header names in any case. */
  record Exchange(String method, URI target, Map<String, List<String>> requestHeaders, byte @Nullable [] requestBody,
      int status, Map<String, List<String>> responseHeaders, byte[] responseBody) {
    @Override
    public String toString() {
      return method + " " + target + " -> " + status + " " + new String(responseBody, StandardCharsets.UTF_8);
    }
  }

  /**
   * What the document says of an exchange.
   *
   * @param key the documented answer the exchange was (null when the path, method or status is not in the document)
   * @param requestProblems how the request departs from the document
   * @param responseProblems how the response departs from the document
   */
  record Verdict(@Nullable Key key, List<String> requestProblems, List<String> responseProblems) {}

  /** A node of the document with its JSON pointer (after following {@code $ref}s). */
  private record Located(JsonNode node, String pointer) {}

  private final JsonNode document;
  private final OpenAPI parsed;
  private final List<String> parserMessages;
  private final SchemaRegistry registry;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  private OpenApiContract(JsonNode document, SwaggerParseResult result) {
    this.document = document;
    this.parsed = result.getOpenAPI();
    this.parserMessages = result.getMessages() == null ? List.of() : List.copyOf(result.getMessages());
    String json;
    try {
      json = JsonBodies.MAPPER.writeValueAsString(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.registry = SchemaRegistry.withDefaultDialect(OpenApi31.getInstance(), builder -> builder
        .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
        .schemas(Map.of(DOCUMENT_IRI, json)));
  }

  /** The document as YAML or JSON text. */
  static OpenApiContract of(String text) {
    JsonNode document;
    try {
      document = YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("the OpenAPI description is not YAML", e);
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(false);
    options.setValidateInternalRefs(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
    if (result.getOpenAPI() == null) {
      throw new IllegalStateException("swagger-parser cannot read the OpenAPI description: " + result.getMessages());
    }
    return new OpenApiContract(document, result);
  }

  /** The document that the server serves, {@code openapi.yaml} beside {@link ApiSchema}. */
  static String resourceText() {
    try (InputStream in = ApiSchema.class.getResourceAsStream(ApiSchema.RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no " + ApiSchema.RESOURCE + " beside " + ApiSchema.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode document() {
    return document;
  }

  /** What swagger-parser found wrong with the document (errors and warnings). */
  List<String> parserMessages() {
    return parserMessages;
  }

  /** The OpenAPI version swagger-parser read the document as. */
  SpecVersion specVersion() {
    return parsed.getSpecVersion();
  }

  /** The operations swagger-parser found, as {@code METHOD path}. */
  Set<String> parsedOperations() {
    Set<String> operations = new TreeSet<>();
    parsed.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
        operations.add(method.name() + " " + path)));
    return operations;
  }

  /** Every documented answer: each path, method and response status of the document. */
  Set<Key> documented() {
    Set<Key> keys = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (String method : METHODS) {
        JsonNode operation = path.getValue().get(method);
        if (operation != null) {
          operation.path("responses").fieldNames().forEachRemaining(status ->
              keys.add(new Key(path.getKey(), method.toUpperCase(Locale.ROOT), status)));
        }
      }
    }
    return keys;
  }

  /** Validation errors of a value against the schema at a JSON pointer of the document (empty when valid). */
  List<String> validate(String pointer, JsonNode value) {
    if (document.at(pointer).isMissingNode()) {
      throw new IllegalArgumentException("the document has no schema at " + pointer);
    }
    Schema schema = schemas.computeIfAbsent(pointer,
        p -> registry.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + p)));
    List<String> problems = new ArrayList<>();
    for (Error error : schema.validate(value)) {
      problems.add(error.toString());
    }
    return problems;
  }

  /** What the document says of the exchange. */
  Verdict check(Exchange exchange) {
    List<String> request = new ArrayList<>();
    List<String> response = new ArrayList<>();
    String method = exchange.method().toLowerCase(Locale.ROOT);
    Match match = match(exchange.target().getRawPath(), request);
    if (match == null) {
      response.add("no path of the document matches " + exchange.target().getRawPath());
      return new Verdict(null, request, response);
    }
    JsonNode item = document.path("paths").path(match.template());
    String itemPointer = "/paths/" + escape(match.template());
    JsonNode operation = item.get(method);
    if (operation == null) {
      response.add("the document has no " + exchange.method() + " " + match.template());
      return new Verdict(null, request, response);
    }
    String operationPointer = itemPointer + "/" + method;
    checkParameters(exchange, match, parameters(item, itemPointer, operation, operationPointer), request);
    checkSecurity(exchange, operation, request);
    checkRequestBody(exchange, operation, operationPointer, request);

    String status = Integer.toString(exchange.status());
    JsonNode answer = operation.path("responses").get(status);
    if (answer == null) {
      response.add("status " + status + " is not documented for " + exchange.method() + " " + match.template());
      return new Verdict(null, request, response);
    }
    Located documentedResponse = resolve(new Located(answer, operationPointer + "/responses/" + status));
    checkResponse(exchange, documentedResponse, response);
    return new Verdict(new Key(match.template(), exchange.method().toUpperCase(Locale.ROOT), status), request,
        response);
  }

  // ---------------------------------------------------------------- paths and parameters

  private record Match(String template, Map<String, String> pathValues) {}

  /** The path template the request path matches, literal segments first, with its parameters' values. */
  private @Nullable Match match(String rawPath, List<String> problems) {
    List<String> segments = new ArrayList<>();
    for (String segment : trim(rawPath).split("/", -1)) {
      try {
        segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        problems.add("malformed percent-escape in the path segment '" + segment + "'");
        return null;
      }
    }
    Match best = null;
    int bestLiterals = -1;
    for (Iterator<String> templates = document.path("paths").fieldNames(); templates.hasNext(); ) {
      String template = templates.next();
      String[] parts = trim(template).split("/", -1);
      Map<String, String> values = new LinkedHashMap<>();
      int literals = 0;
      boolean matches = parts.length == segments.size() || parts.length < segments.size()
          && isParameter(parts[parts.length - 1]);
      for (int i = 0; matches && i < parts.length; i++) {
        if (isParameter(parts[i])) {
          String name = parts[i].substring(1, parts[i].length() - 1);
          values.put(name, i == parts.length - 1 ? String.join("/", segments.subList(i, segments.size())) : segments.get(i));
        } else if (parts[i].equals(segments.get(i))) {
          literals++;
        } else {
          matches = false;
        }
      }
      if (matches && parts.length < segments.size()) {
        // A last parameter takes the rest of the path only where its schema allows what it takes.
        String last = parts[parts.length - 1];
        String name = last.substring(1, last.length() - 1);
        Located parameter = pathParameter(template, name);
        matches = parameter != null
            && validate(schemaPointer(parameter), coerce(values.get(name), schemaOf(parameter))).isEmpty();
      }
      if (matches && literals > bestLiterals) {
        best = new Match(template, values);
        bestLiterals = literals;
      }
    }
    return best;
  }

  private static String trim(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static boolean isParameter(String segment) {
    return segment.startsWith("{") && segment.endsWith("}");
  }

  private @Nullable Located pathParameter(String template, String name) {
    JsonNode item = document.path("paths").path(template);
    String pointer = "/paths/" + escape(template);
    for (Located parameter : parameters(item, pointer, null, null).values()) {
      if (parameter.node().path("in").asText().equals("path") && parameter.node().path("name").asText().equals(name)) {
        return parameter;
      }
    }
    return null;
  }

  /** The parameters of an operation: its path item's, overridden by its own; keyed by {@code in:name}. */
  private Map<String, Located> parameters(JsonNode item, String itemPointer, @Nullable JsonNode operation,
      @Nullable String operationPointer) {
    Map<String, Located> parameters = new LinkedHashMap<>();
    addParameters(parameters, item.path("parameters"), itemPointer + "/parameters");
    if (operation != null) {
      addParameters(parameters, operation.path("parameters"), operationPointer + "/parameters");
    }
    return parameters;
  }

  private void addParameters(Map<String, Located> parameters, JsonNode list, String pointer) {
    for (int i = 0; i < list.size(); i++) {
      Located parameter = resolve(new Located(list.get(i), pointer + "/" + i));
      parameters.put(parameter.node().path("in").asText() + ":" + parameter.node().path("name").asText(), parameter);
    }
  }

  private void checkParameters(Exchange exchange, Match match, Map<String, Located> parameters,
      List<String> problems) {
    Map<String, List<String>> query = query(exchange.target().getRawQuery(), problems);
    for (Located parameter : parameters.values()) {
      String name = parameter.node().path("name").asText();
      String in = parameter.node().path("in").asText();
      JsonNode schema = schemaOf(parameter);
      List<String> values = switch (in) {
        case "path" -> match.pathValues().containsKey(name) ? List.of(match.pathValues().get(name)) : List.of();
        case "query" -> query.getOrDefault(name, List.of());
        case "header" -> header(exchange.requestHeaders(), name);
        default -> throw new IllegalStateException("parameters in " + in + " are not checked here");
      };
      if (values.isEmpty()) {
        if (parameter.node().path("required").asBoolean(false)) {
          problems.add("the " + in + " parameter '" + name + "' is required");
        }
        continue;
      }
      JsonNode value;
      if (schema.path("type").asText().equals("array")) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        JsonNode items = resolve(new Located(schema.path("items"), "")).node();
        values.forEach(text -> array.add(coerce(text, items)));
        value = array;
      } else if (values.size() > 1) {
        problems.add("the " + in + " parameter '" + name + "' is given " + values.size() + " times");
        continue;
      } else {
        value = coerce(values.get(0), schema);
      }
      for (String error : validate(schemaPointer(parameter), value)) {
        problems.add("the " + in + " parameter '" + name + "' = " + value + ": " + error);
      }
    }
  }

  /** The decoded query parameters, in order. */
  private static Map<String, List<String>> query(@Nullable String rawQuery, List<String> problems) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
        String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException e) {
        problems.add("malformed query parameter '" + pair + "'");
      }
    }
    return query;
  }

  private void checkSecurity(Exchange exchange, JsonNode operation, List<String> problems) {
    JsonNode requirements = operation.has("security") ? operation.get("security") : document.path("security");
    if (requirements.isEmpty()) {
      return;
    }
    for (JsonNode requirement : requirements) {
      if (requirement.isEmpty()) {
        return; // an alternative that needs nothing
      }
      for (Iterator<String> names = requirement.fieldNames(); names.hasNext(); ) {
        JsonNode scheme = document.path("components").path("securitySchemes").path(names.next());
        if (!scheme.path("type").asText().equals("http") || !scheme.path("scheme").asText().equals("bearer")) {
          throw new IllegalStateException("only HTTP bearer security is checked here: " + scheme);
        }
      }
    }
    List<String> authorization = header(exchange.requestHeaders(), "Authorization");
    if (authorization.size() != 1 || !BEARER.matcher(authorization.get(0).strip()).matches()) {
      problems.add("the operation needs 'Authorization: Bearer <key>', the request has " + authorization);
    }
  }

  private void checkRequestBody(Exchange exchange, JsonNode operation, String operationPointer,
      List<String> problems) {
    if (!operation.has("requestBody")) {
      return; // a body the operation does not describe is ignored
    }
    Located body = resolve(new Located(operation.get("requestBody"), operationPointer + "/requestBody"));
    byte[] bytes = exchange.requestBody();
    if (bytes == null || bytes.length == 0) {
      if (body.node().path("required").asBoolean(false)) {
        problems.add("the request body is required");
      }
      return;
    }
    String mediaType = mediaType(header(exchange.requestHeaders(), "Content-Type"));
    JsonNode content = body.node().path("content").get(mediaType);
    if (content == null) {
      problems.add("the request's media type '" + mediaType + "' is not one of "
          + fieldNames(body.node().path("content")));
      return;
    }
    checkContent(mediaType, content, body.pointer() + "/content/" + escape(mediaType), bytes, "request", problems);
  }

  // ---------------------------------------------------------------- responses

  private void checkResponse(Exchange exchange, Located answer, List<String> problems) {
    for (Iterator<Map.Entry<String, JsonNode>> headers = answer.node().path("headers").fields(); headers.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = headers.next();
      Located header = resolve(new Located(entry.getValue(), answer.pointer() + "/headers/" + escape(entry.getKey())));
      List<String> values = header(exchange.responseHeaders(), entry.getKey());
      if (values.isEmpty()) {
        if (header.node().path("required").asBoolean(false)) {
          problems.add("the response lacks the header " + entry.getKey());
        }
        continue;
      }
      for (String error : validate(schemaPointer(header), coerce(values.get(0), schemaOf(header)))) {
        problems.add("the response header " + entry.getKey() + ": " + values.get(0) + ": " + error);
      }
    }
    boolean head = exchange.method().equalsIgnoreCase("HEAD");
    JsonNode content = answer.node().get("content");
    if (content == null) {
      if (exchange.responseBody().length > 0) {
        problems.add("the response has a body, and the document describes none");
      }
      return;
    }
    String mediaType = mediaType(header(exchange.responseHeaders(), "Content-Type"));
    JsonNode described = content.get(mediaType);
    if (described == null) {
      problems.add("the response's media type '" + mediaType + "' is not one of " + fieldNames(content));
      return;
    }
    if (!head) {
      checkContent(mediaType, described, answer.pointer() + "/content/" + escape(mediaType), exchange.responseBody(),
          "response", problems);
    }
  }

  /** A body against its media type object: JSON and YAML are parsed and validated, other media types only named. */
  private void checkContent(String mediaType, JsonNode described, String pointer, byte[] bytes, String what,
      List<String> problems) {
    boolean json = mediaType.equals("application/json") || mediaType.endsWith("+json");
    boolean yaml = mediaType.equals(ApiSchema.YAML) || mediaType.endsWith("yaml");
    if (!json && !yaml) {
      return;
    }
    JsonNode value;
    try {
      value = json ? JsonBodies.MAPPER.readTree(bytes) : YAML.readTree(bytes);
    } catch (IOException e) {
      problems.add("the " + what + " body is not " + (json ? "JSON" : "YAML") + ": " + e.getMessage());
      return;
    }
    if (value == null || value.isMissingNode()) {
      problems.add("the " + what + " body is empty");
      return;
    }
    if (described.has("schema")) {
      for (String error : validate(schemaPointer(resolve(new Located(described, pointer))), value)) {
        problems.add("the " + what + " body: " + error);
      }
    }
  }

  // ---------------------------------------------------------------- the document

  /** Follows {@code $ref}s within the document. */
  private Located resolve(Located located) {
    Located current = located;
    for (int hops = 0; current.node().has("$ref"); hops++) {
      String ref = current.node().get("$ref").asText();
      if (!ref.startsWith("#/") || hops > 20) {
        throw new IllegalStateException("only local references are followed here: " + ref);
      }
      String pointer = ref.substring(1);
      JsonNode target = document.at(pointer);
      if (target.isMissingNode()) {
        throw new IllegalStateException("the reference " + ref + " points at nothing");
      }
      current = new Located(target, pointer);
    }
    return current;
  }

  /** The schema of a parameter, header or media type, with its own {@code $ref}s followed. */
  private JsonNode schemaOf(Located holder) {
    return resolve(new Located(holder.node().path("schema"), holder.pointer() + "/schema")).node();
  }

  /** The pointer of the schema of a parameter, header or media type: the target of its {@code $ref}, if it is one. */
  private String schemaPointer(Located holder) {
    return resolve(new Located(holder.node().path("schema"), holder.pointer() + "/schema")).pointer();
  }

  /**
   * A parameter's or header's text as the JSON value its schema expects: a canonical integer where
   * the schema (or one of its {@code anyOf}/{@code oneOf} branches) allows integers, {@code true} or
   * {@code false} where it allows booleans, else the text.
   */
  private JsonNode coerce(String text, JsonNode schema) {
    Set<String> types = types(schema);
    if ((types.contains("integer") || types.contains("number")) && CANONICAL_INTEGER.matcher(text).matches()) {
      return JsonNodeFactory.instance.numberNode(new BigInteger(text));
    }
    if (types.contains("boolean") && (text.equals("true") || text.equals("false"))) {
      return BooleanNode.valueOf(Boolean.parseBoolean(text));
    }
    return TextNode.valueOf(text);
  }

  private Set<String> types(JsonNode schema) {
    Set<String> types = new LinkedHashSet<>();
    JsonNode type = schema.path("type");
    if (type.isTextual()) {
      types.add(type.asText());
    }
    type.forEach(t -> types.add(t.asText()));
    for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
      for (JsonNode branch : schema.path(combinator)) {
        types.addAll(types(resolve(new Located(branch, "")).node()));
      }
    }
    return types;
  }

  private static List<String> header(Map<String, List<String>> headers, String name) {
    List<String> values = new ArrayList<>();
    headers.forEach((key, list) -> {
      if (key.equalsIgnoreCase(name)) {
        values.addAll(list);
      }
    });
    return values;
  }

  /** The media type of a Content-Type header, lower case and without parameters; empty when there is none. */
  private static String mediaType(List<String> contentType) {
    return contentType.isEmpty() ? "" : contentType.get(0).split(";")[0].strip().toLowerCase(Locale.ROOT);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A JSON pointer's escaping of one reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** Bytes of a string, for exchanges built in tests. */
  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

}
