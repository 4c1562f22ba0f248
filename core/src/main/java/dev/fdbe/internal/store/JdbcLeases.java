package dev.fdbe.internal.store;

import dev.fdbe.AttemptId;
import dev.fdbe.RunId;
import dev.fdbe.internal.Micros;
import dev.fdbe.internal.Transitions;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.RunRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Claims and leases. A claim or a new attempt advances the run's lease epoch in one conditional
 * update; every later write of the attempt names that epoch, and is refused once another claim
 * advanced it (fencing).
 */
final class JdbcLeases {
  private final Database db;

  JdbcLeases(Database db) {
    this.db = db;
  }

  List<RunRecord> claimable(Instant now, int limit) {
    return db.call("find runs to claim",
        connection -> RunRows.read(connection, StoreSql.SELECT_CLAIMABLE, Micros.of(now), limit));
  }

  Optional<Lease> claim(RunId id, long expectedEpoch, AttemptId attemptId, String owner, Instant now,
      Instant leaseUntil) {
    return db.transaction("claim run " + id, connection -> {
      UUID parent = JdbcSlices.lockParent(connection, id);
      int updated = Database.update(connection, StoreSql.CLAIM, Transitions.LEASED.wireName(), attemptId.value(),
          owner, Micros.of(leaseUntil), Micros.of(now), id.value(), expectedEpoch, Micros.of(now));
      if (updated == 1 && parent != null) {
        JdbcSlices.startParent(connection, parent, now);
      }
      return updated == 1 ? Optional.of(readLease(connection, id)) : Optional.<Lease>empty();
    });
  }

  Optional<Lease> reattempt(Lease current, AttemptId attemptId, Instant now, Instant leaseUntil) {
    return db.transaction("start a new attempt of run " + current.runId(), connection -> {
      int updated = Database.update(connection, StoreSql.REATTEMPT, attemptId.value(), Micros.of(leaseUntil),
          current.runId().value(), current.epoch(), Transitions.LEASED.wireName());
      return updated == 1 ? Optional.of(readLease(connection, current.runId())) : Optional.<Lease>empty();
    });
  }

  private static Lease readLease(Connection connection, RunId id) throws SQLException {
    List<Lease> leases = Database.query(connection, StoreSql.SELECT_LEASE, rs -> new Lease(id, rs.getLong(1),
        new AttemptId(rs.getObject(2, UUID.class)), rs.getInt(3), rs.getString(4), Micros.toInstant(rs.getLong(5))),
        id.value());
    if (leases.isEmpty()) {
      throw new SQLException("run " + id + " vanished while being claimed");
    }
    return leases.get(0);
  }

  boolean renew(Lease lease, Instant until) {
    return setExpiry("renew the lease of run " + lease.runId(), lease, Micros.of(until));
  }

  /** Releasing lets the lease lapse one microsecond before {@code now}, so that a claim at {@code now} wins. */
  boolean release(Lease lease, Instant now) {
    return setExpiry("release the lease of run " + lease.runId(), lease, Micros.of(now) - 1);
  }

  private boolean setExpiry(String what, Lease lease, long micros) {
    return db.call(what, connection -> Database.update(connection, StoreSql.SET_LEASE_EXPIRY, micros,
        lease.runId().value(), lease.epoch(), Transitions.LEASED.wireName()) == 1);
  }
}
