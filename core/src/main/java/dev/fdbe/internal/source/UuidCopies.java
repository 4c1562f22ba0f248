package dev.fdbe.internal.source;

import dev.fdbe.internal.Micros;
import dev.fdbe.schema.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The events of an interval on PostgreSQL whose uuid occurs more than once there, each with its
 * earliest row (by time, {@code _inserted_at}, then event; see {@link SourceSql.Copies}): a cursor
 * reading the plain ordered select keeps, of a listed uuid, the first row equal to the earliest and
 * skips the others. A uuid not listed occurs once and is always kept. At most {@link #CAP} uuids are
 * held, so the memory stays bounded whatever the interval; beyond that {@link #read} returns null and
 * the cursor reads the select that deduplicates in the database.
 */
final class UuidCopies {
  /** How many copied uuids a cursor holds, about 200 bytes each. */
  static final int CAP = 50_000;

  /** No uuid copied, number of uuids unknown: every row is kept. */
  static final UuidCopies NONE = new UuidCopies(Map.of(), -1, -1, -1, -1, -1);

  private final Map<String, Earliest> earliest;
  private final int uuidColumn;
  private final int timeColumn;
  private final int insertedColumn;
  private final int eventColumn;
  private final long uuids;

  /** A listed uuid's earliest row, and whether the cursor kept it already. */
  private static final class Earliest {
    final long time;
    final @Nullable Long inserted;
    final @Nullable String event;
    boolean kept;

    Earliest(long time, @Nullable Long inserted, @Nullable String event) {
      this.time = time;
      this.inserted = inserted;
      this.event = event;
    }
  }

  private UuidCopies(Map<String, Earliest> earliest, int uuidColumn, int timeColumn, int insertedColumn,
      int eventColumn, long uuids) {
    this.earliest = earliest;
    this.uuids = uuids;
    this.uuidColumn = uuidColumn;
    this.timeColumn = timeColumn;
    this.insertedColumn = insertedColumn;
    this.eventColumn = eventColumn;
  }

  /**
   * Lists the copied uuids on the cursor's connection, before its select and in the same snapshot:
   * when the cursor began the transaction itself ({@code ownTransaction}), it makes it repeatable
   * read, so that a copy inserted between the two statements is not exported twice, and its count
   * ({@link #uuids()}) is of the rows it reads. Returns null when the interval holds more than
   * {@link #CAP} copied uuids.
   *
   * @param running told of each statement as it starts, so that a cancel can reach it
   */
  static @Nullable UuidCopies read(Connection connection, SourceSql.Copies copies, Schema schema,
      boolean ownTransaction, Consumer<Statement> running) throws SQLException {
    if (ownTransaction) {
      try (Statement isolation = connection.createStatement()) {
        running.accept(isolation);
        isolation.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      }
    }
    Map<String, Earliest> earliest = new HashMap<>();
    long uuids = -1;
    try (PreparedStatement list = connection.prepareStatement(copies.list())) {
      running.accept(list);
      List<Object> params = copies.listParams();
      for (int i = 0; i < params.size(); i++) {
        list.setObject(i + 1, params.get(i));
      }
      try (ResultSet rows = list.executeQuery()) {
        while (rows.next()) {
          long number = rows.getLong(5);
          if (!rows.wasNull()) {
            uuids = number; // the row of the interval's number of uuids
            continue;
          }
          if (earliest.size() == CAP) {
            return null;
          }
          OffsetDateTime inserted = rows.getObject(3, OffsetDateTime.class);
          earliest.put(rows.getString(1), new Earliest(Micros.of(rows.getObject(2, OffsetDateTime.class).toInstant()),
              inserted == null ? null : Micros.of(inserted.toInstant()), rows.getString(4)));
        }
      }
    }
    return new UuidCopies(earliest, schema.indexOf("uuid"), schema.indexOf(copies.timeColumn()),
        schema.indexOf("_inserted_at"), schema.indexOf("event"), uuids);
  }

  /**
   * How many distinct uuids the interval holds, which is the count of the rows the cursor returns
   * when the query neither filters events nor follows earlier slices ({@link SourceSql.Copies#counts()});
   * -1 when not known.
   */
  long uuids() {
    return uuids;
  }

  /**
   * Whether the cursor skips the row it just read into these arrays: a copy of a listed uuid other
   * than the first equal to its earliest row. Keeping that one marks the uuid, so its exact copies
   * (equal in uuid, time, {@code _inserted_at} and event) are skipped.
   */
  boolean skips(boolean[] nulls, long[] longs, String[] strings) {
    if (earliest.isEmpty()) {
      return false;
    }
    Earliest first = earliest.get(strings[uuidColumn]);
    if (first == null) {
      return false;
    }
    boolean isEarliest = longs[timeColumn] == first.time
        && Objects.equals(nulls[insertedColumn] ? null : longs[insertedColumn], first.inserted)
        && Objects.equals(strings[eventColumn], first.event);
    if (first.kept || !isEarliest) {
      return true;
    }
    first.kept = true;
    return false;
  }
}
