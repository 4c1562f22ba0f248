package dev.fdbe.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README shows code that compiles and passes: its examples are copies of tests. */
class ReadmeTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    int to = text.indexOf(end, from + 1);
    assertThat(from).as("marker %s", start).isNotNegative();
    assertThat(to).as("marker %s", end).isGreaterThan(from);
    return text.substring(from + start.length(), to);
  }

  private static String normalize(String code) {
    return code.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void offlineExampleIsTheTestItClaimsToBe() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String test = Files.readString(ROOT.resolve(
        "integration-tests/src/test/java/dev/fdbe/it/OfflineExportExampleTest.java"));

    String shown = between(readme, "<!-- example:offline -->\n```java", "```\n<!-- /example:offline -->");
    String tested = between(test, "// example:start", "  // example:end");

    assertThat(normalize(shown)).isEqualTo(normalize(tested));
  }
}
