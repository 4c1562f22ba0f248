package dev.fdbe;

/**
 * How far a run has come: what its current attempt has written and committed to storage so far, and
 * after completion the totals of its files.
 *
 * @param recordsCompleted rows written to committed parts
 * @param bytesExported stored bytes of committed parts
 * @param partsCompleted committed parts
 */
public record Progress(long recordsCompleted, long bytesExported, int partsCompleted) {
  /** Nothing written yet. */
  public static final Progress NONE = new Progress(0, 0, 0);

  public Progress {
    if (recordsCompleted < 0 || bytesExported < 0 || partsCompleted < 0) {
      throw new IllegalArgumentException("progress counts must not be negative: records "
          + recordsCompleted + ", bytes " + bytesExported + ", parts " + partsCompleted);
    }
  }
}
