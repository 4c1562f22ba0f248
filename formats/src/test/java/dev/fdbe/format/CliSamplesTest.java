package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.format.compress.StreamCodec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Leaves one JSON Lines export per compression in {@code formats/target/cli-samples}, with the
 * uncompressed file beside them, so that {@code .ci/run} can check each with the command-line tool
 * ({@code gzip -dc}, {@code zstd -dc}, {@code lz4 -dc}) and compare the bytes. Here it checks that
 * the samples are what they claim to be, and decodes them with those tools too where they are
 * installed. The samples are a few MiB, so that gzip and zstd are written as several blocks
 * compressed in parallel (512 KiB each) when the machine has more than one processor.
 */
class CliSamplesTest {
  private static final long SEVERAL_BLOCKS = 3 * 512 * 1024;

  @Test
  void writesOneSamplePerCompression() throws Exception {
    Path samples = Files.createDirectories(Path.of("target", "cli-samples"));
    List<Map<String, Object>> rows = new HardRows(2026).rows(Model.EVENTS, 200);
    Path plain = TextFormatsDuckDbTest.write(samples, FileFormat.JSON_LINES, Compression.NONE, Model.EVENTS, rows);
    byte[] expected = Files.readAllBytes(plain);
    assertThat((long) expected.length).as("a sample of several blocks").isGreaterThan(SEVERAL_BLOCKS);

    for (Compression compression : Compression.values()) {
      if (compression == Compression.NONE) {
        continue;
      }
      Path file = TextFormatsDuckDbTest.write(samples, FileFormat.JSON_LINES, compression, Model.EVENTS, rows);
      assertThat(file.getFileName().toString()).endsWith(".jsonl." + compression.extension());
      try (InputStream in = StreamCodec.of(compression).decompress(Files.newInputStream(file))) {
        assertThat(in.readAllBytes()).as("%s", compression).isEqualTo(expected);
      }
      // Snappy's framing format has no common command-line tool.
      Optional<Path> tool = compression == Compression.SNAPPY ? Optional.empty()
          : CommandLineTools.find(compression == Compression.GZIP ? "gzip" : compression.wireName());
      if (tool.isPresent()) {
        assertThat(CommandLineTools.decode(tool.get(), file)).as("%s -dc %s", tool.get(), file).isEqualTo(expected);
      } else {
        System.out.println(compression + ": no command-line tool here; decoded by Java only");
      }
    }
    if (Runtime.getRuntime().availableProcessors() > 1) {
      byte[] zstd = Files.readAllBytes(samples.resolve(plain.getFileName() + ".zst"));
      assertThat(Zstd.findFrameCompressedSize(zstd)).as("one zstd frame per block: the parallel path")
          .isLessThan(zstd.length);
    }
  }
}
