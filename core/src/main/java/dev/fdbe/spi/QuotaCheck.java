package dev.fdbe.spi;

import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import java.util.Optional;

/**
 * A host's billing or quota check, asked before every attempt of a run exports anything (its first
 * attempt, each retry and takeover, and each slice of a sliced run). A refusal ends the run
 * {@code FailedBilling} with the given reason as its error. Implementations are thread-safe. An
 * exception is a failure of the attempt like any other: an {@link dev.fdbe.ExportException} that
 * {@link dev.fdbe.ExportException#isRetryable() is retryable} (or an {@link java.io.IOException})
 * is retried, anything else ends the run {@code Failed}.
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
