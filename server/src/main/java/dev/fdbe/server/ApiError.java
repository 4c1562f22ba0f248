package dev.fdbe.server;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP error with the API's envelope {@code {"type", "code", "detail", "attr"}}, thrown by the
 * HTTP layer for problems it finds itself (authentication, parsing); domain exceptions are mapped
 * by {@link ErrorMapping}.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String code;
  private final @Nullable String attr;
  private final long retryAfterSeconds;
  private final @Nullable String allow;

  ApiError(int status, String type, String code, String detail, @Nullable String attr) {
    this(status, type, code, detail, attr, 0, null);
  }

  private ApiError(int status, String type, String code, String detail, @Nullable String attr,
      long retryAfterSeconds, @Nullable String allow) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.attr = attr;
    this.retryAfterSeconds = retryAfterSeconds;
    this.allow = allow;
  }

  /** A 429 that tells the client when to come back ({@code Retry-After}). */
  static ApiError throttled(String code, String detail, long retryAfterSeconds) {
    return new ApiError(429, "throttled_error", code, detail, null, retryAfterSeconds, null);
  }

  /** A 405 for a method the resource does not take, naming those it does (its {@code Allow} header). */
  static ApiError notAllowed(String method, String allowed) {
    return new ApiError(405, "invalid_request", "method_not_allowed",
        "Method \"" + WireParser.shown(method) + "\" not allowed here; use " + allowed + ".", null, 0, allowed);
  }

  /** A 400 about a request field or parameter. */
  static ApiError invalid(@Nullable String attr, String detail) {
    return new ApiError(400, "validation_error", "invalid_input", detail, attr);
  }

  /** A 404. */
  static ApiError notFound(String detail) {
    return new ApiError(404, "invalid_request", "not_found", detail, null);
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  String code() {
    return code;
  }

  @Nullable String attr() {
    return attr;
  }

  /** Seconds for a {@code Retry-After} header, or 0 for none. */
  long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The methods for an {@code Allow} header (a 405's), or null for none. */
  @Nullable String allow() {
    return allow;
  }
}
