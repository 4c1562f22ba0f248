package dev.fdbe.server;

import dev.fdbe.InvalidRequestException;
import dev.fdbe.NotFoundException;
import dev.fdbe.PermissionDeniedException;
import dev.fdbe.TooManyRunsException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns exceptions into HTTP statuses and the API's error envelope. */
final class ErrorMapping {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  static ApiError toApiError(Throwable failure) {
    if (failure instanceof ApiError error) {
      return error;
    }
    if (failure instanceof InvalidRequestException e) {
      return ApiError.invalid(e.attr(), e.getMessage());
    }
    if (failure instanceof NotFoundException) {
      return ApiError.notFound(failure.getMessage());
    }
    if (failure instanceof PermissionDeniedException e) {
      return new ApiError(403, "authentication_error", "permission_denied", e.getMessage(), null);
    }
    if (failure instanceof TooManyRunsException e) {
      return new ApiError(429, "throttled_error", TooManyRunsException.CODE, e.getMessage(), null);
    }
    if (failure instanceof org.eclipse.jetty.http.HttpException e && e.getCode() >= 400 && e.getCode() < 500) {
      return ApiError.invalid(null, "Bad request: " + e.getReason());
    }
    String incident = UUID.randomUUID().toString().substring(0, 8);
    LOG.error("request failed (incident {})", incident, failure);
    return new ApiError(500, "server_error", "error",
        "A server error occurred; the server log has the details under incident " + incident, null);
  }

  private ErrorMapping() {}
}
