package dev.fdbe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Caller;
import dev.fdbe.ExportEngine;
import dev.fdbe.LogQuery;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What users read about a run, and the check that it names nothing of the machine that ran it. */
public final class UserTexts {
  private UserTexts() {}

  /** The run's error, if any, then every line of its log. */
  public static List<String> of(ExportEngine engine, Caller caller, RunSnapshot run) {
    List<String> texts = new ArrayList<>();
    if (run.error() != null) {
      texts.add(run.error());
    }
    engine.logs(caller, run.id(), LogQuery.builder().limit(500).build()).items().stream()
        .map(RunLogEntry::message).forEach(texts::add);
    return texts;
  }

  /**
   * Asserts that there are texts and that none holds the engine's instance name, any of the
   * {@code internal} strings (paths, hosts), this process's id or this host's name as a word.
   */
  public static void assertNoMachineDetail(List<String> texts, String instanceName, String... internal) {
    List<Pattern> words = new ArrayList<>(List.of(word(Long.toString(ProcessHandle.current().pid()))));
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      words.add(word(host));
    }
    assertThat(texts).isNotEmpty().allSatisfy(text -> {
      assertThat(text).doesNotContain(instanceName).doesNotContain(internal);
      for (Pattern word : words) {
        assertThat(word.matcher(text).find()).as("'%s' in '%s'", word, text).isFalse();
      }
    });
  }

  private static Pattern word(String text) {
    return Pattern.compile("(?<![\\w.-])" + Pattern.quote(text) + "(?![\\w-])");
  }
}
