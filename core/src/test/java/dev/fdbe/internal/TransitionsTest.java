package dev.fdbe.internal;

import static dev.fdbe.RunStatus.CANCELLED;
import static dev.fdbe.RunStatus.COMPLETED;
import static dev.fdbe.RunStatus.FAILED;
import static dev.fdbe.RunStatus.FAILED_BILLING;
import static dev.fdbe.RunStatus.FAILED_RETRYABLE;
import static dev.fdbe.RunStatus.RUNNING;
import static dev.fdbe.RunStatus.STARTING;
import static dev.fdbe.RunStatus.TERMINATED;
import static dev.fdbe.RunStatus.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.IllegalRunTransitionException;
import dev.fdbe.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TransitionsTest {
  /** The lifecycle of API.md, written out independently of the implementation's table. */
  private static final Map<RunStatus, Set<RunStatus>> EXPECTED = Map.of(
      STARTING, Set.of(RUNNING, CANCELLED, TERMINATED),
      RUNNING, Set.of(COMPLETED, FAILED, FAILED_RETRYABLE, FAILED_BILLING, CANCELLED, TERMINATED, TIMED_OUT));

  static List<Arguments> everyPair() {
    List<Arguments> pairs = new ArrayList<>();
    for (RunStatus from : RunStatus.values()) {
      for (RunStatus to : RunStatus.values()) {
        pairs.add(Arguments.of(from, to, EXPECTED.getOrDefault(from, Set.of()).contains(to)));
      }
    }
    return pairs;
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("everyPair")
  void everyPairIsAllowedExactlyAsTheLifecycleSays(RunStatus from, RunStatus to, boolean allowed) {
    assertThat(Transitions.allowed(from, to)).isEqualTo(allowed);
    if (allowed) {
      Transitions.check(from, to);
    } else {
      assertThatThrownBy(() -> Transitions.check(from, to))
          .isInstanceOf(IllegalRunTransitionException.class)
          .hasMessageContaining(from.wireName());
    }
  }

  @ParameterizedTest
  @EnumSource(RunStatus.class)
  void terminalStatusesHaveNoWayOut(RunStatus status) {
    assertThat(Transitions.targets(status).isEmpty()).isEqualTo(status.isTerminal());
  }

  @ParameterizedTest
  @EnumSource(value = RunStatus.class, names = {"COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"})
  void cancellingAFinishedRunHasTheApiMessage(RunStatus status) {
    assertThatThrownBy(() -> Transitions.check(status, CANCELLED))
        .hasMessage("Cannot cancel a run that is in '" + status.wireName() + "' status");
  }
}
