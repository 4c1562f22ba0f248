package dev.fdbe.internal;

/** Why an attempt must stop before it finishes. */
enum StopReason {
  /** A user cancelled the run; its status is already {@code Cancelled}. */
  CANCELLED,
  /** An operator terminated the run; its status is already {@code Terminated}. */
  TERMINATED,
  /** The run exceeded its time limit; the attempt ends it {@code TimedOut}. */
  TIMED_OUT,
  /** Another attempt holds the run now; this one must not commit anything. */
  LEASE_LOST,
  /** The engine is shutting down; the run is released for another engine to take over. */
  SHUTDOWN
}
