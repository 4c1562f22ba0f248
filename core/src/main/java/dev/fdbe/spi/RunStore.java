package dev.fdbe.spi;

import dev.fdbe.AttemptId;
import dev.fdbe.FileId;
import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.Page;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunStatus;
import dev.fdbe.TeamId;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Keeps runs, leases, parts, file downloads, run logs and the uploads attempts leave open in a blob
 * store. The store is the single source of truth that engines in one or many processes coordinate
 * through: every change is a conditional update, so that two engines can never both claim a run and
 * an attempt that lost its lease can never commit.
 *
 * <p>Implementations are thread-safe. "Not found" is an empty result, never an exception, except
 * that an {@link #uploadJournal upload journal} refuses to record for a run that is gone as it does
 * for a lost lease. Store failures surface as {@link dev.fdbe.ExportException}. Instants are kept
 * with microsecond precision.
 */
public interface RunStore {
  /**
   * Inserts a new {@code Starting} run, unless its team already has {@code maxActivePerTeam} runs
   * {@code Starting} or {@code Running}. The check and the insert are atomic: concurrent inserts,
   * also from other processes, never exceed the limit.
   *
   * @throws dev.fdbe.TooManyRunsException when the team is at its limit
   */
  void insert(RunRecord run, int maxActivePerTeam);

  /**
   * Inserts a new sliced run and its slices, unless its team is at its limit; the run counts once
   * towards the limit, its slices not at all. Atomic like {@link #insert}.
   *
   * @throws dev.fdbe.TooManyRunsException when the team is at its limit
   */
  void insertSliced(RunRecord run, List<RunRecord> slices, int maxActivePerTeam);

  /** The slices of a sliced run, in slice order; empty for any other run. */
  List<RunRecord> slices(RunId parent);

  /** The run, or empty. */
  Optional<RunRecord> find(RunId id);

  /** The runs among {@code ids} that exist, in no particular order. */
  List<RunRecord> findAll(Collection<RunId> ids);

  /**
   * A page of a team's runs (slices not included), newest first ({@code createdAt}, then id), with the
   * count of all of them.
   *
   * @param limit the most runs to return, not negative (the engine caps it)
   * @param offset how many of the newest runs to skip, not negative
   */
  Page<RunRecord> list(TeamId team, int limit, long offset);

  /**
   * Moves a {@code Starting} or {@code Running} run to {@code to} (cancel, terminate), whoever
   * holds its lease, and sets {@code finishedAt}. Stopping a sliced run stops its slices with it.
   *
   * @param error the run's error as users read it, or null for none (a cancel gives none)
   * @return whether the run was changed; false when it was already terminal or does not exist
   */
  boolean stop(RunId id, RunStatus to, @Nullable String error, Instant now);

  /**
   * Runs an engine may claim now: {@code Starting} ones, and {@code Running} ones whose lease
   * expired before {@code now}; oldest first. A sliced run is never claimed; its slices are.
   */
  List<RunRecord> claimable(Instant now, int limit);

  /**
   * Claims a run seen by {@link #claimable}: if it still carries {@code expectedEpoch} and is still
   * claimable, it becomes {@code Running} with a lease of the next epoch for a new attempt. Claiming
   * a slice starts its sliced run if it was still {@code Starting}.
   *
   * @return the lease, or empty when another engine won the claim
   */
  Optional<Lease> claim(RunId id, long expectedEpoch, AttemptId attemptId, String owner, Instant now,
      Instant leaseUntil);

  /**
   * Starts a new attempt under the run's current lease (a retry in the same engine): the epoch
   * advances so that nothing of the previous attempt can commit any more.
   *
   * @return the new lease, or empty when the lease was lost or the run is no longer running
   */
  Optional<Lease> reattempt(Lease current, AttemptId attemptId, Instant now, Instant leaseUntil);

  /** Extends the lease; false when it was lost (taken over, or the run was stopped). */
  boolean renew(Lease lease, Instant until);

  /**
   * Gives up the lease without changing the status, so that another engine may claim the run at
   * once (a graceful shutdown). False when the lease was already lost.
   */
  boolean release(Lease lease, Instant now);

  /**
   * Records a stored part and counts it in the run's progress, if the lease still holds: the run's
   * {@code partsCompleted} grows by one, and its {@code recordsCompleted} and {@code bytesExported}
   * become at least the totals of the parts the attempt has registered. Rows and bytes of the part
   * that {@link #reportProgress} reported while it was written are not counted twice.
   *
   * @return false when the lease was lost; the part is not recorded then
   */
  boolean registerPart(Lease lease, PartRecord part);

  /**
   * Records the live progress of the attempt holding {@code lease}, if the lease still holds: the
   * rows it has written so far and the bytes it has stored so far, both counting the part it is
   * writing, and the rows its source counted for it ({@code recordsTotal}, null when the source
   * cannot count). Until the attempt ends the run's {@link RunRecord#recordsCompleted()} and
   * {@link RunRecord#bytesExported()} are at least these counts, never lower than before, and its
   * {@link RunRecord#recordsTotal()} is {@code recordsTotal}; a new attempt ({@link #claim},
   * {@link #reattempt}) starts them again from 0 and null.
   *
   * <p>The engine reports at most about once a second per attempt while rows flow, never per row,
   * so an implementation may write every report. The stores of {@link dev.fdbe.RunStores} refuse a
   * negative count with an {@link IllegalArgumentException}. The default records nothing and
   * returns true: progress then moves only as parts are registered, and totals stay unknown.
   *
   * @param records rows written so far, not negative
   * @param bytes bytes stored so far, not negative
   * @param recordsTotal the rows the source counted, not negative, or null
   * @return false when the lease was lost; nothing is written then
   */
  default boolean reportProgress(Lease lease, long records, long bytes, @Nullable Long recordsTotal) {
    return true;
  }

  /** The parts registered for the run by the attempt of the given epoch, in index order. */
  List<PartRecord> parts(RunId id, long epoch);

  /**
   * In one transaction, if the lease still holds: inserts the file downloads and moves the run to
   * {@code Completed} with its final progress. A run is never {@code Completed} without its files.
   * When the run is the last slice of a sliced run to complete, the sliced run completes in the
   * same transaction, with the files of all its slices in slice order, indexed anew.
   *
   * @return false when the lease was lost; nothing is written then
   */
  boolean complete(Lease lease, List<FileRecord> files, Instant now);

  /**
   * Moves the run to a terminal status other than {@code Completed} with an error, if the lease
   * still holds. A failing slice fails its sliced run with the same status (the error naming the
   * slice) and terminates the other slices, in the same transaction.
   *
   * @return false when the lease was lost; nothing is written then
   */
  boolean fail(Lease lease, RunStatus status, String error, Instant now);

  /**
   * The journal of the uploads that the attempt holding the run under {@code epoch} leaves open in
   * a blob store ({@link MultipartUploads}) until it completes or aborts them. An attempt passes its
   * lease's run and epoch and hands the journal to {@link MultipartUploads#beginUpload(String,
   * UploadJournal)}; the janitor, which holds no lease, closes in it an upload that {@link #uploads}
   * listed once the upload is aborted. Getting a journal reads and writes nothing.
   *
   * <ul>
   *   <li>{@link UploadJournal#opened opened} records the upload with the run, {@code epoch} and
   *       the time {@code clock} tells, if the run is still {@code Running} under {@code epoch}:
   *       the check and the insert are atomic, so a claim that advances the epoch either sees the
   *       upload recorded or makes the record fail. Otherwise, also when the run does not exist,
   *       it records nothing and throws {@link IllegalStateException}. Not idempotent: each upload
   *       is opened once.
   *   <li>{@link UploadJournal#closed closed} forgets the run's recorded upload of that id,
   *       whichever attempt recorded it and whatever the run's status; idempotent, and closing an
   *       upload that is not recorded does nothing.
   * </ul>
   *
   * <p>The journal is thread-safe, and holds no connection or lock between calls.
   */
  UploadJournal uploadJournal(RunId runId, long epoch, InstantSource clock);

  /**
   * Recorded uploads that no journal closed yet, oldest ({@code recordedAt}) first, at most
   * {@code limit}; empty when there are none.
   */
  List<UploadRecord> uploads(int limit);

  /** The run's file downloads in index order; empty unless it completed. */
  List<FileRecord> files(RunId id);

  /** File downloads that expired before {@code now} and whose objects are not deleted yet. */
  List<FileRecord> expiredFiles(Instant now, int limit);

  /** Notes that a file download's object was deleted. */
  void markFileDeleted(FileId id, Instant now);

  /** Terminal runs whose storage has not been cleaned yet, oldest first. */
  List<RunRecord> uncleaned(int limit);

  /** Notes that every object no file download of the run owns has been deleted. */
  void markCleaned(RunId id);

  /**
   * Appends a line to the run's log. Timestamps are unique within a run: when {@code now} is not
   * after the run's latest entry, the entry gets the next microsecond after it.
   *
   * @return the stored entry
   */
  RunLogEntry appendLog(RunId runId, AttemptId attemptId, LogLevel level, String message, Instant now);

  /**
   * The run's log entries that match the query, newest first, with the count of all that match.
   */
  Page<RunLogEntry> logs(RunId runId, LogQuery query);
}
