package dev.fdbe.storage.gcs;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of {@link GcsStub}: requests as it reads them, answers as it writes them, and the
 * JSON and multipart text of the JSON API.
 */
final class StubWire {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");

  private StubWire() {}

  /** A request as received: its path and query still percent-encoded and decoded respectively. */
  record Request(String method, String rawPath, Map<String, String> query, Headers headers, byte[] body) {
    static Request read(HttpExchange exchange) throws IOException {
      return new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          StubWire.query(exchange.getRequestURI().getRawQuery()), exchange.getRequestHeaders(),
          exchange.getRequestBody().readAllBytes());
    }

    /** The first value of the header, or null. */
    String header(String name) {
      return headers.getFirst(name);
    }

    /** The query parameter, or null. */
    String parameter(String name) {
      return query.get(name);
    }
  }

  /** What to send back; {@code cutAfter} ends the body early, as a dropped connection would. */
  static final class Answer {
    final int status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();
    int cutAfter = -1;

    Answer(int status, String contentType, byte[] body) {
      this.status = status;
      this.contentType = contentType;
      this.body = body;
    }

    Answer header(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }

  /** An answer without a body. */
  static Answer empty(int status) {
    return new Answer(status, null, new byte[0]);
  }

  static Answer json(int status, Map<String, ?> value) {
    return new Answer(status, "application/json; charset=UTF-8",
        toJson(value, new StringBuilder()).toString().getBytes(StandardCharsets.UTF_8));
  }

  /** An error as the JSON API words it. */
  static Answer error(int status, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", status);
    error.put("message", message);
    error.put("errors", List.of(Map.of("domain", "global", "reason", reason(status), "message", message)));
    return json(status, Map.of("error", error));
  }

  private static String reason(int status) {
    return switch (status) {
      case 401 -> "required";
      case 403 -> "forbidden";
      case 404 -> "notFound";
      case 412 -> "conditionNotMet";
      case 429 -> "rateLimitExceeded";
      case 503 -> "backendError";
      default -> status >= 500 ? "internalError" : "invalid";
    };
  }

  static void reply(HttpExchange exchange, Answer answer) throws IOException {
    answer.headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    if (answer.contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", answer.contentType);
    }
    exchange.sendResponseHeaders(answer.status, answer.body.length == 0 ? -1 : answer.body.length);
    if (answer.body.length == 0) {
      return;
    }
    OutputStream out = exchange.getResponseBody();
    if (answer.cutAfter >= 0) {
      out.write(answer.body, 0, answer.cutAfter);
      out.flush();
      // Closing the exchange short of the announced length drops the connection.
      exchange.close();
      return;
    }
    out.write(answer.body);
    out.close();
  }

  // ------------------------------------------------------------------ batch requests

  /**
   * The request lines ({@code DELETE <url> HTTP/1.1}) of a {@code multipart/mixed} batch body, in
   * order: each part is its own headers, a blank line, then an HTTP request.
   *
   * @throws IllegalArgumentException when the content type names no boundary
   */
  static List<String> batchRequestLines(String contentType, byte[] body) {
    Matcher boundary = contentType == null ? null : BOUNDARY.matcher(contentType);
    if (boundary == null || !boundary.find()) {
      throw new IllegalArgumentException("a batch request must be multipart/mixed with a boundary, got "
          + contentType);
    }
    List<String> lines = new ArrayList<>();
    String text = new String(body, StandardCharsets.UTF_8).replace("\r\n", "\n");
    for (String part : text.split(Pattern.quote("--" + boundary.group(1)))) {
      String[] sections = part.split("\n\n", 3);
      if (part.isBlank() || part.strip().equals("--") || sections.length < 2) {
        continue;
      }
      lines.add(sections[1].strip().split("\n")[0]);
    }
    return lines;
  }

  /** The {@code multipart/mixed} answer to a batch: one HTTP response per part, in order. */
  static Answer batchAnswer(List<Answer> answers, String boundary) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < answers.size(); i++) {
      Answer answer = answers.get(i);
      out.append("--").append(boundary).append("\r\n")
          .append("Content-Type: application/http\r\n")
          .append("Content-ID: <response-").append(i + 1).append(">\r\n\r\n")
          .append("HTTP/1.1 ").append(answer.status).append(answer.status < 300 ? " OK" : " Error").append("\r\n");
      if (answer.contentType != null) {
        out.append("Content-Type: ").append(answer.contentType).append("\r\n");
      }
      out.append("Content-Length: ").append(answer.body.length).append("\r\n\r\n")
          .append(new String(answer.body, StandardCharsets.UTF_8)).append("\r\n");
    }
    out.append("--").append(boundary).append("--\r\n");
    return new Answer(200, "multipart/mixed; boundary=" + boundary, out.toString().getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------ text

  static Map<String, String> query(String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return parameters;
  }

  /** Percent-decoding of a path, where {@code +} is itself. */
  static String decodePath(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** JSON text of maps, lists, strings, numbers and booleans. */
  private static StringBuilder toJson(Object value, StringBuilder out) {
    if (value instanceof Map<?, ?> map) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        toJson(entry.getKey().toString(), out.append(separator)).append(':');
        toJson(entry.getValue(), out);
        separator = ",";
      }
      return out.append('}');
    }
    if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        toJson(list.get(i), out.append(i == 0 ? "" : ","));
      }
      return out.append(']');
    }
    if (value instanceof Number || value instanceof Boolean) {
      return out.append(value);
    }
    out.append('"');
    for (char c : value.toString().toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"');
  }
}
