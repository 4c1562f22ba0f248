package dev.fdbe.internal;

import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.MultipartUploads;

/**
 * Deletes what runs and attempts leave in the blob store: the objects under their prefix and, for
 * stores with multipart uploads, the uploads still open under it (those never show as objects).
 */
final class StorageCleaner {
  private final BlobStore blobs;

  StorageCleaner(BlobStore blobs) {
    this.blobs = blobs;
  }

  /** Deletes every object and open upload of the run; returns how many objects there were. */
  int deleteRun(TeamId team, RunId run) {
    String prefix = PartKey.runPrefix(team, run);
    int count = blobs.list(prefix).size();
    deletePrefix(prefix);
    return count;
  }

  /** Deletes the objects and open uploads of one attempt. */
  void deleteAttempt(TeamId team, RunId run, long epoch) {
    deletePrefix(PartKey.attemptPrefix(team, run, epoch));
  }

  /** Deletes what the attempts before {@code epoch} left behind (after {@code epoch} completed the run). */
  void deleteAttemptsBefore(TeamId team, RunId run, long epoch) {
    for (long earlier = 1; earlier < epoch; earlier++) {
      deleteAttempt(team, run, earlier);
    }
  }

  private void deletePrefix(String prefix) {
    if (blobs instanceof MultipartUploads multipart) {
      multipart.abortUploads(prefix);
    }
    blobs.deleteByPrefix(prefix);
  }
}
