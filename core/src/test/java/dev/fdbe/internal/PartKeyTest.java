package dev.fdbe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.Compression;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartKeyTest {
  private static final RunId RUN = RunId.parse("6f0c3c2e-2b1a-4c53-9a55-0e1b2c3d4e5f");
  private static final TimeRange DAY =
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));

  @Test
  void keyAndFileNameFollowTheApi() {
    PartKey key = PartKey.of(TeamId.of(7), RUN, 2, DAY, 3, FileConfig.of(FileFormat.PARQUET));

    assertThat(key.fileName()).isEqualTo("2026-11-20T000000Z-2026-11-21T000000Z-00003.parquet");
    assertThat(key.key()).isEqualTo("7/" + RUN + "/attempt-2/2026-11-20T000000Z-2026-11-21T000000Z-00003.parquet");
    assertThat(key.fileName()).doesNotContain(":");
  }

  @Test
  void compressedStreamsAddTheirExtensionButParquetDoesNot() {
    FileConfig jsonl = new FileConfig(FileFormat.JSON_LINES, Compression.ZSTD, 0);
    FileConfig csv = new FileConfig(FileFormat.CSV, Compression.SNAPPY, 0);
    FileConfig parquet = new FileConfig(FileFormat.PARQUET, Compression.GZIP, 0);

    assertThat(PartKey.of(TeamId.of(1), RUN, 1, DAY, 0, jsonl).fileName()).endsWith("-00000.jsonl.zst");
    assertThat(PartKey.of(TeamId.of(1), RUN, 1, DAY, 0, csv).fileName()).endsWith("-00000.csv.sz");
    assertThat(PartKey.of(TeamId.of(1), RUN, 1, DAY, 0, parquet).fileName()).endsWith("-00000.parquet");
    for (Compression compression : Compression.values()) {
      String expected = compression == Compression.NONE ? "jsonl" : "jsonl." + compression.extension();
      assertThat(new FileConfig(FileFormat.JSON_LINES, compression, 0).extension()).isEqualTo(expected);
    }
  }

  @Test
  void fractionalIntervalBoundsKeepMicroseconds() {
    TimeRange range = new TimeRange(Instant.parse("2026-11-20T10:15:30.000250Z"), Instant.parse("2026-11-20T11:00:00Z"));

    assertThat(PartKey.of(TeamId.of(1), RUN, 1, range, 0, FileConfig.of(FileFormat.CSV)).fileName())
        .isEqualTo("2026-11-20T101530.000250Z-2026-11-20T110000Z-00000.csv");
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 100, 1000, 12_345, PartKey.MAX_PARTS})
  void keyOrderIsWriteOrder(int parts) {
    List<String> keys = new ArrayList<>();
    IntStream.range(0, parts)
        .forEach(i -> keys.add(PartKey.of(TeamId.of(1), RUN, 1, DAY, i, FileConfig.of(FileFormat.CSV)).key()));

    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(null);
    assertThat(sorted).isEqualTo(keys);
  }

  @Test
  void indexBeyondTheLimitIsRefused() {
    assertThatThrownBy(() -> PartKey.of(TeamId.of(1), RUN, 1, DAY, PartKey.MAX_PARTS, FileConfig.of(FileFormat.CSV)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100000");
    assertThatThrownBy(() -> PartKey.of(TeamId.of(1), RUN, 1, DAY, -1, FileConfig.of(FileFormat.CSV)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void prefixesNestAttemptsUnderTheRun() {
    String run = PartKey.runPrefix(TeamId.of(3), RUN);
    String attempt = PartKey.attemptPrefix(TeamId.of(3), RUN, 4);

    assertThat(run).isEqualTo("3/" + RUN + "/");
    assertThat(attempt).startsWith(run).endsWith("/attempt-4/");
    assertThat(PartKey.of(TeamId.of(3), RUN, 4, DAY, 0, FileConfig.of(FileFormat.CSV)).key()).startsWith(attempt);
  }
}
