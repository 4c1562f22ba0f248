package dev.fdbe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAPI 3.1 description of the HTTP API, served at {@code GET /api/schema/}: the hand-written
 * {@value #RESOURCE} as it is (YAML, {@value #YAML}), or converted to JSON ({@value #JSON}) when the
 * request asks for it with {@code ?format=json} or its {@code Accept} header. The document is read
 * and converted once, when the server starts; a document that is missing or not YAML stops the
 * start.
 */
final class ApiSchema {
  /** Where the description is served, without the trailing slash (routes work with and without it). */
  static final String PATH = "/api/schema";
  /** The document, beside this class. */
  static final String RESOURCE = "openapi.yaml";
  /** The media type of an OpenAPI document in YAML. */
  static final String YAML = "application/vnd.oai.openapi";
  /** The media type of an OpenAPI document in JSON. */
  static final String JSON = "application/vnd.oai.openapi+json";

  private static final List<String> JSON_TYPES = List.of(JSON, "application/json");
  private static final List<String> YAML_TYPES = List.of(YAML, "application/yaml", "application/x-yaml", "text/yaml");

  /** One representation of the document: its media type (with parameters) and bytes. */
  record Representation(String contentType, byte[] body) {}

  private final Representation yaml;
  private final Representation json;

  private ApiSchema(byte[] yaml, byte[] json) {
    this.yaml = new Representation(YAML + "; charset=utf-8", yaml);
    this.json = new Representation(JSON, json);
  }

  /**
   * Reads the document and converts it to JSON.
   *
   * @throws UncheckedIOException when the document is missing or is not YAML
   */
  static ApiSchema load() {
    try (InputStream in = ApiSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the resource " + RESOURCE + " is missing beside " + ApiSchema.class.getName());
      }
      byte[] yaml = in.readAllBytes();
      JsonNode document = new YAMLMapper().readTree(yaml);
      if (document == null || !document.isObject() || !document.path("openapi").isTextual()) {
        throw new IOException("the resource " + RESOURCE + " is not an OpenAPI document");
      }
      return new ApiSchema(yaml, JsonBodies.MAPPER.writeValueAsBytes(document));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OpenAPI description: " + e.getMessage(), e);
    }
  }

  /**
   * The representation a request asks for: {@code format} when given, else JSON when the
   * {@code Accept} header names a JSON type (with a q above 0) and no YAML type with a higher q,
   * else YAML.
   *
   * @param format the {@code format} query parameter, or null when absent
   * @param accept the values of the request's {@code Accept} headers
   * @throws ApiError 400 naming {@code format} when it is neither {@code json} nor {@code yaml}
   */
  Representation choose(@Nullable String format, List<String> accept) {
    if (format != null) {
      return switch (format) {
        case "json" -> json;
        case "yaml" -> yaml;
        default -> throw ApiError.invalid("format", "'format' must be json or yaml, got '"
            + WireParser.shown(format) + "'");
      };
    }
    return prefersJson(accept) ? json : yaml;
  }

  /** Whether {@code Accept} values name a JSON type with a q above 0 and no YAML type with a higher q. */
  static boolean prefersJson(List<String> accept) {
    double jsonQuality = 0;
    double yamlQuality = 0;
    for (String header : accept) {
      for (String range : header.split(",")) {
        String[] parts = range.split(";", -1); // at least one part, even of ";"
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        double quality = quality(parts);
        if (JSON_TYPES.contains(type)) {
          jsonQuality = Math.max(jsonQuality, quality);
        } else if (YAML_TYPES.contains(type)) {
          yamlQuality = Math.max(yamlQuality, quality);
        }
      }
    }
    return jsonQuality > 0 && jsonQuality >= yamlQuality;
  }

  /** The {@code q} parameter of a media range split at {@code ;}: 1 when absent, 0 when malformed. */
  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].strip();
      if (parameter.length() > 2 && parameter.substring(0, 2).equalsIgnoreCase("q=")) {
        try {
          double quality = Double.parseDouble(parameter.substring(2).strip());
          return quality >= 0 && quality <= 1 ? quality : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
