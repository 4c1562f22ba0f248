package com.example.exports;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.DownloadLink;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportException;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.storage.local.DownloadResponse;
import dev.fdbe.storage.local.LocalBlobStore;
import dev.fdbe.storage.local.LocalDownloadHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A service embedding fdbe: an engine on an H2 file and local storage, and the JDK's HTTP server
 * serving the download links the engine hands out through a {@link LocalDownloadHandler} (which
 * checks them and answers ranges, entity tags and refusals). {@link #main} runs one export of a
 * day of events and fetches its file over HTTP, whole and a range of it.
 */
public final class EmbeddedService implements AutoCloseable {
  /** The path the download links start with. */
  static final String DOWNLOADS = "/downloads";
  static final TeamId TEAM = TeamId.of(1);
  static final Caller CALLER = Caller.of(TEAM, Scope.ALL);

  private final DataSource database;
  private final LocalDownloadHandler downloads;
  private final ExportEngine engine;
  private final HttpServer http;

  private EmbeddedService(DataSource database, LocalDownloadHandler downloads, ExportEngine engine, HttpServer http) {
    this.database = database;
    this.downloads = downloads;
    this.engine = engine;
    this.http = http;
  }

  /** Starts the engine and the download server (on 127.0.0.1, a free port) with their data under the directory. */
  public static EmbeddedService start(Path directory) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String linkBase = "http://127.0.0.1:" + http.getAddress().getPort() + DOWNLOADS;

    DataSource database = RunStores.h2DataSource("jdbc:h2:" + directory.resolve("fdbe").toAbsolutePath());
    RecordSources.createReferenceTables(database);
    // The local store signs links for linkBase; the handler below checks them.
    Path files = Files.createDirectories(directory.resolve("files"));
    LocalBlobStore store = (LocalBlobStore) BlobStores.fromUri(URI.create(files.toUri()
        + "?linkBaseUrl=" + URLEncoder.encode(linkBase, StandardCharsets.UTF_8)));
    ExportEngine engine = ExportEngine.builder()
        .runStore(RunStores.jdbc(database))
        .recordSource(RecordSources.jdbc(database))
        .blobStore(store)
        .build();

    EmbeddedService service = new EmbeddedService(database, new LocalDownloadHandler(store, Clock.systemUTC()),
        engine, http);
    http.createContext(DOWNLOADS + "/", service::serveDownload);
    http.start();
    engine.start();
    return service;
  }

  /** Inserts a few events of 2026-11-20 (and one of the next day) into the reference table. */
  public long insertEvents() {
    return RecordSources.insertReferenceRows(database, TEAM, Model.EVENTS, List.of(
        Map.of("uuid", "0190a1b2-0000-7000-8000-000000000001", "event", "$pageview",
            "timestamp", Instant.parse("2026-11-20T09:30:00Z"), "properties", "{\"$browser\": \"Firefox\"}"),
        Map.of("uuid", "0190a1b2-0000-7000-8000-000000000002", "event", "$autocapture",
            "timestamp", Instant.parse("2026-11-20T09:31:00Z")),
        Map.of("uuid", "0190a1b2-0000-7000-8000-000000000003", "event", "$pageview",
            "timestamp", Instant.parse("2026-11-21T00:00:00Z"))));
  }

  /** Exports the events of 2026-11-20 as JSON Lines and waits until the run has ended. */
  public RunSnapshot exportDay() {
    RunId id = engine.create(CALLER, ExportRequest.builder(Model.EVENTS,
            Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"))
        .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, 100))
        .build());
    return engine.awaitTerminal(CALLER, id, Duration.ofMinutes(1));
  }

  /** A signed, expiring link to the run's first file, served by this service. */
  public DownloadLink download(RunId id) {
    return engine.download(CALLER, id, 0);
  }

  /** The bytes of the run's first file, read through the engine rather than the link. */
  public byte[] fileBytes(RunId id) throws IOException {
    try (InputStream in = engine.openFile(CALLER, id, 0)) {
      return in.readAllBytes();
    }
  }

  /** Carries a download request to the handler and its answer back to the JDK's server. */
  private void serveDownload(HttpExchange exchange) throws IOException {
    try (exchange) {
      String key = exchange.getRequestURI().getRawPath().substring(DOWNLOADS.length() + 1);
      DownloadResponse answer;
      try {
        answer = downloads.handle(exchange.getRequestMethod(), key, exchange.getRequestURI().getRawQuery(),
            exchange.getRequestHeaders()::getFirst);
      } catch (ExportException e) { // the file system failed: a 500, the cause for the service's own log
        exchange.sendResponseHeaders(500, -1);
        return;
      }
      try (answer) {
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        // The JDK's server takes -1 for "no body"; 0 would mean a chunked body of unknown length.
        exchange.sendResponseHeaders(answer.status(), answer.bodyLength() == 0 ? -1 : answer.bodyLength());
        try (OutputStream out = exchange.getResponseBody()) {
          answer.body().transferTo(out);
        }
      }
    }
  }

  /** Stops the engine (waiting for running exports) and then the download server. */
  @Override
  public void close() {
    engine.close();
    http.stop(0);
  }

  /**
   * Runs one export in ./embedded-service-data, fetches its file over HTTP, whole and its first 100
   * bytes, and prints them.
   */
  public static void main(String[] args) throws Exception {
    try (EmbeddedService service = start(Path.of("embedded-service-data"))) {
      service.insertEvents();
      RunSnapshot run = service.exportDay();
      if (run.status() != RunStatus.COMPLETED) {
        throw new IllegalStateException("the export ended " + run.status() + ": " + run.error());
      }
      DownloadLink link = service.download(run.id());
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> whole = client.send(HttpRequest.newBuilder(link.uri()).build(),
          HttpResponse.BodyHandlers.ofString());
      System.out.println(link.uri() + " -> " + whole.statusCode() + ", ETag " + whole.headers().firstValue("ETag")
          .orElse("none"));
      System.out.print(whole.body());
      HttpResponse<String> part = client.send(HttpRequest.newBuilder(link.uri()).header("Range", "bytes=0-99").build(),
          HttpResponse.BodyHandlers.ofString());
      System.out.println("Range: bytes=0-99 -> " + part.statusCode() + ", " + part.headers().firstValue("Content-Range")
          .orElse("no Content-Range"));
      System.out.println(part.body());
    }
  }
}
