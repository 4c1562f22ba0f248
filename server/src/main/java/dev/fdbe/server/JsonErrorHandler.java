package dev.fdbe.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty itself answers (a malformed request line, an unsupported HTTP version, headers too
 * large, an ambiguous path) get the API's JSON envelope too, and never a stack trace. What Jetty
 * refuses while parsing a request is the client's error, whatever its status (505 for an HTTP
 * version it does not speak): {@code invalid_request}, never {@code server_error}.
 */
final class JsonErrorHandler extends ErrorHandler {
  /**
   * Every method gets the envelope: Jetty's default writes a body only for GET, POST and HEAD, so
   * a PUT, DELETE, PATCH or OPTIONS it refused (an ambiguous path, a bad Content-Length) got an
   * empty 400.
   */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    HttpApi.write(response, callback, code, JsonBodies.error(code >= 500 && !(cause instanceof HttpException)
        ? new ApiError(code, "server_error", "error", "A server error occurred.", null)
        : envelope(code, message)));
  }

  /** A request Jetty could not parse: always the client's error. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    try {
      return ByteBuffer.wrap(JsonBodies.MAPPER.writeValueAsString(JsonBodies.error(envelope(status, reason)))
          .getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      return ByteBuffer.wrap("{\"type\":\"invalid_request\"}".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The envelope of a protocol error the client caused. */
  private static ApiError envelope(int code, String message) {
    String detail = message == null || message.isBlank() ? "HTTP error " + code : message;
    return switch (code) {
      case 505 -> new ApiError(505, "invalid_request", "http_version_not_supported",
          "Bad request: this server speaks HTTP/1.0 and HTTP/1.1 (" + detail + ")", null);
      case 404 -> ApiError.notFound(detail);
      case 405 -> new ApiError(405, "invalid_request", "method_not_allowed", detail, null);
      case 413 -> ApiError.invalid(null, "the request is too large: " + detail);
      case 431 -> new ApiError(431, "invalid_request", "headers_too_large", "the request headers are too large", null);
      default -> new ApiError(code, code == 401 || code == 403 ? "authentication_error" : "invalid_request",
          "invalid_request", "Bad request: " + detail, null);
    };
  }
}
