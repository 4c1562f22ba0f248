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

import dev.fdbe.InvalidRequestException;
import dev.fdbe.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TransitionsTest {
  /**
   * The run lifecycle as the HTTP API documents it, written out independently of the implementation's table. Every status
   * has a row, terminal ones an empty one: a new status fails {@link #theExpectedTableHasARowForEveryStatus}
   * until it is classified here.
   */
  private static final Map<RunStatus, Set<RunStatus>> EXPECTED = Map.of(
      STARTING, Set.of(RUNNING, CANCELLED, TERMINATED),
      RUNNING, Set.of(COMPLETED, FAILED, FAILED_RETRYABLE, FAILED_BILLING, CANCELLED, TERMINATED, TIMED_OUT),
      COMPLETED, Set.of(),
      FAILED, Set.of(),
      FAILED_RETRYABLE, Set.of(),
      FAILED_BILLING, Set.of(),
      CANCELLED, Set.of(),
      TERMINATED, Set.of(),
      TIMED_OUT, Set.of());

  @Test
  void theExpectedTableHasARowForEveryStatus() {
    assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(RunStatus.values());
  }

  static List<Arguments> everyPair() {
    List<Arguments> pairs = new ArrayList<>();
    for (RunStatus from : RunStatus.values()) {
      for (RunStatus to : RunStatus.values()) {
        pairs.add(Arguments.of(from, to, EXPECTED.get(from).contains(to)));
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
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining(from.wireName());
    }
  }

  @ParameterizedTest
  @EnumSource(RunStatus.class)
  void terminalStatusesHaveNoWayOut(RunStatus status) {
    assertThat(Transitions.targets(status)).isEqualTo(EXPECTED.get(status));
    assertThat(Transitions.targets(status).isEmpty()).isEqualTo(status.isTerminal());
  }

  @ParameterizedTest
  @EnumSource(RunStatus.class)
  void everyStatusIsEitherActiveOrTerminal(RunStatus status) {
    boolean terminal = EXPECTED.get(status).isEmpty();
    assertThat(Transitions.isTerminal(status)).isEqualTo(terminal);
    assertThat(status.isTerminal()).isEqualTo(terminal);
    assertThat(Transitions.isActive(status)).isEqualTo(!terminal);
    assertThat(Transitions.terminal().contains(status)).isEqualTo(terminal);
    assertThat(Transitions.active().contains(status)).isEqualTo(!terminal);
  }

  @Test
  void activeAndTerminalStatusesAreTheDocumentedOnes() {
    assertThat(Transitions.active()).containsExactlyInAnyOrder(STARTING, RUNNING);
    assertThat(Transitions.terminal()).containsExactlyInAnyOrder(
        COMPLETED, FAILED, FAILED_RETRYABLE, FAILED_BILLING, CANCELLED, TERMINATED, TIMED_OUT);
  }

  @Test
  void claimsStartStartingRunsAndTakeOverRunningRunsWhoseLeaseExpired() {
    assertThat(Transitions.LEASED).isEqualTo(RUNNING);
    assertThat(Transitions.unstartedStatuses()).containsExactly(STARTING);
    assertThat(Transitions.claimableStatuses()).containsExactlyInAnyOrder(STARTING, RUNNING);
    assertThat(Transitions.active()).containsAll(Transitions.claimableStatuses());
  }

  static List<Arguments> everyStatusAndLease() {
    List<Arguments> cases = new ArrayList<>();
    for (RunStatus status : RunStatus.values()) {
      cases.add(Arguments.of(status, false, status == STARTING));
      cases.add(Arguments.of(status, true, status == STARTING || status == RUNNING));
    }
    return cases;
  }

  @ParameterizedTest(name = "{0}, lease expired {1}: claimable {2}")
  @MethodSource("everyStatusAndLease")
  void claimableExactlyAsTheLifecycleSays(RunStatus status, boolean leaseExpired, boolean claimable) {
    assertThat(Transitions.isClaimable(status, leaseExpired)).isEqualTo(claimable);
    assertThat(Transitions.holdsLease(status)).isEqualTo(status == RUNNING);
  }

  @ParameterizedTest
  @EnumSource(value = RunStatus.class, names = {"COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"})
  void cancellingAFinishedRunHasTheApiMessage(RunStatus status) {
    assertThatThrownBy(() -> Transitions.check(status, CANCELLED))
        .hasMessage("Cannot cancel a run that is in '" + status.wireName() + "' status");
  }
}
