package dev.fdbe.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fdbe.schema.Column;
import dev.fdbe.FileId;
import dev.fdbe.ManifestFile;
import dev.fdbe.Page;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunManifest;
import dev.fdbe.RunSnapshot;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The JSON shapes of the API's responses, built from the engine's value types. */
final class JsonBodies {
  /** Strict: duplicate keys, trailing tokens and deep nesting are errors. */
  static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static ObjectNode error(ApiError error) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("type", error.type());
    body.put("code", error.code());
    body.put("detail", error.getMessage());
    body.put("attr", error.attr());
    return body;
  }

  static ObjectNode created(dev.fdbe.RunId id) {
    return MAPPER.createObjectNode().put("id", id.toString());
  }

  static ObjectNode runs(Page<RunSnapshot> page, @Nullable String next, @Nullable String previous) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("count", page.count());
    body.put("next", next);
    body.put("previous", previous);
    ArrayNode results = body.putArray("results");
    for (RunSnapshot run : page.items()) {
      results.addObject().put("id", run.id().toString()).put("status", run.status().wireName());
    }
    return body;
  }

  /** A run: its status, files when completed, error when failed, and progress. */
  static ObjectNode run(RunSnapshot run) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("id", run.id().toString());
    body.put("status", run.status().wireName());
    if (run.status() == dev.fdbe.RunStatus.COMPLETED) {
      ArrayNode files = body.putArray("files");
      for (FileId file : run.files()) {
        files.add(file.toString());
      }
    }
    if (run.error() != null) {
      body.put("error", run.error());
    }
    body.put("records_completed", run.recordsCompleted());
    body.put("records_total", run.recordsTotal());
    body.put("bytes_exported", run.bytesExported());
    body.put("parts_completed", run.partsCompleted());
    body.put("created_at", instant(run.createdAt()));
    body.put("started_at", instant(run.startedAt()));
    body.put("finished_at", instant(run.finishedAt()));
    return body;
  }

  static ObjectNode logs(Page<RunLogEntry> page, @Nullable String next) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("count", page.count());
    body.put("next", next);
    body.putNull("previous");
    ArrayNode results = body.putArray("results");
    for (RunLogEntry entry : page.items()) {
      results.addObject()
          .put("log_source_id", entry.runId().toString())
          .put("instance_id", entry.instanceId().toString())
          .put("timestamp", instant(entry.timestamp()))
          .put("level", entry.level().name())
          .put("message", entry.message());
    }
    return body;
  }

  static ObjectNode manifest(RunManifest manifest) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("run_id", manifest.runId().toString());
    body.put("model", manifest.model().wireName());
    body.put("format", manifest.format().wireName());
    body.put("compression", manifest.compression().wireName());
    body.put("data_interval_start", instant(manifest.dataIntervalStart()));
    body.put("data_interval_end", instant(manifest.dataIntervalEnd()));
    body.put("records", manifest.records());
    body.put("bytes", manifest.bytes());
    ArrayNode schema = body.putArray("schema");
    for (Column column : manifest.schema().columns()) {
      schema.addObject().put("name", column.name()).put("type", column.type().wireName())
          .put("nullable", column.nullable());
    }
    ArrayNode files = body.putArray("files");
    for (ManifestFile file : manifest.files()) {
      files.addObject()
          .put("id", file.id().toString())
          .put("index", file.index())
          .put("name", file.name())
          .put("records", file.records())
          .put("bytes", file.bytes())
          .put("sha256", file.sha256())
          .put("expires_at", instant(file.expiresAt()));
    }
    return body;
  }

  static @Nullable String instant(@Nullable Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private JsonBodies() {}
}
