package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.FileFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small-export latency runs whole exports and accounts for their time phase by phase. */
class SmallExportTest {
  @TempDir
  Path directory;

  @Test
  void measuresEveryRepetitionAndEachPhase() throws Exception {
    SmallExport.Latency latency = SmallExport.run(directory, 2_000, FileFormat.CSV, 1, 3);

    assertThat(latency.name()).isEqualTo("export CSV");
    assertThat(latency.rows()).isEqualTo(2_000);
    assertThat(latency.repetitions()).isEqualTo(3);
    assertThat(latency.medianSeconds()).isPositive().isBetween(latency.minSeconds(), latency.maxSeconds());
    assertThat(latency.medianObservedSeconds()).isGreaterThanOrEqualTo(latency.minSeconds());
    assertThat(latency.phaseMedianSeconds().keySet()).containsExactlyElementsOf(SmallExport.PHASES);
    assertThat(latency.phaseMedianSeconds().values()).allSatisfy(seconds -> assertThat(seconds)
        .isGreaterThanOrEqualTo(-0.001)); // microsecond-truncated run times against the caller's clock
    assertThat(directory.resolve("2000-rows-7-days").resolve("files")).doesNotExist();
  }
}
