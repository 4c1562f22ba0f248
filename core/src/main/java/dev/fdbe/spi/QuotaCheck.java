package dev.fdbe.spi;

import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import java.util.Optional;

/**
 * A host's billing or quota check, asked before a run starts exporting. A refusal ends the run
 * {@code FailedBilling} with the given reason as its error. Implementations are thread-safe; an
 * exception counts as a transient failure and is retried like any other.
 */
@FunctionalInterface
public interface QuotaCheck {
  /** Allows every run. */
  QuotaCheck ALLOW_ALL = (run, team, model, interval) -> Optional.empty();

  /**
   * Checks whether the team may export.
   *
   * @return empty to allow the run, or the reason it is refused, in words for the user
   */
  Optional<String> refusal(RunId run, TeamId team, Model model, TimeRange interval);
}
