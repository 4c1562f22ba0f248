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

import dev.fdbe.IllegalRunTransitionException;
import dev.fdbe.RunStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The run lifecycle: the one table of allowed status changes. Terminal statuses have no way out.
 * A claim or retry of a {@code Running} run keeps its status and is not a transition.
 */
public final class Transitions {
  private static final Map<RunStatus, Set<RunStatus>> ALLOWED = new EnumMap<>(RunStatus.class);

  static {
    for (RunStatus status : RunStatus.values()) {
      ALLOWED.put(status, EnumSet.noneOf(RunStatus.class));
    }
    ALLOWED.put(STARTING, EnumSet.of(RUNNING, CANCELLED, TERMINATED));
    ALLOWED.put(RUNNING, EnumSet.of(
        COMPLETED, FAILED, FAILED_RETRYABLE, FAILED_BILLING, CANCELLED, TERMINATED, TIMED_OUT));
  }

  /** Whether a run may move from {@code from} to {@code to}. */
  public static boolean allowed(RunStatus from, RunStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /**
   * Checks a status change.
   *
   * @throws IllegalRunTransitionException when the lifecycle does not allow it
   */
  public static void check(RunStatus from, RunStatus to) {
    if (!allowed(from, to)) {
      throw new IllegalRunTransitionException(from, to);
    }
  }

  /** The statuses a run in {@code from} may move to. */
  public static Set<RunStatus> targets(RunStatus from) {
    return Set.copyOf(ALLOWED.get(from));
  }

  private Transitions() {}
}
