package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.format.compress.StreamCodec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Leaves one JSON Lines export per compression in {@code formats/target/cli-samples}, with the
 * uncompressed file beside them, so that {@code .ci/run} can check each with the command-line tool
 * ({@code gzip -dc}, {@code zstd -dc}, {@code lz4 -dc}) and compare the bytes. Here it checks that
 * the samples are what they claim to be.
 */
class CliSamplesTest {
  @Test
  void writesOneSamplePerCompression() throws Exception {
    Path samples = Files.createDirectories(Path.of("target", "cli-samples"));
    List<Map<String, Object>> rows = new HardRows(2026).rows(Model.EVENTS, 200);
    Path plain = TextFormatsDuckDbTest.write(samples, FileFormat.JSON_LINES, Compression.NONE, Model.EVENTS, rows);
    byte[] expected = Files.readAllBytes(plain);

    for (Compression compression : Compression.values()) {
      if (compression == Compression.NONE) {
        continue;
      }
      Path file = TextFormatsDuckDbTest.write(samples, FileFormat.JSON_LINES, compression, Model.EVENTS, rows);
      assertThat(file.getFileName().toString()).endsWith(".jsonl." + compression.extension());
      try (InputStream in = StreamCodec.of(compression).decompress(Files.newInputStream(file))) {
        assertThat(in.readAllBytes()).as("%s", compression).isEqualTo(expected);
      }
    }
  }
}
