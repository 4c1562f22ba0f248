package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole-export benchmark seeds H2, reads the rows, counts them, exports them in every format,
 * reads them again with plain JDBC by the select the exports ran, and checks the counts.
 */
class WholeExportTest {
  @TempDir
  Path directory;

  @Test
  void exportsEveryRowInEveryFormatAndReusesTheDatabase() throws Exception {
    List<WholeExport.Measurement> first = WholeExport.run(directory, 3_000, List.of(FileFormat.values()),
        Compression.NONE);

    assertThat(first).extracting(WholeExport.Measurement::name).containsExactly("H2 read (source limit)",
        "H2 count (records_total)", "H2 plain read (same query)", "export Parquet", "export JSONLines",
        "export CSV");
    assertThat(first).allSatisfy(m -> {
      assertThat(m.rows()).isEqualTo(3_000);
      assertThat(m.rowsPerSecond()).isPositive();
      assertThat(m.peakLiveHeapBytes()).isPositive().isLessThan(Runtime.getRuntime().maxMemory());
    });
    assertThat(first.subList(0, 3)).as("reading and counting write nothing")
        .extracting(WholeExport.Measurement::bytes).containsOnly(0L);
    assertThat(first.subList(3, 6)).allSatisfy(m -> assertThat(m.bytes()).isGreaterThan(3_000L * 300));
    assertThat(directory.resolve("3000-rows").resolve("files")).doesNotExist();

    List<WholeExport.Measurement> again = WholeExport.run(directory, 3_000, List.of(FileFormat.CSV),
        Compression.GZIP);
    assertThat(again).extracting(WholeExport.Measurement::name).containsExactly("H2 read (source limit)",
        "H2 count (records_total)", "H2 plain read (same query)", "export CSV");
    assertThat(again.get(3).bytes()).isLessThan(first.get(5).bytes() / 2);
  }

  @Test
  void repeatedLinesHaveTheMedianOfTheirRuns() throws Exception {
    List<WholeExport.Measurement> lines = WholeExport.run(directory, 2_000, List.of(FileFormat.CSV,
        FileFormat.JSON_LINES), Compression.NONE, 3);

    assertThat(lines).extracting(WholeExport.Measurement::name).containsExactly("H2 read (source limit)",
        "H2 count (records_total)", "H2 plain read (same query)", "export CSV", "export JSONLines");
    assertThat(lines).allSatisfy(m -> {
      assertThat(m.repetitions()).isEqualTo(3);
      assertThat(m.rowsPerSecond()).isEqualTo(2_000 / m.seconds())
          .isBetween(m.minRowsPerSecond(), m.maxRowsPerSecond());
    });
  }

  @Test
  void slicedExportsAreNamedByTheirSlicesAndExportEveryRowOnce() throws Exception {
    // The export's own checks: completed, every row written and counted once, read on one connection per slice.
    List<WholeExport.Measurement> lines = WholeExport.run(directory, 2_000, List.of(FileFormat.CSV), Compression.NONE,
        2, 3);

    assertThat(lines).extracting(WholeExport.Measurement::name).containsExactly("H2 read (source limit)",
        "H2 count (records_total)", "H2 plain read (same query)", "export CSV (3 slices)");
    assertThat(lines.get(3).bytes()).isGreaterThan(2_000L * 300);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(WholeExport.median(new double[] {5, 1, 3})).isEqualTo(3);
    assertThat(WholeExport.median(new double[] {4, 1, 3, 10})).isEqualTo(3.5);
  }
}
