package dev.fdbe.internal;

import dev.fdbe.FileConfig;
import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The only place that names stored objects. A part of attempt {@code epoch} of a run is stored at
 * {@code {team}/{run}/attempt-{epoch}/{start}-{end}-{index}.{ext}}, e.g.
 * {@code 1/6f0c.../attempt-1/2026-11-20T000000Z-2026-11-21T000000Z-00003.jsonl.zst}.
 *
 * <p>The file name has no {@code :} so it is safe on every filesystem and object store. The index
 * has five digits, so lexical key order is write order; a run therefore holds at most
 * {@link #MAX_PARTS} parts, and the engine fails a run that would need more, asking for a larger
 * {@code max_size_mb}.
 *
 * @param team the owning team
 * @param run the run
 * @param epoch the lease epoch of the attempt that writes the part
 * @param interval the run's data interval
 * @param index the 0-based part index
 * @param extension the file extension without a leading dot, e.g. {@code jsonl.zst}
 */
public record PartKey(TeamId team, RunId run, long epoch, TimeRange interval, int index, String extension) {
  /** The most parts a run can have while keeping five-digit, order-preserving names. */
  public static final int MAX_PARTS = 100_000;

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmmss").withZone(ZoneOffset.UTC);

  public PartKey {
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(extension, "extension");
    if (index < 0 || index >= MAX_PARTS) {
      throw new IllegalArgumentException("part index must be in [0, " + MAX_PARTS + "), got " + index);
    }
  }

  /** The key of part {@code index} of the attempt with {@code epoch} for the run and file config. */
  public static PartKey of(TeamId team, RunId run, long epoch, TimeRange interval, int index, FileConfig file) {
    return new PartKey(team, run, epoch, interval, index, file.extension());
  }

  /** The prefix under which every object of every attempt of a run lies. */
  public static String runPrefix(TeamId team, RunId run) {
    return team + "/" + run + "/";
  }

  /** The prefix under which the objects of one attempt lie. */
  public static String attemptPrefix(TeamId team, RunId run, long epoch) {
    return runPrefix(team, run) + "attempt-" + epoch + "/";
  }

  /** The file name: the key's last segment. */
  public String fileName() {
    return stamp(interval.start()) + "-" + stamp(interval.end()) + "-" + pad(index) + "." + extension;
  }

  /** The full object key. */
  public String key() {
    return attemptPrefix(team, run, epoch) + fileName();
  }

  @Override
  public String toString() {
    return key();
  }

  private static String pad(int index) {
    String digits = Integer.toString(index);
    return "0".repeat(5 - digits.length()) + digits;
  }

  private static String stamp(Instant instant) {
    String base = SECONDS.format(instant);
    int micros = instant.getNano() / 1000;
    if (micros == 0) {
      return base + "Z";
    }
    String fraction = Integer.toString(1_000_000 + micros).substring(1);
    return base + "." + fraction + "Z";
  }
}
