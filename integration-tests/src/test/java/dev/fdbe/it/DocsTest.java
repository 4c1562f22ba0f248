package dev.fdbe.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/*.md show only what is true: every Java block is a region of a test that runs,
 * every shell block is run by {@link DocShellExamplesIT} or marked illustrative with a reason, and
 * every relative link reaches a file of the repository and, with {@code #anchor}, a heading in it.
 * The markers are described in {@link Docs}.
 */
class DocsTest {
  @Test
  void everyJavaBlockIsTheRegionOfATest() {
    Map<String, Docs.Region> regions = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Docs.Region region : Docs.regions()) {
      if (regions.putIfAbsent(region.name(), region) != null) {
        problems.add(Docs.ROOT.relativize(region.file()) + ":" + region.line() + ": a second region " + region.name());
      }
    }
    Set<String> shown = new TreeSet<>();
    for (Docs.Block block : Docs.blocks()) {
      if (!block.language().equals("java")) {
        continue;
      }
      String marker = block.marker();
      if (marker == null || !marker.startsWith("example:")) {
        problems.add(block.where() + ": a java block without <!-- example:NAME --> before it");
        continue;
      }
      String name = marker.substring("example:".length()).strip();
      Docs.Region region = regions.get(name);
      if (region == null) {
        problems.add(block.where() + ": no test has the region '// example:start " + name + "'");
      } else if (!shown.add(name)) {
        problems.add(block.where() + ": region " + name + " is shown twice");
      } else if (!Docs.dedent(block.text()).equals(Docs.dedent(region.text()))) {
        problems.add(block.where() + ": differs from region " + name + " of " + Docs.ROOT.relativize(region.file())
            + ":" + region.line() + "\n--- shown:\n" + Docs.dedent(block.text()) + "\n--- tested:\n"
            + Docs.dedent(region.text()));
      }
    }
    for (Docs.Region region : regions.values()) {
      if (!shown.contains(region.name())) {
        problems.add(Docs.ROOT.relativize(region.file()) + ":" + region.line() + ": region " + region.name()
            + " is shown in no page");
      }
    }
    assertThat(problems).as("Java examples").isEmpty();
    assertThat(shown).as("the examples this test knows are there").contains("embed", "offline", "several-instances");
  }

  @Test
  void everyShellBlockRunsOrSaysWhyItCannot() {
    List<String> problems = new ArrayList<>();
    Set<String> runs = new TreeSet<>();
    for (Docs.Block block : Docs.blocks()) {
      if (!Docs.SHELL.contains(block.language())) {
        continue;
      }
      String marker = block.marker() == null ? "" : block.marker();
      if (marker.startsWith("run:")) {
        String name = marker.substring("run:".length()).strip();
        if (!DocShellExamplesIT.RUNS.contains(name)) {
          problems.add(block.where() + ": DocShellExamplesIT runs no block named " + name);
        } else if (!runs.add(name)) {
          problems.add(block.where() + ": a second block named " + name);
        }
      } else if (!marker.startsWith("illustrative:") || marker.substring("illustrative:".length()).isBlank()) {
        problems.add(block.where() + ": a " + block.language()
            + " block with neither <!-- run:NAME --> nor <!-- illustrative: REASON --> before it");
      }
    }
    assertThat(problems).as("shell examples").isEmpty();
    assertThat(runs).as("every block DocShellExamplesIT runs is in a page").isEqualTo(DocShellExamplesIT.RUNS);
  }

  @Test
  void everyRelativeLinkResolves() {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path page : Docs.pages()) {
      for (Docs.Link link : Docs.links(page)) {
        String target = link.target();
        if (target.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
          continue; // https:, mailto: and the like
        }
        checked++;
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
        if (!file.startsWith(Docs.ROOT) || !Files.exists(file)) {
          problems.add(link.where() + ": " + target + " is not a file of the repository");
        } else if (anchor != null && !(file.toString().endsWith(".md") && Docs.anchors(file).contains(anchor))) {
          problems.add(link.where() + ": " + target + " names no heading of " + Docs.ROOT.relativize(file));
        }
      }
    }
    assertThat(problems).as("relative links").isEmpty();
    assertThat(checked).as("links checked").isGreaterThan(50);
  }

  @Test
  void anchorsAreThoseGitHubMakes() {
    assertThat(Docs.slug("`--public-url`: where links point")).isEqualTo("--public-url-where-links-point");
    assertThat(Docs.slug("fdbe — file download batch exports")).isEqualTo("fdbe--file-download-batch-exports");
    assertThat(Docs.slug("Claims, leases, heartbeats and fencing")).isEqualTo("claims-leases-heartbeats-and-fencing");
    assertThat(Docs.slug("[Links](x.md) and `code`_names")).isEqualTo("links-and-code_names");
    assertThat(Docs.anchors(Docs.ROOT.resolve("README.md"))).contains("a-walk-through-the-api-with-curl",
        "using-the-library");
  }
}
