package dev.fdbe.internal.store;

import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.internal.Micros;
import dev.fdbe.internal.Transitions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/*
 * Every statement the JDBC run store and its migrations send, for H2 and PostgreSQL alike; the few
 * that differ by dialect are chosen by an exhaustive switch at the bottom. Values are always bound
 * parameters. The only text put into statements is fixed: the status lists rendered once from the
 * lifecycle table in Transitions (wire names are enum constants, never input; single statuses are
 * bound instead) and runs of "?" placeholders.
 */
final class StoreSql {
  // ---------------------------------------------------------------- columns and status lists

  static final String RUN_COLUMNS = "id, team_id, model, file_format, compression, max_size_mb, "
      + "interval_start_us, interval_end_us, status, error, records_completed, bytes_exported, parts_completed, "
      + "created_at_us, started_at_us, finished_at_us, lease_epoch, attempt_id, lease_owner, lease_expires_at_us, "
      + "attempts, storage_cleaned, parent_id, slice_index, slice_count, records_total";
  static final int RUN_COLUMN_COUNT = 26;
  static final String FILE_COLUMNS =
      "id, run_id, part_index, storage_key, file_name, size_bytes, records, sha256, expires_at_us, deleted_at_us";

  /** The active statuses (Starting, Running): runs that may still change and count against the limit. */
  private static final String ACTIVE = sqlList(Transitions.active());
  /** The unstarted statuses (Starting): runs a claim starts. */
  private static final String UNSTARTED = sqlList(Transitions.unstartedStatuses());
  /** Which runs a claim may take; one parameter, the current time. */
  private static final String CLAIMABLE = "(status IN " + UNSTARTED + " OR (status IN "
      + sqlList(Set.of(Transitions.LEASED)) + " AND lease_expires_at_us < ?))";

  // ---------------------------------------------------------------- teams and runs

  static final String LOCK_TEAM = "SELECT team_id FROM fdbe_teams WHERE team_id = ? FOR UPDATE";
  static final String TEAM_EXISTS = "SELECT 1 FROM fdbe_teams WHERE team_id = ?";
  static final String INSERT_TEAM = "INSERT INTO fdbe_teams (team_id) VALUES (?)";
  static final String COUNT_ACTIVE_RUNS_OF_TEAM =
      "SELECT COUNT(*) FROM fdbe_runs WHERE team_id = ? AND parent_id IS NULL AND status IN " + ACTIVE;

  static final String INSERT_RUN = "INSERT INTO fdbe_runs (" + RUN_COLUMNS + ") VALUES ("
      + placeholders(RUN_COLUMN_COUNT) + ")";
  static final String INSERT_EVENT_FILTER =
      "INSERT INTO fdbe_run_event_filters (run_id, kind, seq, event_name) VALUES (?, ?, ?, ?)";

  static final String SELECT_SLICES =
      "SELECT " + RUN_COLUMNS + " FROM fdbe_runs WHERE parent_id = ? ORDER BY slice_index";
  static final String COUNT_RUNS_OF_TEAM = "SELECT COUNT(*) FROM fdbe_runs WHERE team_id = ? AND parent_id IS NULL";
  static final String PAGE_RUNS_OF_TEAM = "SELECT " + RUN_COLUMNS + " FROM fdbe_runs "
      + "WHERE team_id = ? AND parent_id IS NULL ORDER BY created_at_us DESC, id DESC LIMIT ? OFFSET ?";
  static final String SELECT_UNCLEANED = "SELECT " + RUN_COLUMNS + " FROM fdbe_runs "
      + "WHERE storage_cleaned = FALSE AND status NOT IN " + ACTIVE + " ORDER BY created_at_us LIMIT ?";
  static final String MARK_CLEANED = "UPDATE fdbe_runs SET storage_cleaned = TRUE WHERE id = ? AND status NOT IN "
      + ACTIVE;
  static final String DELETE_PARTS_OF_RUN = "DELETE FROM fdbe_parts WHERE run_id = ?";

  /** The runs of some ids. */
  static String selectRuns(int ids) {
    return "SELECT " + RUN_COLUMNS + " FROM fdbe_runs WHERE id IN (" + placeholders(ids) + ")";
  }

  /** The event filters of some runs, in the order they were given. */
  static String selectEventFilters(int runs) {
    return "SELECT run_id, kind, event_name FROM fdbe_run_event_filters WHERE run_id IN (" + placeholders(runs)
        + ") ORDER BY run_id, kind, seq";
  }

  // ---------------------------------------------------------------- run ends

  /** Ends an active run, whoever holds its lease: status, error, finished-at, id. */
  static final String STOP_ACTIVE_RUN = "UPDATE fdbe_runs SET status = ?, error = ?, finished_at_us = ? "
      + "WHERE id = ? AND status IN " + ACTIVE;
  static final String COMPLETE_LEASED_RUN = "UPDATE fdbe_runs SET status = ?, error = NULL, finished_at_us = ?, "
      + "records_completed = ?, bytes_exported = ?, parts_completed = ? "
      + "WHERE id = ? AND lease_epoch = ? AND status = ?";
  static final String FAIL_LEASED_RUN = "UPDATE fdbe_runs SET status = ?, error = ?, finished_at_us = ? "
      + "WHERE id = ? AND lease_epoch = ? AND status = ?";

  // ---------------------------------------------------------------- sliced runs

  static final String SELECT_PARENT = "SELECT parent_id FROM fdbe_runs WHERE id = ?";
  static final String LOCK_RUN = "SELECT id FROM fdbe_runs WHERE id = ? FOR UPDATE";
  static final String START_UNSTARTED_RUN = "UPDATE fdbe_runs SET status = ?, "
      + "started_at_us = COALESCE(started_at_us, ?) WHERE id = ? AND status IN " + UNSTARTED;
  /** Ends the active slices of a run but one: status, error, finished-at, parent, the slice to spare. */
  static final String STOP_ACTIVE_SLICES = "UPDATE fdbe_runs SET status = ?, error = ?, finished_at_us = ? "
      + "WHERE parent_id = ? AND id <> ? AND status IN " + ACTIVE;
  static final String UNCLEAN_SLICES_IN_STATUS =
      "UPDATE fdbe_runs SET storage_cleaned = FALSE WHERE parent_id = ? AND status = ?";
  static final String COUNT_SLICES_NOT_IN_STATUS =
      "SELECT COUNT(*) FROM fdbe_runs WHERE parent_id = ? AND status <> ?";
  static final String SELECT_FILES_OF_SLICES = "SELECT " + qualified("f", FILE_COLUMNS)
      + " FROM fdbe_files f JOIN fdbe_runs s ON s.id = f.run_id WHERE s.parent_id = ? "
      + "ORDER BY s.slice_index, f.part_index";
  static final String DELETE_FILES_OF_SLICES =
      "DELETE FROM fdbe_files WHERE run_id IN (SELECT id FROM fdbe_runs WHERE parent_id = ?)";
  static final String COMPLETE_ACTIVE_RUN = "UPDATE fdbe_runs SET status = ?, error = NULL, finished_at_us = ?, "
      + "records_completed = ?, bytes_exported = ?, parts_completed = ? WHERE id = ? AND status IN " + ACTIVE;
  static final String DESCRIBE_SLICE = "SELECT s.slice_index, p.slice_count, s.interval_start_us, s.interval_end_us "
      + "FROM fdbe_runs s JOIN fdbe_runs p ON p.id = s.parent_id WHERE s.id = ?";

  // ---------------------------------------------------------------- leases

  /** What a new attempt starts from: nothing written, nothing counted. */
  private static final String NO_PROGRESS =
      "records_completed = 0, bytes_exported = 0, parts_completed = 0, records_total = NULL";

  static final String SELECT_CLAIMABLE = "SELECT " + RUN_COLUMNS + " FROM fdbe_runs "
      + "WHERE slice_count = 0 AND " + CLAIMABLE + " ORDER BY created_at_us, slice_index LIMIT ?";
  static final String CLAIM = "UPDATE fdbe_runs SET status = ?, lease_epoch = lease_epoch + 1, attempt_id = ?, "
      + "lease_owner = ?, lease_expires_at_us = ?, attempts = attempts + 1, "
      + "started_at_us = COALESCE(started_at_us, ?), " + NO_PROGRESS
      + " WHERE id = ? AND lease_epoch = ? AND slice_count = 0 AND " + CLAIMABLE;
  static final String REATTEMPT = "UPDATE fdbe_runs SET lease_epoch = lease_epoch + 1, attempt_id = ?, "
      + "lease_expires_at_us = ?, attempts = attempts + 1, " + NO_PROGRESS
      + " WHERE id = ? AND lease_epoch = ? AND status = ?";
  static final String SELECT_LEASE =
      "SELECT lease_epoch, attempt_id, attempts, lease_owner, lease_expires_at_us FROM fdbe_runs WHERE id = ?";
  static final String SET_LEASE_EXPIRY =
      "UPDATE fdbe_runs SET lease_expires_at_us = ? WHERE id = ? AND lease_epoch = ? AND status = ?";
  /** Changes nothing, but locks the run's row if the lease of an epoch holds it: id, epoch, status. */
  static final String LOCK_LEASED_RUN =
      "UPDATE fdbe_runs SET lease_epoch = lease_epoch WHERE id = ? AND lease_epoch = ? AND status = ?";

  // ---------------------------------------------------------------- parts and files

  /**
   * Counts a part in its run's progress: at least the part's rows and bytes plus those of the
   * attempt's parts registered before it (the live progress may have counted the part already).
   * Parameters: the part's records and bytes, then id, epoch and status of the lease.
   */
  static final String ADD_PART_TO_PROGRESS = "UPDATE fdbe_runs SET "
      + "records_completed = GREATEST(records_completed, CAST(? AS BIGINT) + (SELECT COALESCE(SUM(p.records), 0) "
      + "FROM fdbe_parts p WHERE p.run_id = fdbe_runs.id AND p.epoch = fdbe_runs.lease_epoch)), "
      + "bytes_exported = GREATEST(bytes_exported, CAST(? AS BIGINT) + (SELECT COALESCE(SUM(p.size_bytes), 0) "
      + "FROM fdbe_parts p WHERE p.run_id = fdbe_runs.id AND p.epoch = fdbe_runs.lease_epoch)), "
      + "parts_completed = parts_completed + 1 WHERE id = ? AND lease_epoch = ? AND status = ?";
  /** The live progress of an attempt: records, bytes, total (or NULL), then id, epoch and status of the lease. */
  static final String REPORT_PROGRESS = "UPDATE fdbe_runs SET records_completed = GREATEST(records_completed, ?), "
      + "bytes_exported = GREATEST(bytes_exported, ?), records_total = ? "
      + "WHERE id = ? AND lease_epoch = ? AND status = ?";
  static final String INSERT_PART = "INSERT INTO fdbe_parts (run_id, epoch, part_index, storage_key, file_name, "
      + "size_bytes, records, sha256, store_expires_at_us) VALUES (" + placeholders(9) + ")";
  static final String SELECT_PARTS = "SELECT part_index, storage_key, file_name, size_bytes, records, sha256, "
      + "store_expires_at_us FROM fdbe_parts WHERE run_id = ? AND epoch = ? ORDER BY part_index";

  static final String INSERT_FILE = "INSERT INTO fdbe_files (" + FILE_COLUMNS + ") VALUES (" + placeholders(10) + ")";
  static final String SELECT_FILES_OF_RUN =
      "SELECT " + FILE_COLUMNS + " FROM fdbe_files WHERE run_id = ? ORDER BY part_index";
  static final String SELECT_EXPIRED_FILES = "SELECT " + FILE_COLUMNS + " FROM fdbe_files "
      + "WHERE expires_at_us < ? AND deleted_at_us IS NULL ORDER BY expires_at_us LIMIT ?";
  static final String MARK_FILE_DELETED =
      "UPDATE fdbe_files SET deleted_at_us = ? WHERE id = ? AND deleted_at_us IS NULL";

  // ---------------------------------------------------------------- open uploads

  static final String INSERT_UPLOAD =
      "INSERT INTO fdbe_uploads (run_id, epoch, storage_key, upload_id, recorded_at_us) VALUES (?, ?, ?, ?, ?)";
  static final String DELETE_UPLOAD = "DELETE FROM fdbe_uploads WHERE run_id = ? AND upload_id = ?";
  static final String SELECT_UPLOADS =
      "SELECT run_id, epoch, storage_key, upload_id, recorded_at_us FROM fdbe_uploads ORDER BY recorded_at_us LIMIT ?";

  // ---------------------------------------------------------------- run logs

  static final String LATEST_LOG_TIME = "SELECT MAX(ts_us) FROM fdbe_run_logs WHERE run_id = ?";
  static final String INSERT_LOG =
      "INSERT INTO fdbe_run_logs (run_id, ts_us, attempt_id, log_level, message) VALUES (?, ?, ?, ?, ?)";

  /**
   * The log entries of a run that match a query: {@code count} counts them all, {@code page}
   * selects the newest (its last parameter is the limit, after {@code params}).
   */
  record LogSelection(String count, String page, List<Object> params) {}

  static LogSelection selectLogs(RunId runId, LogQuery query) {
    StringBuilder where = new StringBuilder(" WHERE run_id = ?");
    List<Object> params = new ArrayList<>();
    params.add(runId.value());
    if (query.after() != null) {
      where.append(" AND ts_us > ?");
      params.add(Micros.bound(query.after()));
    }
    if (query.before() != null) {
      where.append(" AND ts_us < ?");
      params.add(Micros.bound(query.before()));
    }
    if (!query.levels().isEmpty()) {
      where.append(" AND log_level IN (").append(placeholders(query.levels().size())).append(')');
      query.levels().stream().map(LogLevel::name).sorted().forEach(params::add);
    }
    if (query.instanceId() != null) {
      where.append(" AND attempt_id = ?");
      params.add(query.instanceId().value());
    }
    if (query.search() != null) {
      where.append(" AND LOWER(message) LIKE ? ESCAPE '\\'");
      params.add("%" + escapeLike(query.search().toLowerCase(Locale.ROOT)) + "%");
    }
    return new LogSelection("SELECT COUNT(*) FROM fdbe_run_logs" + where,
        "SELECT ts_us, attempt_id, log_level, message FROM fdbe_run_logs" + where + " ORDER BY ts_us DESC LIMIT ?",
        params);
  }

  private static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  // ---------------------------------------------------------------- schema versions

  static final String CREATE_SCHEMA_VERSION = "CREATE TABLE IF NOT EXISTS fdbe_schema_version (version INT NOT NULL)";
  static final String SELECT_SCHEMA_VERSION = "SELECT MAX(version) FROM fdbe_schema_version";
  static final String INSERT_SCHEMA_VERSION = "INSERT INTO fdbe_schema_version (version) VALUES (?)";

  // ---------------------------------------------------------------- what differs by dialect

  private static final long MIGRATION_LOCK_KEY = 0x66646265L; // "fdbe"

  /**
   * The statement that makes a transaction wait for row locks long enough under contention, if the
   * dialect needs one: H2's default lock timeout (1 s on some versions) is too short for 50
   * concurrent creates.
   */
  static Optional<String> waitForLocks(Dialect dialect) {
    return switch (dialect) {
      case H2 -> Optional.of("SET LOCK_TIMEOUT 30000");
      case POSTGRESQL -> Optional.empty();
    };
  }

  /**
   * The statement that serializes migrations across processes, held until the transaction ends;
   * H2 databases are embedded in one process, which serializes them itself.
   */
  static Optional<String> lockForMigration(Dialect dialect) {
    return switch (dialect) {
      case H2 -> Optional.empty();
      case POSTGRESQL -> Optional.of("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK_KEY + ")");
    };
  }

  // ---------------------------------------------------------------- rendering

  /**
   * Renders statuses as a parenthesized SQL list of quoted wire names in declaration order, such as
   * the active ones as {@code (<Starting>, <Running>)} with each name in single quotes. Only for the
   * fixed sets of the lifecycle: wire names are enum constants, not input.
   */
  static String sqlList(Set<RunStatus> statuses) {
    if (statuses.isEmpty()) {
      throw new IllegalArgumentException("an SQL status list needs at least one status");
    }
    StringBuilder out = new StringBuilder("(");
    for (RunStatus status : RunStatus.values()) {
      if (statuses.contains(status)) {
        String name = status.wireName();
        if (!name.matches("[A-Za-z]+")) {
          throw new IllegalStateException("wire name " + name + " cannot be rendered into SQL");
        }
        out.append(out.length() == 1 ? "" : ", ").append('\'').append(name).append('\'');
      }
    }
    return out.append(')').toString();
  }

  static String placeholders(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }

  private static String qualified(String alias, String columns) {
    StringBuilder out = new StringBuilder();
    for (String column : columns.split(",\\s*")) {
      out.append(out.length() == 0 ? "" : ", ").append(alias).append('.').append(column);
    }
    return out.toString();
  }

  private StoreSql() {}
}
