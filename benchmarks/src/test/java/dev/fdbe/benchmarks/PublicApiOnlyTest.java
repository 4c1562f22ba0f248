package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks measure what a caller can use: every class lives in {@code dev.fdbe.benchmarks},
 * where the compiler allows only public types of other packages, and none names an internal
 * package (core's {@code dev.fdbe.internal} types are public but not exported).
 */
class PublicApiOnlyTest {
  private static final Path SOURCES = Path.of("src", "main", "java");
  private static final Pattern INTERNAL = Pattern.compile("\\bdev\\.fdbe(\\.\\w+)*\\.internal\\b");

  @Test
  void everyBenchmarkClassIsInTheBenchmarksPackage() throws IOException {
    assertThat(sources()).isNotEmpty()
        .allSatisfy(file -> assertThat(SOURCES.relativize(file).getParent())
            .as("the package of %s", file).isEqualTo(Path.of("dev", "fdbe", "benchmarks")));
  }

  @Test
  void noBenchmarkNamesAnInternalPackage() throws IOException {
    for (Path file : sources()) {
      assertThat(Files.readAllLines(file)).as("lines of %s naming an internal package", file)
          .noneMatch(line -> INTERNAL.matcher(line).find());
    }
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files.filter(file -> file.toString().endsWith(".java")).toList();
    }
  }
}
