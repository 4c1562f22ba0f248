package dev.fdbe.storage.local;

import dev.fdbe.ExportException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Answers the HTTP requests for the download links of a {@link LocalBlobStore}, in any HTTP server:
 * give it a request's method, path, query and header lookup, and send the {@link DownloadResponse}
 * it returns. It uses no HTTP library, only JDK types, and writes nothing itself.
 *
 * <pre>{@code
 * LocalDownloadHandler downloads = new LocalDownloadHandler(store, Clock.systemUTC());
 * // the JDK's HttpServer, serving store.linkBaseUrl() = http://127.0.0.1:8080/downloads:
 * server.createContext("/downloads/", exchange -> {
 *   try (exchange; DownloadResponse answer = downloads.handle(exchange.getRequestMethod(),
 *       exchange.getRequestURI().getRawPath().substring("/downloads/".length()),
 *       exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders()::getFirst)) {
 *     answer.headers().forEach(exchange.getResponseHeaders()::set);
 *     exchange.sendResponseHeaders(answer.status(), answer.bodyLength() == 0 ? -1 : answer.bodyLength());
 *     answer.body().transferTo(exchange.getResponseBody());
 *   }
 * });
 * }</pre>
 *
 * <p><b>What it answers.</b>
 *
 * <ul>
 *   <li>{@code GET} of a valid link: {@code 200} with the file, {@code Content-Type} by the file
 *       name's extension, {@code Content-Length}, {@code Content-Disposition: attachment;
 *       filename="<name>"} (plus {@code filename*=UTF-8''<percent-encoded name>} when the name is
 *       not ASCII, whose ASCII stand-in then has {@code _} for each other character),
 *       {@code Cache-Control: private, no-store}, {@code ETag}, {@code Accept-Ranges: bytes} and
 *       {@code X-Content-Type-Options: nosniff}.
 *   <li>{@code GET} with a {@code Range} of one byte range, {@code bytes=a-b}, {@code bytes=a-} or
 *       {@code bytes=-n}: {@code 206} with those bytes and {@code Content-Range: bytes a-b/size}; a
 *       range that ends beyond the file is cut at its end. A range that starts at or beyond the end
 *       (or {@code bytes=-0}): {@code 416} with {@code Content-Range: bytes *}{@code /size}. A
 *       {@code Range} that is not valid, names another unit, asks for several ranges or is sent for
 *       an empty file is ignored: {@code 200} with the whole file, as RFC 9110 allows.
 *   <li>{@code If-Range} (with {@code Range}): the range is served only when it is this file's
 *       current {@code ETag}; otherwise, a date included, the whole file. {@code If-None-Match}:
 *       {@code 304} with {@code ETag} and no body when it lists the current tag (weakly compared)
 *       or is {@code *}. Other conditional headers are ignored.
 *   <li>{@code HEAD}: as {@code GET} without the body; {@code Range} does not apply to it.
 *   <li>Any other method: {@code 405} with {@code Allow: GET, HEAD}.
 *   <li>A link that is malformed, changed or signed by another store: {@code 403}
 *       {@code invalid_link}; an expired one: {@code 403} {@code link_expired}; a valid link to a
 *       file that no longer exists: {@code 404} {@code not_found}. A key that is not a valid key of
 *       the store, such as one with {@code ..} or {@code .fdbe}, is a malformed link: no file
 *       outside the store's objects is ever read.
 * </ul>
 *
 * <p>Refusals carry a JSON body in the error envelope of fdbe's HTTP API
 * ({@link DownloadResponse.Problem}), {@code Content-Type: application/json} and
 * {@code Cache-Control: no-store}. The method is checked first, then the link (signature, expiry,
 * file), then {@code If-None-Match}, then the range.
 *
 * <p><b>ETag.</b> Strong, derived from the object's key, size, last-modified time and file identity
 * (inode and device where the file system has them), hashed so that none of them shows. The store
 * replaces an object by renaming a new file over it, so a replaced object gets a new tag, while the
 * same file keeps its tag across requests and restarts; copying the files elsewhere changes it.
 * The body and the tag always belong to the same file: when the object is replaced while a request
 * opens it, the handler looks again, and after a few such attempts fails with a retryable
 * {@link ExportException}.
 *
 * <p>Thread-safe: one handler serves any number of requests at once.
 */
public final class LocalDownloadHandler {
  /** The media types of export files by their last extension, tried in order. */
  private static final List<Map.Entry<String, String>> MEDIA_TYPES = List.of(
      Map.entry(".gz", "application/gzip"),
      Map.entry(".zst", "application/zstd"),
      Map.entry(".br", "application/x-brotli"),
      Map.entry(".lz4", "application/x-lz4"),
      Map.entry(".sz", "application/x-snappy-framed"),
      Map.entry(".parquet", "application/vnd.apache.parquet"),
      Map.entry(".csv", "text/csv; charset=utf-8"),
      Map.entry(".jsonl", "application/x-ndjson"));

  private static final String ALLOWED_METHODS = "GET, HEAD";
  private static final int MAX_OPEN_ATTEMPTS = 3;
  private static final int MAX_SHOWN_CHARS = 100;

  private final LocalBlobStore store;
  private final Clock clock;

  /**
   * A handler for the store's links that checks expiry against the clock.
   *
   * @param store the store whose links are served; its {@link LocalBlobStore#linkBaseUrl()} is
   *     where the caller routes the requests from
   * @param clock the clock that expiries are checked against, e.g. {@link Clock#systemUTC()}
   */
  public LocalDownloadHandler(LocalBlobStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The answer to one request for a download link. Reads the object's attributes and, for a
   * {@code GET} that gets bytes, opens its file; it sends nothing.
   *
   * @param method the request method, e.g. {@code GET}; methods are case-sensitive
   * @param keyPath the request path after the link base URL's path, i.e. the object's key, with or
   *     without a leading {@code /}, e.g. {@code 1/run/00000.jsonl}; raw or decoded alike, since a
   *     valid key has no character that percent-encoding changes
   * @param rawQuery the request's query as it arrived, still percent-encoded, or null when it has none
   * @param requestHeader the request's header by name, or null when absent; asked for
   *     {@code Range}, {@code If-Range} and {@code If-None-Match} under those spellings, so the lookup
   *     should ignore case as HTTP does ({@code HttpExchange.getRequestHeaders()::getFirst} and Jetty's
   *     {@code request.getHeaders()::get} do)
   * @return the answer to send; close it when done
   * @throws ExportException when the file system fails while checking or opening the object, or the
   *     object is replaced again and again while it is opened (answer {@code 500}); its message names
   *     the key and the store, never a path
   */
  public DownloadResponse handle(String method, String keyPath, @Nullable String rawQuery,
      Function<String, @Nullable String> requestHeader) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(keyPath, "keyPath");
    Objects.requireNonNull(requestHeader, "requestHeader");
    boolean head = method.equals("HEAD");
    if (!head && !method.equals("GET")) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Allow", ALLOWED_METHODS);
      return refusal(405, "invalid_request", "method_not_allowed",
          "Method \"" + shown(method) + "\" not allowed here; use " + ALLOWED_METHODS + ".", headers, false);
    }
    VerifiedDownload download;
    try {
      download = store.verifyLink(keyPath, rawQuery, clock.instant());
    } catch (InvalidLinkException e) {
      return refused(e, head);
    }
    for (int attempt = 1; ; attempt++) {
      BasicFileAttributes before = attributes(download);
      if (before == null) {
        return gone(download, head);
      }
      String tag = EntityTags.of(download.key(), before);
      if (EntityTags.noneMatchHits(requestHeader.apply("If-None-Match"), tag)) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ETag", tag);
        headers.put("Cache-Control", "private, no-store");
        return new DownloadResponse(304, headers, null, 0, InputStream.nullInputStream());
      }
      long size = before.size();
      ByteRanges.Selection selection = head || !EntityTags.rangeAllowed(requestHeader.apply("If-Range"), tag)
          ? new ByteRanges.Whole() : ByteRanges.select(requestHeader.apply("Range"), size);
      if (selection instanceof ByteRanges.Unsatisfiable) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Range", "bytes */" + size);
        String range = requestHeader.apply("Range");
        return refusal(416, "invalid_request", "range_not_satisfiable", "The range '" + shown(range == null ? "" : range)
            + "' selects no byte of '" + download.key() + "', which has " + size + " bytes.", headers, head);
      }
      long first = selection instanceof ByteRanges.Part part ? part.first() : 0;
      long length = selection instanceof ByteRanges.Part part ? part.length() : size;
      Map<String, String> headers = fileHeaders(download, tag, length);
      if (selection instanceof ByteRanges.Part part) {
        headers.put("Content-Range", "bytes " + part.first() + "-" + part.last() + "/" + size);
      }
      int status = selection instanceof ByteRanges.Part ? 206 : 200;
      if (head) {
        return new DownloadResponse(status, headers, null, 0, InputStream.nullInputStream());
      }
      FileChannel channel = open(download);
      if (channel == null) {
        return gone(download, head);
      }
      boolean same = false;
      try {
        same = sameFile(before, download, channel);
      } finally {
        if (!same) {
          close(channel);
        }
      }
      if (same) {
        return new DownloadResponse(status, headers, null, length, new FileRangeStream(channel, first, length));
      }
      // Replaced meanwhile: look again, so that the tag and the length describe the bytes sent.
      if (attempt == MAX_OPEN_ATTEMPTS) {
        throw new ExportException("'" + download.key() + "' in " + LocalBlobStore.DESCRIPTION + " was replaced "
            + MAX_OPEN_ATTEMPTS + " times while it was being opened; try again", true);
      }
    }
  }

  // ------------------------------------------------------------------ the file

  private static @Nullable BasicFileAttributes attributes(VerifiedDownload download) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(download.file(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attributes.isRegularFile() ? attributes : null;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw FileSystemFailures.of("cannot read '" + download.key() + "' in " + LocalBlobStore.DESCRIPTION, e);
    }
  }

  private static @Nullable FileChannel open(VerifiedDownload download) {
    try {
      return FileChannel.open(download.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw FileSystemFailures.of("cannot open '" + download.key() + "' in " + LocalBlobStore.DESCRIPTION, e);
    }
  }

  /**
   * Whether the open file is still the one the earlier attributes describe: the path's attributes
   * now are the same, and so is the open file's size.
   */
  private static boolean sameFile(BasicFileAttributes before, VerifiedDownload download, FileChannel channel) {
    BasicFileAttributes now = attributes(download);
    try {
      return now != null
          && Objects.equals(now.fileKey(), before.fileKey())
          && now.lastModifiedTime().equals(before.lastModifiedTime())
          && now.size() == before.size()
          && channel.size() == before.size();
    } catch (IOException e) {
      throw FileSystemFailures.of("cannot read '" + download.key() + "' in " + LocalBlobStore.DESCRIPTION, e);
    }
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing was read from it; a failing close of a read-only file loses nothing
    }
  }

  // ------------------------------------------------------------------ answers

  private static Map<String, String> fileHeaders(VerifiedDownload download, String tag, long length) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType(download.fileName()));
    headers.put("Content-Length", Long.toString(length));
    headers.put("Content-Disposition", contentDisposition(download.fileName()));
    headers.put("Cache-Control", "private, no-store");
    headers.put("ETag", tag);
    headers.put("Accept-Ranges", "bytes");
    headers.put("X-Content-Type-Options", "nosniff");
    return headers;
  }

  private static DownloadResponse refused(InvalidLinkException e, boolean head) {
    return switch (e.reason()) {
      case TAMPERED -> refusal(403, "authentication_error", "invalid_link", e.getMessage(), new LinkedHashMap<>(), head);
      case EXPIRED -> refusal(403, "authentication_error", "link_expired", e.getMessage(), new LinkedHashMap<>(), head);
      case GONE -> refusal(404, "invalid_request", "not_found", e.getMessage(), new LinkedHashMap<>(), head);
    };
  }

  /** The object went between the link's check and the read: answered as a link to a deleted object. */
  private static DownloadResponse gone(VerifiedDownload download, boolean head) {
    return refusal(404, "invalid_request", "not_found",
        "download link for '" + download.key() + "' points to an object that no longer exists", new LinkedHashMap<>(),
        head);
  }

  private static DownloadResponse refusal(int status, String type, String code, String detail,
      Map<String, String> headers, boolean head) {
    DownloadResponse.Problem problem = new DownloadResponse.Problem(type, code, detail);
    byte[] body = problem.json().getBytes(StandardCharsets.US_ASCII);
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Content-Type", "application/json");
    all.put("Content-Length", Integer.toString(body.length));
    all.put("Cache-Control", "no-store");
    all.putAll(headers);
    return head
        ? new DownloadResponse(status, all, problem, 0, InputStream.nullInputStream())
        : new DownloadResponse(status, all, problem, body.length, new ByteArrayInputStream(body));
  }

  /** The media type of an export file, by its extension. */
  static String contentType(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> type : MEDIA_TYPES) {
      if (name.endsWith(type.getKey())) {
        return type.getValue();
      }
    }
    return "application/octet-stream";
  }

  /**
   * {@code attachment; filename="<name>"}, all ASCII: a name with other characters gets {@code _}
   * for each of them there, and its exact form in {@code filename*} (RFC 6266, RFC 8187).
   */
  static String contentDisposition(String fileName) {
    StringBuilder ascii = new StringBuilder();
    boolean plain = true;
    for (int i = 0; i < fileName.length(); i++) {
      char c = fileName.charAt(i);
      boolean printable = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
      plain &= printable;
      ascii.append(printable ? c : '_');
    }
    String header = "attachment; filename=\"" + ascii + "\"";
    return plain ? header : header + "; filename*=UTF-8''" + attributeValue(fileName);
  }

  /** RFC 8187's percent-encoding of a value: UTF-8, every byte but its attr-chars as {@code %XX}. */
  private static String attributeValue(String text) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean attrChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0;
      if (attrChar) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return encoded.toString();
  }

  /** Untrusted text for a message: control and format characters escaped, cut short. */
  private static String shown(String text) {
    StringBuilder shown = new StringBuilder();
    int limit = Math.min(text.length(), MAX_SHOWN_CHARS);
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      boolean hidden = Character.isISOControl(c) || Character.isSurrogate(c) || Character.getType(c) == Character.FORMAT;
      shown.append(hidden ? String.format("\\u%04x", (int) c) : c);
    }
    return text.length() > limit ? shown + "..." : shown.toString();
  }
}
