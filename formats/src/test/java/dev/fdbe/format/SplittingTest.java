package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.ManifestFile;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Splitting by {@code max_size_mb} through the engine, measured on the bytes actually stored: no
 * part over the limit, every part but the last at least half of it, each part a complete file
 * DuckDB reads, and the parts' rows together equal the source rows in order.
 */
class SplittingTest {
  private static final TeamId TEAM = TeamId.of(1);
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");

  @TempDir
  Path directory;

  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (FileFormat format : formats()) {
      for (Compression compression : Compression.values()) {
        cases.add(Arguments.of(format, compression, 1));
      }
      cases.add(Arguments.of(format, Compression.NONE, 2));
      cases.add(Arguments.of(format, Compression.ZSTD, 2));
    }
    return cases;
  }

  static List<FileFormat> formats() {
    List<FileFormat> formats = new ArrayList<>();
    java.util.ServiceLoader.load(dev.fdbe.spi.FormatProvider.class).forEach(p -> formats.add(p.format()));
    formats.sort(null);
    return formats;
  }

  /** Events whose properties hold random text, so that compression cannot shrink them much. */
  static List<Map<String, Object>> events(int count, long seed) {
    Random random = new Random(seed);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] noise = new byte[1_000 + random.nextInt(3_000)];
      random.nextBytes(noise);
      rows.add(Map.of(
          "uuid", String.format("00000000-0000-0000-0000-%012d", i),
          "event", "$pageview",
          "properties", "{\"noise\":\"" + Base64.getEncoder().encodeToString(noise) + "\",\"i\":" + i + "}",
          "distinct_id", "user \"" + random.nextInt(100) + "\", 🎉",
          "timestamp", DAY.plusMillis(i)));
    }
    return rows;
  }

  @ParameterizedTest(name = "{0} {1} {2} MiB")
  @MethodSource("cases")
  void partsStayWithinTheLimitAndTogetherEqualTheSource(FileFormat format, Compression compression, int maxSizeMb)
      throws Exception {
    List<Map<String, Object>> rows = events(2_500 * maxSizeMb, maxSizeMb * 31L + compression.ordinal());
    RecordSource source = RecordSources.inMemory().addAll(TEAM, Model.EVENTS, rows).build();
    Caller caller = Caller.of(TEAM, Scope.ALL);
    long limit = maxSizeMb * FileConfig.BYTES_PER_MB;
    List<Map<String, Object>> read = new ArrayList<>();
    try (ExportEngine engine = ExportEngine.builder().runStore(RunStores.inMemory()).blobStore(BlobStores.inMemory())
        .recordSource(source).build()) {
      engine.start();
      RunId id = engine.create(caller, ExportRequest.builder(Model.EVENTS, DAY, DAY.plus(Duration.ofDays(1)))
          .file(new FileConfig(format, compression, maxSizeMb)).build());
      RunSnapshot run = engine.awaitTerminal(caller, id, Duration.ofMinutes(2));
      assertThat(run.status()).as("%s", run.error()).isEqualTo(RunStatus.COMPLETED);
      List<ManifestFile> files = engine.manifest(caller, id).files();
      assertThat(files).as("the export needs several parts").hasSizeGreaterThanOrEqualTo(3);

      for (ManifestFile file : files) {
        assertThat(file.bytes()).as("part %d", file.index()).isLessThanOrEqualTo(limit);
        if (file.index() < files.size() - 1) {
          assertThat(file.bytes()).as("part %d is at least half full", file.index()).isGreaterThanOrEqualTo(limit / 2);
        }
        Path path = directory.resolve(file.name());
        try (InputStream in = engine.openFile(caller, id, file.id())) {
          Files.copy(in, path);
        }
        assertThat(Files.size(path)).isEqualTo(file.bytes());
        try (DuckDb duck = new DuckDb()) {
          Path readable = format == FileFormat.PARQUET ? path : TextFormatsDuckDbTest.readable(path, compression);
          String sql = format == FileFormat.PARQUET
              ? "SELECT * FROM read_parquet(" + DuckDb.literal(readable.toString()) + ")"
              : TextFormatsDuckDbTest.query(readable, format, Model.EVENTS.schema());
          List<Map<String, Object>> part = duck.rows(sql, Model.EVENTS.schema());
          assertThat(part).as("part %d", file.index()).hasSize((int) file.records());
          read.addAll(part);
        }
      }
    }
    assertThat(read).hasSameSizeAs(rows);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(read.get(i)).as("row %d", i).isEqualTo(TestRows.expected(Model.EVENTS.schema(), rows.get(i)));
    }
  }
}
