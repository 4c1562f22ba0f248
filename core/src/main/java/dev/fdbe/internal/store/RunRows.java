package dev.fdbe.internal.store;

import dev.fdbe.AttemptId;
import dev.fdbe.Compression;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.internal.Micros;
import dev.fdbe.spi.RunRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Runs as rows: a run is one row of {@code fdbe_runs} in the column order of
 * {@link StoreSql#RUN_COLUMNS}, and its event filters rows of {@code fdbe_run_event_filters}, kept
 * in their order.
 */
final class RunRows {
  private RunRows() {}

  /** Inserts the run and its event filters. */
  static void insert(Connection connection, RunRecord run) throws SQLException {
    ExportRequest request = run.request();
    FileConfig file = request.file();
    Database.update(connection, StoreSql.INSERT_RUN, run.id().value(), run.team().value(),
        request.model().wireName(), file.format().wireName(), Database.text(file.compression().wireName()),
        file.maxSizeMb(), Micros.of(request.dataInterval().start()), Micros.of(request.dataInterval().end()),
        run.status().wireName(), Database.text(run.error()), run.recordsCompleted(), run.bytesExported(),
        run.partsCompleted(), Micros.of(run.createdAt()), Database.micros(run.startedAt()),
        Database.micros(run.finishedAt()), run.leaseEpoch(),
        Database.id(run.attemptId() == null ? null : run.attemptId().value()), Database.text(run.leaseOwner()),
        Database.micros(run.leaseExpiresAt()), run.attempts(), run.storageCleaned(),
        Database.id(run.parentId() == null ? null : run.parentId().value()), run.sliceIndex(), run.sliceCount(),
        Database.number(run.recordsTotal()));
    List<Object[]> filters = new ArrayList<>();
    addFilters(filters, run.id(), "include", request.include());
    addFilters(filters, run.id(), "exclude", request.exclude());
    if (!filters.isEmpty()) {
      Database.batch(connection, StoreSql.INSERT_EVENT_FILTER, filters);
    }
  }

  private static void addFilters(List<Object[]> filters, RunId id, String kind, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      filters.add(new Object[] {id.value(), kind, i, names.get(i)});
    }
  }

  private record EventFilter(UUID run, boolean include, String name) {}

  /** The runs a query of {@link StoreSql#RUN_COLUMNS} selects, with their event filters. */
  static List<RunRecord> read(Connection connection, String sql, Object... params) throws SQLException {
    List<Object[]> rows = Database.query(connection, sql, RunRows::columns, params);
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<String>> includes = new HashMap<>();
    Map<UUID, List<String>> excludes = new HashMap<>();
    List<EventFilter> filters = Database.query(connection, StoreSql.selectEventFilters(rows.size()),
        rs -> new EventFilter(rs.getObject(1, UUID.class), "include".equals(rs.getString(2)), rs.getString(3)),
        rows.stream().map(row -> row[0]).toArray());
    for (EventFilter filter : filters) {
      (filter.include() ? includes : excludes).computeIfAbsent(filter.run(), k -> new ArrayList<>()).add(filter.name());
    }
    List<RunRecord> runs = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      UUID id = (UUID) row[0];
      runs.add(run(row, includes.getOrDefault(id, List.of()), excludes.getOrDefault(id, List.of())));
    }
    return runs;
  }

  private static Object[] columns(ResultSet rs) throws SQLException {
    Object[] row = new Object[StoreSql.RUN_COLUMN_COUNT];
    for (int i = 0; i < row.length; i++) {
      row[i] = i == 0 || i == 17 || i == 22 ? rs.getObject(i + 1, UUID.class) : rs.getObject(i + 1);
    }
    return row;
  }

  private static RunRecord run(Object[] row, List<String> include, List<String> exclude) {
    UUID id = (UUID) row[0];
    Model model = Model.fromWireName((String) row[2])
        .orElseThrow(() -> new IllegalStateException("run " + id + " has unknown model " + row[2]));
    FileFormat format = FileFormat.fromWireName((String) row[3])
        .orElseThrow(() -> new IllegalStateException("run " + id + " has unknown format " + row[3]));
    Compression compression = Compression.fromWireName((String) row[4])
        .orElseThrow(() -> new IllegalStateException("run " + id + " has unknown compression " + row[4]));
    ExportRequest request = new ExportRequest(model, new FileConfig(format, compression, number(row[5])),
        include, exclude, new TimeRange(Micros.toInstant(number(row[6])), Micros.toInstant(number(row[7]))));
    RunStatus status = RunStatus.fromWireName((String) row[8])
        .orElseThrow(() -> new IllegalStateException("run " + id + " has unknown status " + row[8]));
    return new RunRecord(new RunId(id), new TeamId(number(row[1])), request, status, (String) row[9],
        number(row[10]), number(row[11]), (int) number(row[12]), row[25] == null ? null : number(row[25]),
        Micros.toInstant(number(row[13])), instant(row[14]), instant(row[15]), number(row[16]),
        row[17] == null ? null : new AttemptId((UUID) row[17]), (String) row[18], instant(row[19]),
        (int) number(row[20]), (Boolean) row[21], row[22] == null ? null : new RunId((UUID) row[22]),
        (int) number(row[23]), (int) number(row[24]));
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }

  /** The instant of a nullable microseconds column. */
  static @Nullable Instant instant(@Nullable Object micros) {
    return micros == null ? null : Micros.toInstant(number(micros));
  }
}
