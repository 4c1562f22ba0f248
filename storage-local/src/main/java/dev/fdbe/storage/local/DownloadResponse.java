package dev.fdbe.storage.local;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one download request, made by {@link LocalDownloadHandler#handle}: what any HTTP
 * server sends back. Send {@link #status()} with every header of {@link #headers()}, then copy
 * {@link #body()} to the response, and close this response when done, also when nothing was sent:
 * it may hold the file open.
 *
 * <p>For {@code HEAD} the headers are those the same {@code GET} would get, {@code Content-Length}
 * included, and the body is empty. A {@code 304} has no body and no {@code Content-Length}.
 *
 * @param status the HTTP status: {@code 200}, {@code 206}, {@code 304}, {@code 403}, {@code 404},
 *     {@code 405} or {@code 416}
 * @param headers the response headers under their usual names ({@code Content-Type}, {@code ETag},
 *     ...), in the order to send them; each has one value, all ASCII. Unmodifiable
 * @param problem why the request was refused, when {@code status} is 400 or more (its JSON is then
 *     the body); null otherwise
 * @param bodyLength the number of bytes {@code body} yields: the file or its range for {@code GET},
 *     the JSON error for a refused {@code GET}, 0 for {@code HEAD} and {@code 304}. Some servers
 *     want it up front: for the JDK's {@code HttpExchange.sendResponseHeaders} pass {@code -1} when
 *     it is 0, else it
 * @param body the bytes to send, already positioned at the range's start and limited to
 *     {@code bodyLength}; the caller closes it (closing the response does)
 */
public record DownloadResponse(int status, Map<String, String> headers, @Nullable Problem problem, long bodyLength,
    InputStream body) implements Closeable {
  /**
   * Checks and copies the components.
   *
   * @throws IllegalArgumentException when the status is not an HTTP status (100 to 599), a problem
   *     is given for a status below 400 or missing for one of 400 or more, or {@code bodyLength} is
   *     negative
   */
  public DownloadResponse {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP status, 100 to 599, got " + status);
    }
    if ((problem != null) != (status >= 400)) {
      throw new IllegalArgumentException("a problem goes with a status of 400 or more and only with one; got status "
          + status + " and problem " + problem);
    }
    if (bodyLength < 0) {
      throw new IllegalArgumentException("bodyLength must not be negative, got " + bodyLength);
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** Closes the body, and with it the file it reads, if any. Idempotent. */
  @Override
  public void close() throws IOException {
    body.close();
  }

  /**
   * Why a download was refused, in the error envelope of fdbe's HTTP API: the body of the answer is
   * the JSON object {@code {"type": <type>, "code": <code>, "detail": <detail>, "attr": null}}.
   *
   * <table>
   *   <caption>The refusals</caption>
   *   <tr><th>status</th><th>type</th><th>code</th><th>when</th></tr>
   *   <tr><td>403</td><td>{@code authentication_error}</td><td>{@code invalid_link}</td>
   *     <td>the link is malformed, was changed, or another store signed it</td></tr>
   *   <tr><td>403</td><td>{@code authentication_error}</td><td>{@code link_expired}</td>
   *     <td>the link's expiry has passed</td></tr>
   *   <tr><td>404</td><td>{@code invalid_request}</td><td>{@code not_found}</td>
   *     <td>the link is valid but its file no longer exists</td></tr>
   *   <tr><td>405</td><td>{@code invalid_request}</td><td>{@code method_not_allowed}</td>
   *     <td>the method is neither {@code GET} nor {@code HEAD}</td></tr>
   *   <tr><td>416</td><td>{@code invalid_request}</td><td>{@code range_not_satisfiable}</td>
   *     <td>the one range asked for starts beyond the end of the file</td></tr>
   * </table>
   *
   * @param type the kind of error, as in the table
   * @param code the error, as in the table
   * @param detail what was wrong, in words a user can act on; it names the link's key, never a
   *     file system path
   */
  public record Problem(String type, String code, String detail) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException naming the component that is null
     */
    public Problem {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(detail, "detail");
    }

    /** The JSON body of the answer, ASCII only: every other character is a {@code \}{@code uXXXX} escape. */
    String json() {
      return "{\"type\": " + quote(type) + ", \"code\": " + quote(code) + ", \"detail\": " + quote(detail)
          + ", \"attr\": null}";
    }

    private static String quote(String text) {
      StringBuilder json = new StringBuilder(text.length() + 2).append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"' || c == '\\') {
          json.append('\\').append(c);
        } else if (c < 0x20 || c > 0x7e) {
          json.append(String.format("\\u%04x", (int) c));
        } else {
          json.append(c);
        }
      }
      return json.append('"').toString();
    }
  }
}
