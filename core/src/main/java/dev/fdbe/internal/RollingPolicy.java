package dev.fdbe.internal;

import dev.fdbe.FileConfig;

/**
 * When the part in progress is rolled: closed for commit, and the next row starts a new part. The
 * roll rule of the part lifecycle, named after the rolling policy of Flink's file sink.
 *
 * <p>Rules: without a size limit ({@code max_size_mb} null or 0) a run writes one part. With one,
 * the limit is hard on stored bytes: the writer reports the part's stored size with the
 * next row staged, and the part rolls before that row when the size would cross the limit, never
 * after; a part exactly at the limit keeps the row. A part without rows takes the row whatever its
 * size, so a row alone larger than the limit gets a part of its own and no part is empty.
 *
 * <p>The limit comes from {@link FileConfig#maxPartBytes()}, which has checked it; it is not checked
 * again here. Immutable.
 */
final class RollingPolicy {
  /** One part, whatever its size: the policy for {@code max_size_mb} null or 0. */
  static final RollingPolicy ONE_PART = new RollingPolicy(0);

  private final long maxPartBytes;

  private RollingPolicy(long maxPartBytes) {
    this.maxPartBytes = maxPartBytes;
  }

  /** The policy for the file config's part size limit. */
  static RollingPolicy of(FileConfig file) {
    long limit = file.maxPartBytes();
    return limit == 0 ? ONE_PART : new RollingPolicy(limit);
  }

  /** The part size limit in stored bytes, or 0 when the output is one part. */
  long maxPartBytes() {
    return maxPartBytes;
  }

  /**
   * Whether the part in progress must roll before the row staged on it is appended.
   *
   * @param partRecords the rows the part holds, not counting the staged one
   * @param partBytesWithRow the part's stored size if the staged row were appended and the part
   *     closed (the writer's bound, see {@link dev.fdbe.spi.RecordWriter#stage})
   */
  boolean shouldRollOnEvent(long partRecords, long partBytesWithRow) {
    return maxPartBytes > 0 && partRecords > 0 && partBytesWithRow > maxPartBytes;
  }

  @Override
  public String toString() {
    return maxPartBytes == 0 ? "RollingPolicy[one part]" : "RollingPolicy[maxPartBytes=" + maxPartBytes + "]";
  }
}
