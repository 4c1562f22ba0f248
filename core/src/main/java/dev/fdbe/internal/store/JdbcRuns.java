package dev.fdbe.internal.store;

import dev.fdbe.Page;
import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import dev.fdbe.TooManyRunsException;
import dev.fdbe.spi.RunRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Creating and reading runs, and the per-team limit of active runs: creating locks the team's row
 * in {@code fdbe_teams} while it counts and inserts, which serializes the creates of one team
 * across processes. Also the cleanup sweep's view of ended runs.
 */
final class JdbcRuns {
  /** The most ids one query names. */
  private static final int IDS_PER_QUERY = 500;

  private final Database db;

  JdbcRuns(Database db) {
    this.db = db;
  }

  void insert(RunRecord run, int maxActivePerTeam) {
    ensureTeamRow(run.team());
    db.lockingTransaction("create run " + run.id(), connection -> {
      lockTeamAndCheckLimit(connection, run, maxActivePerTeam);
      RunRows.insert(connection, run);
      return null;
    });
  }

  void insertSliced(RunRecord run, List<RunRecord> slices, int maxActivePerTeam) {
    if (!run.isSliced() || slices.size() != run.sliceCount()) {
      throw new IllegalArgumentException("run " + run.id() + " has " + run.sliceCount() + " slices but "
          + slices.size() + " were given");
    }
    ensureTeamRow(run.team());
    db.lockingTransaction("create sliced run " + run.id(), connection -> {
      lockTeamAndCheckLimit(connection, run, maxActivePerTeam);
      RunRows.insert(connection, run);
      for (RunRecord slice : slices) {
        RunRows.insert(connection, slice);
      }
      return null;
    });
  }

  private static void lockTeamAndCheckLimit(Connection connection, RunRecord run, int maxActivePerTeam)
      throws SQLException {
    Database.query(connection, StoreSql.LOCK_TEAM, rs -> rs.getLong(1), run.team().value());
    if (Database.count(connection, StoreSql.COUNT_ACTIVE_RUNS_OF_TEAM, run.team().value()) >= maxActivePerTeam) {
      throw new TooManyRunsException(run.team(), maxActivePerTeam);
    }
  }

  /** Inserts the team's row unless it exists; a concurrent insert of the same team is no failure. */
  private void ensureTeamRow(TeamId team) {
    db.call("register team " + team, connection -> {
      if (!Database.query(connection, StoreSql.TEAM_EXISTS, rs -> true, team.value()).isEmpty()) {
        return null;
      }
      try {
        Database.update(connection, StoreSql.INSERT_TEAM, team.value());
      } catch (SQLException e) {
        if (!Dialect.isUniqueViolation(e)) {
          throw e;
        }
      }
      return null;
    });
  }

  List<RunRecord> slices(RunId parent) {
    return db.call("read slices of run " + parent,
        connection -> RunRows.read(connection, StoreSql.SELECT_SLICES, parent.value()));
  }

  Optional<RunRecord> find(RunId id) {
    List<RunRecord> found = findAll(List.of(id));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  List<RunRecord> findAll(Collection<RunId> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<RunId> list = List.copyOf(ids);
    return db.call("read runs", connection -> {
      List<RunRecord> runs = new ArrayList<>();
      for (int from = 0; from < list.size(); from += IDS_PER_QUERY) {
        List<RunId> chunk = list.subList(from, Math.min(list.size(), from + IDS_PER_QUERY));
        runs.addAll(RunRows.read(connection, StoreSql.selectRuns(chunk.size()),
            chunk.stream().map(RunId::value).toArray()));
      }
      return runs;
    });
  }

  Page<RunRecord> list(TeamId team, int limit, long offset) {
    return db.call("list runs of team " + team, connection -> {
      long count = Database.count(connection, StoreSql.COUNT_RUNS_OF_TEAM, team.value());
      List<RunRecord> runs = RunRows.read(connection, StoreSql.PAGE_RUNS_OF_TEAM, team.value(), limit, offset);
      return new Page<>(count, offset, limit, runs);
    });
  }

  List<RunRecord> uncleaned(int limit) {
    return db.call("find runs to clean up", connection -> RunRows.read(connection, StoreSql.SELECT_UNCLEANED, limit));
  }

  void markCleaned(RunId id) {
    db.call("mark run " + id + " cleaned", connection -> {
      Database.update(connection, StoreSql.MARK_CLEANED, id.value());
      Database.update(connection, StoreSql.DELETE_PARTS_OF_RUN, id.value());
      return null;
    });
  }
}
