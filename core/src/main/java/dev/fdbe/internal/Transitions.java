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

import dev.fdbe.InvalidRequestException;
import dev.fdbe.RunStatus;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The run lifecycle: the one table of allowed status changes, and the one place that says which
 * statuses are active, terminal or claimable. Everything else ({@link RunStatus#isTerminal()}, both
 * run stores and their SQL) asks here.
 *
 * <p>Terminal statuses have no way out; active statuses are the others. A claim or retry of a
 * {@link #LEASED} run keeps its status and is not a transition.
 */
public final class Transitions {
  /**
   * The status a run is in while an attempt holds its lease. A claim moves a run to it, or takes a
   * run in it over once its lease expired; writes under a lease require it.
   */
  public static final RunStatus LEASED = RUNNING;
  /** The error of a slice that another slice's failure terminated (its sliced run failed). */
  public static final String SIBLING_FAILED = "another slice of the export failed";

  private static final Map<RunStatus, Set<RunStatus>> ALLOWED = new EnumMap<>(RunStatus.class);

  static {
    row(STARTING, RUNNING, CANCELLED, TERMINATED);
    row(RUNNING, COMPLETED, FAILED, FAILED_RETRYABLE, FAILED_BILLING, CANCELLED, TERMINATED, TIMED_OUT);
    row(COMPLETED);
    row(FAILED);
    row(FAILED_RETRYABLE);
    row(FAILED_BILLING);
    row(CANCELLED);
    row(TERMINATED);
    row(TIMED_OUT);
    Set<RunStatus> missing = EnumSet.complementOf(EnumSet.copyOf(ALLOWED.keySet()));
    if (!missing.isEmpty()) {
      throw new IllegalStateException("the run lifecycle has no row for " + missing);
    }
  }

  private static final Set<RunStatus> TERMINAL = collect(true);
  private static final Set<RunStatus> ACTIVE = collect(false);
  private static final Set<RunStatus> UNSTARTED = unstarted();
  private static final Set<RunStatus> CLAIMABLE = claimable();

  private static void row(RunStatus from, RunStatus... to) {
    Set<RunStatus> targets = EnumSet.noneOf(RunStatus.class);
    Collections.addAll(targets, to);
    ALLOWED.put(from, Collections.unmodifiableSet(targets));
  }

  private static Set<RunStatus> collect(boolean terminal) {
    Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
    ALLOWED.forEach((status, targets) -> {
      if (targets.isEmpty() == terminal) {
        statuses.add(status);
      }
    });
    return Collections.unmodifiableSet(statuses);
  }

  /** The statuses a claim starts: those with a way to {@link #LEASED}. */
  private static Set<RunStatus> unstarted() {
    Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
    ALLOWED.forEach((status, targets) -> {
      if (targets.contains(LEASED)) {
        statuses.add(status);
      }
    });
    return Collections.unmodifiableSet(statuses);
  }

  private static Set<RunStatus> claimable() {
    Set<RunStatus> statuses = EnumSet.copyOf(UNSTARTED);
    statuses.add(LEASED);
    return Collections.unmodifiableSet(statuses);
  }

  /** Whether a run may move from {@code from} to {@code to}. */
  public static boolean allowed(RunStatus from, RunStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /**
   * Checks a status change.
   *
   * @throws InvalidRequestException naming both statuses when the lifecycle does not allow it, e.g.
   *     {@code "Cannot cancel a run that is in 'Completed' status"}
   */
  public static void check(RunStatus from, RunStatus to) {
    if (!allowed(from, to)) {
      throw new InvalidRequestException(null, refusal(from, to));
    }
  }

  private static String refusal(RunStatus from, RunStatus to) {
    if (to == RunStatus.CANCELLED) {
      return "Cannot cancel a run that is in '" + from.wireName() + "' status";
    }
    return "Cannot move a run from '" + from.wireName() + "' to '" + to.wireName() + "' status";
  }

  /** The statuses a run in {@code from} may move to. */
  public static Set<RunStatus> targets(RunStatus from) {
    return ALLOWED.get(from);
  }

  /** Whether the status is final: it has no way out. */
  public static boolean isTerminal(RunStatus status) {
    return TERMINAL.contains(status);
  }

  /** Whether a run in the status may still change: it counts against its team's limit. */
  public static boolean isActive(RunStatus status) {
    return ACTIVE.contains(status);
  }

  /** The statuses with no way out (Completed and the failures, Cancelled, Terminated, TimedOut). */
  public static Set<RunStatus> terminal() {
    return TERMINAL;
  }

  /** The statuses with a way out (Starting, Running). */
  public static Set<RunStatus> active() {
    return ACTIVE;
  }

  /** The statuses a claim may take a run from at once, with no lease to wait for (Starting). */
  public static Set<RunStatus> unstartedStatuses() {
    return UNSTARTED;
  }

  /**
   * The statuses a claim may take a run from: the {@linkplain #unstartedStatuses() unstarted} ones
   * at once, {@link #LEASED} only when its lease expired (Starting, Running).
   */
  public static Set<RunStatus> claimableStatuses() {
    return CLAIMABLE;
  }

  /** Whether a run in the status may be claimed, given whether its lease (if any) expired. */
  public static boolean isClaimable(RunStatus status, boolean leaseExpired) {
    return UNSTARTED.contains(status) || (status == LEASED && leaseExpired);
  }

  /** Whether a write under a lease may still find the run in the status. */
  public static boolean holdsLease(RunStatus status) {
    return status == LEASED;
  }

  private Transitions() {}
}
