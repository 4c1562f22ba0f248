package dev.fdbe;

/**
 * A status change that the run lifecycle does not allow, such as cancelling a run that already
 * finished (HTTP 400). Terminal statuses never change.
 */
public class IllegalRunTransitionException extends ExportException {
  private static final long serialVersionUID = 1L;

  private final RunStatus from;
  private final RunStatus to;

  public IllegalRunTransitionException(RunStatus from, RunStatus to) {
    super(messageFor(from, to));
    this.from = from;
    this.to = to;
  }

  private static String messageFor(RunStatus from, RunStatus to) {
    if (to == RunStatus.CANCELLED) {
      return "Cannot cancel a run that is in '" + from.wireName() + "' status";
    }
    return "Cannot move a run from '" + from.wireName() + "' to '" + to.wireName() + "' status";
  }

  /** The status the run is in. */
  public RunStatus from() {
    return from;
  }

  /** The status that was asked for. */
  public RunStatus to() {
    return to;
  }
}
