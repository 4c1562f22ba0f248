package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole-export benchmark seeds H2, reads the rows, counts them, exports them in every format, and
 * checks the counts.
 */
class WholeExportTest {
  @TempDir
  Path directory;

  @Test
  void exportsEveryRowInEveryFormatAndReusesTheDatabase() throws Exception {
    List<WholeExport.Measurement> first = WholeExport.run(directory, 3_000, List.of(FileFormat.values()),
        Compression.NONE);

    assertThat(first).extracting(WholeExport.Measurement::name).containsExactly("H2 read (source limit)",
        "H2 count (records_total)", "export Parquet", "export JSONLines", "export CSV");
    assertThat(first).allSatisfy(m -> {
      assertThat(m.rows()).isEqualTo(3_000);
      assertThat(m.rowsPerSecond()).isPositive();
      assertThat(m.peakLiveHeapBytes()).isPositive().isLessThan(Runtime.getRuntime().maxMemory());
    });
    assertThat(first.get(1).bytes()).as("counting writes nothing").isZero();
    assertThat(first.subList(2, 5)).allSatisfy(m -> assertThat(m.bytes()).isGreaterThan(3_000L * 300));
    assertThat(directory.resolve("3000-rows").resolve("files")).doesNotExist();

    List<WholeExport.Measurement> again = WholeExport.run(directory, 3_000, List.of(FileFormat.CSV),
        Compression.GZIP);
    assertThat(again.get(2).bytes()).isLessThan(first.get(4).bytes() / 2);
  }
}
