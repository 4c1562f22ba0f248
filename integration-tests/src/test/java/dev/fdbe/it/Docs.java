package dev.fdbe.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The documentation a person reads, README.md and docs/*.md, as the tests that keep it true see it:
 * its fenced code blocks, each with the marker on the line before it, its headings' anchors, and its
 * links.
 *
 * <p>The markers, HTML comments on the last non-blank line before a block's opening fence:
 * {@code <!-- example:NAME -->} before a Java block pairs it with the region {@code // example:start
 * NAME} … {@code // example:end NAME} of a test; {@code <!-- run:NAME -->} before a shell block says
 * {@link DocShellExamplesIT} runs it against the built jar; {@code <!-- illustrative: REASON -->}
 * says it cannot run in a build, and why.
 */
final class Docs {
  /** The repository's root (the tests run in the integration-tests module's directory). */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  /** Where the regions of Java examples live. */
  static final Path TEST_SOURCES = ROOT.resolve("integration-tests/src/test/java");
  /** Info strings of shell blocks. */
  static final Set<String> SHELL = Set.of("sh", "bash", "shell", "console", "zsh");

  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,})\\s*([^`\\s]*).*$");
  private static final Pattern MARKER = Pattern.compile("^<!--\\s*(.*?)\\s*-->$");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern REGION = Pattern.compile("^\\s*// example:(start|end) (\\S+)\\s*$");

  private Docs() {}

  /** A fenced code block: where it starts (1-based line of the fence), its language, marker and text. */
  record Block(Path file, int line, String language, String marker, String text) {
    String where() {
      return ROOT.relativize(file) + ":" + line;
    }
  }

  /** A link written as {@code [text](target)} outside code, with the line it is on. */
  record Link(Path file, int line, String target) {
    String where() {
      return ROOT.relativize(file) + ":" + line;
    }
  }

  /** README.md and every docs/*.md, in a stable order. */
  static List<Path> pages() {
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
      docs.filter(path -> path.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
      return pages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every fenced block of every page. */
  static List<Block> blocks() {
    List<Block> blocks = new ArrayList<>();
    for (Path page : pages()) {
      blocks.addAll(blocks(page));
    }
    return blocks;
  }

  static List<Block> blocks(Path page) {
    List<String> lines = read(page).lines().toList();
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      String fence = open.group(1);
      int end = i + 1;
      while (end < lines.size() && !lines.get(end).strip().equals(fence)) {
        end++;
      }
      if (end == lines.size()) {
        throw new AssertionError(ROOT.relativize(page) + ":" + (i + 1) + ": a code block that never ends");
      }
      blocks.add(new Block(page, i + 1, open.group(2).toLowerCase(Locale.ROOT), markerBefore(lines, i),
          String.join("\n", lines.subList(i + 1, end))));
      i = end;
    }
    return blocks;
  }

  /** The marker on the last non-blank line before line {@code index}, or null. */
  private static String markerBefore(List<String> lines, int index) {
    for (int i = index - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank()) {
        Matcher marker = MARKER.matcher(lines.get(i).strip());
        return marker.matches() ? marker.group(1) : null;
      }
    }
    return null;
  }

  /** The text of the one shell block marked {@code run:name}. */
  static String runnable(String name) {
    List<Block> marked = blocks().stream().filter(block -> ("run:" + name).equals(block.marker())).toList();
    if (marked.size() != 1) {
      throw new AssertionError("expected one block marked <!-- run:" + name + " -->, found " + marked.size());
    }
    return marked.get(0).text();
  }

  /** The lines of a page outside fenced code blocks, by line number (1-based); code lines are blank. */
  private static List<String> prose(Path page) {
    List<String> lines = new ArrayList<>(read(page).lines().toList());
    for (Block block : blocks(page)) {
      int last = block.line() + (int) block.text().lines().count();
      for (int i = block.line() - 1; i <= last && i < lines.size(); i++) {
        lines.set(i, "");
      }
    }
    return lines;
  }

  /** The links of a page outside code blocks and code spans. */
  static List<Link> links(Path page) {
    List<String> lines = prose(page);
    List<Link> links = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher link = LINK.matcher(INLINE_CODE.matcher(lines.get(i)).replaceAll("code"));
      while (link.find()) {
        links.add(new Link(page, i + 1, link.group(2)));
      }
    }
    return links;
  }

  /** The anchors GitHub gives the page's headings, duplicates numbered as GitHub numbers them. */
  static Set<String> anchors(Path page) {
    List<String> slugs = new ArrayList<>();
    for (String line : prose(page)) {
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        String slug = slug(heading.group(2));
        String unique = slug;
        for (int n = 1; slugs.contains(unique); n++) {
          unique = slug + "-" + n;
        }
        slugs.add(unique);
      }
    }
    return Set.copyOf(slugs);
  }

  /**
   * A heading's anchor as GitHub makes it: the rendered text (code spans and link texts kept, their
   * markup dropped) in lower case, without characters other than letters, digits, marks,
   * underscores, hyphens and spaces, and spaces as hyphens.
   */
  static String slug(String heading) {
    String text = INLINE_CODE.matcher(heading).replaceAll("$2");
    text = LINK.matcher(text).replaceAll("$1");
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]", "").replace(' ', '-');
  }

  /** A region of a test source: its name, where it is, and its text. */
  record Region(String name, Path file, int line, String text) {}

  /** Every {@code // example:start NAME} … {@code // example:end NAME} region of the test sources. */
  static List<Region> regions() {
    List<Region> regions = new ArrayList<>();
    List<Path> sources;
    try (Stream<Path> files = Files.walk(TEST_SOURCES)) {
      sources = files.filter(path -> path.toString().endsWith(".java")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path source : sources) {
      List<String> lines = read(source).lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        Matcher start = REGION.matcher(lines.get(i));
        if (!start.matches() || !start.group(1).equals("start")) {
          continue;
        }
        String name = start.group(2);
        int end = i + 1;
        while (end < lines.size() && !lines.get(end).strip().equals("// example:end " + name)) {
          end++;
        }
        if (end == lines.size()) {
          throw new AssertionError(ROOT.relativize(source) + ":" + (i + 1) + ": region " + name + " has no end");
        }
        regions.add(new Region(name, source, i + 1, String.join("\n", lines.subList(i + 1, end))));
        i = end;
      }
    }
    return regions;
  }

  /**
   * Code as it reads: the indentation all its lines share removed, trailing white space and leading
   * and trailing blank lines dropped. Everything else, indentation within included, must match.
   */
  static String dedent(String code) {
    List<String> lines = code.lines().map(String::stripTrailing).collect(Collectors.toCollection(ArrayList::new));
    while (!lines.isEmpty() && lines.get(0).isEmpty()) {
      lines.remove(0);
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    int indent = lines.stream().filter(line -> !line.isEmpty())
        .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
    return lines.stream().map(line -> line.isEmpty() ? line : line.substring(indent)).collect(Collectors.joining("\n"));
  }
}
