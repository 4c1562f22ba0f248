package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompressionRoundsTest {
  @Test
  void aWorkerWritesWholeFilesForEachCommandAndAnswersWithItsTimes() throws Exception {
    ByteArrayOutputStream answers = new ByteArrayOutputStream();
    CompressionRounds.work(new BufferedReader(new StringReader("CSV GZIP 1 3\nJSON_LINES NONE 1 4\n")),
        new PrintStream(answers, true, StandardCharsets.UTF_8), CompressionRounds.POOL);

    String[] lines = answers.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    CompressionRounds.Measurement gzip = json.readValue(lines[0], CompressionRounds.Measurement.class);
    CompressionRounds.Measurement none = json.readValue(lines[1], CompressionRounds.Measurement.class);
    assertThat(gzip.format()).isEqualTo(FileFormat.CSV);
    assertThat(gzip.compression()).isEqualTo(Compression.GZIP);
    assertThat(gzip.round()).isEqualTo(3);
    assertThat(gzip.jvm()).isEqualTo(CompressionRounds.POOL);
    assertThat(none.round()).isEqualTo(4);
    for (CompressionRounds.Measurement m : List.of(gzip, none)) {
      // one millisecond asks for one file: whole files only, however short the time
      assertThat(m.rows()).isEqualTo(CompressionThreads.FILE_ROWS);
      assertThat(m.seconds()).isPositive();
      assertThat(m.writerCpuSeconds()).isPositive();
      assertThat(m.processCpuSeconds()).isGreaterThanOrEqualTo(m.writerCpuSeconds() * 0.9);
      assertThat(m.processors()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }
  }

  @Test
  void eachLineIsTheMedianOfItsRoundsAndItsRatioTheMedianOfThePerRoundRatios() {
    List<CompressionRounds.Measurement> measurements = new ArrayList<>();
    // pool rows/s by round: 100, 300, 200; writer thread: 50, 100, 200 → per-round ratios 2, 3, 1
    double[] pool = {100, 300, 200};
    double[] writer = {50, 100, 200};
    for (int round = 1; round <= 3; round++) {
      measurements.add(new CompressionRounds.Measurement(CompressionRounds.POOL, 2, FileFormat.CSV, Compression.ZSTD,
          round, (long) pool[round - 1], 1.0, 0.5, 1.5));
      measurements.add(new CompressionRounds.Measurement(CompressionRounds.WRITER_THREAD, 1, FileFormat.CSV,
          Compression.ZSTD, round, (long) writer[round - 1], 1.0, 1.0, 1.1));
    }
    // a pool round whose writer-thread line is missing has no ratio
    measurements.add(new CompressionRounds.Measurement(CompressionRounds.POOL, 2, FileFormat.CSV, Compression.ZSTD,
        4, 1_000, 1.0, 0.5, 1.5));

    List<Report.CompressionLine> lines = CompressionRounds.lines(measurements);

    assertThat(lines).hasSize(1);
    Report.CompressionLine line = lines.get(0);
    assertThat(line.format()).isEqualTo(FileFormat.CSV);
    assertThat(line.compression()).isEqualTo(Compression.ZSTD);
    assertThat(line.processors()).isEqualTo(2);
    assertThat(line.pool()).isEqualTo(250); // median of 100, 300, 200, 1000
    assertThat(line.writerThread()).isEqualTo(100);
    assertThat(line.ratio()).isEqualTo(new Ratio(2, 1, 3, 3));
    assertThat(line.speedup()).isEqualTo(2);
    // by CPU: the writer thread's rows per CPU second; the pool's rows over max(writer, process / 2)
    assertThat(line.writerThreadCpuRate()).isEqualTo(100);
    // (pool rates 133, 400, 267, 1,333: the median of four is the mean of the middle two)
    assertThat(line.poolBound()).isCloseTo((200 / 0.75 + 300 / 0.75) / 2, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void theDriverAsksBothWorkersInTurnEveryRound() throws Exception {
    List<CompressionRounds.Measurement> measurements = CompressionRounds.run(1, 1);

    // the warm-up round and one measured round, each line once in each JVM
    assertThat(measurements).hasSize(2 * CompressionRounds.FORMATS.size() * CompressionRounds.CODECS.size() * 2);
    assertThat(measurements.get(0).jvm()).isEqualTo(CompressionRounds.POOL);
    assertThat(measurements.get(1).jvm()).isEqualTo(CompressionRounds.WRITER_THREAD);
    CompressionRounds.Measurement firstOfRoundOne = measurements.get(measurements.size() / 2);
    assertThat(firstOfRoundOne.round()).isEqualTo(1);
    assertThat(firstOfRoundOne.jvm()).isEqualTo(CompressionRounds.WRITER_THREAD); // the order swaps every round
    assertThat(measurements).filteredOn(m -> m.jvm().equals(CompressionRounds.WRITER_THREAD))
        .allSatisfy(m -> assertThat(m.processors()).isEqualTo(1));
    assertThat(measurements).filteredOn(m -> m.jvm().equals(CompressionRounds.POOL))
        .allSatisfy(m -> assertThat(m.processors()).isEqualTo(Runtime.getRuntime().availableProcessors()));
    List<Report.CompressionLine> lines = CompressionRounds.lines(measurements.stream().filter(m -> m.round() == 1).toList());
    assertThat(lines).hasSize(4).allSatisfy(line -> assertThat(line.ratio().rounds()).isEqualTo(1));
  }
}
