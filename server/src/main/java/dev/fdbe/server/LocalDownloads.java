package dev.fdbe.server;

import dev.fdbe.storage.local.LocalBlobStore;
import dev.fdbe.storage.local.VerifiedDownload;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Clock;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the signed links of local storage: {@code GET /fdbe/local-downloads/<key>?filename=..
 * &expires=..&signature=..} returns the file with {@code Content-Disposition: attachment}. The
 * signature is the authentication: a tampered or expired link is refused with 403, a link to a
 * deleted file with 404.
 */
final class LocalDownloads {
  /** Where the links point on this server. */
  static final String PATH = "/fdbe/local-downloads/";

  private final LocalBlobStore store;
  private final Clock clock;

  LocalDownloads(LocalBlobStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void serve(Request request, Response response, Callback callback, String key) throws Exception {
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new ApiError(405, "invalid_request", "method_not_allowed", "Method \"" + WireParser.shown(method)
          + "\" not allowed here; use GET.", null);
    }
    VerifiedDownload download = store.verifyLink(key, request.getHttpURI().getQuery(), clock.instant());
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType(download.fileName()));
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, download.sizeBytes());
    response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + download.fileName() + "\"");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "private, no-store");
    if (method.equals("HEAD")) {
      callback.succeeded();
      return;
    }
    try (InputStream in = Files.newInputStream(download.file());
        OutputStream out = Content.Sink.asOutputStream(response)) {
      in.transferTo(out);
    }
    callback.succeeded();
  }

  /** The media type of an export file, by its extension. */
  static String contentType(String fileName) {
    String name = fileName.toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".gz")) {
      return "application/gzip";
    }
    if (name.endsWith(".zst")) {
      return "application/zstd";
    }
    if (name.endsWith(".br")) {
      return "application/x-brotli";
    }
    if (name.endsWith(".lz4")) {
      return "application/x-lz4";
    }
    if (name.endsWith(".sz")) {
      return "application/x-snappy-framed";
    }
    if (name.endsWith(".parquet")) {
      return "application/vnd.apache.parquet";
    }
    if (name.endsWith(".csv")) {
      return "text/csv; charset=utf-8";
    }
    if (name.endsWith(".jsonl")) {
      return "application/x-ndjson";
    }
    return "application/octet-stream";
  }
}
