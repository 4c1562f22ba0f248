package dev.fdbe;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import dev.fdbe.schema.Schema;

/**
 * What a consumer checks to know it has every part of a completed run and that each is intact.
 *
 * @param runId the run
 * @param model what was exported
 * @param format the file format
 * @param compression the compression
 * @param dataIntervalStart the interval's start (inclusive)
 * @param dataIntervalEnd the interval's end (exclusive)
 * @param records rows in all files
 * @param bytes stored bytes of all files
 * @param schema the exported columns
 * @param files the files in key order
 */
public record RunManifest(
    RunId runId,
    Model model,
    FileFormat format,
    Compression compression,
    Instant dataIntervalStart,
    Instant dataIntervalEnd,
    long records,
    long bytes,
    Schema schema,
    List<ManifestFile> files) {

  /**
   * Checks the components and copies {@code files} (later changes to the given collection do not show).
   *
   * @throws NullPointerException naming the component when a component not marked nullable is null
   */
  public RunManifest {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(dataIntervalStart, "dataIntervalStart");
    Objects.requireNonNull(dataIntervalEnd, "dataIntervalEnd");
    Objects.requireNonNull(schema, "schema");
    files = List.copyOf(Objects.requireNonNull(files, "files"));
  }
}
