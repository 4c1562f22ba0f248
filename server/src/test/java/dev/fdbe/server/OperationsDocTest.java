package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/operations.md has a row for every serve option, with its variable, in the code's order. */
class OperationsDocTest {
  @Test
  void theTableListsEveryServeOptionWithItsVariable() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "operations.md"));
    List<String> rows = doc.lines().filter(line -> line.startsWith("| `--")).toList();

    assertThat(rows).hasSameSizeAs(Commands.SERVE_OPTIONS);
    for (int i = 0; i < rows.size(); i++) {
      Options.Spec spec = Commands.SERVE_OPTIONS.get(i);
      assertThat(rows.get(i)).startsWith("| `" + spec.flagName() + " " + spec.value().replace("|", "\\|")
          + "` | `" + spec.variable() + "` | ");
    }
  }
}
