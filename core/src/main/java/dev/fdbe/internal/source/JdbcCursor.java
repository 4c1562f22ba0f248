package dev.fdbe.internal.source;

import dev.fdbe.schema.ColumnType;
import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.ExportException;
import dev.fdbe.internal.Micros;
import dev.fdbe.internal.store.Dialect;
import dev.fdbe.internal.store.SqlFailures;
import dev.fdbe.spi.SourceQuery;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Streams a model's rows from a reference table, and counts them when asked, on a connection of its
 * own so that the count can run beside the read ({@link #countsConcurrently()}). On
 * {@link #next()} the current row is read into typed arrays once (longs unboxed), so writers read
 * each value without further JDBC calls.
 *
 * <p>The statements are those of {@link SourceSql}. For events the cursor first lists the copied
 * uuids and skips their copies as it reads ({@link UuidCopies}), in one transaction that keeps one
 * snapshot (repeatable read on PostgreSQL, snapshot on H2) when the connection came in auto-commit
 * mode, given back so and at the isolation level it had. In a caller's transaction below repeatable
 * read it reads the select that deduplicates in the database instead
 * ({@link SourceSql#forTransaction}).
 */
public final class JdbcCursor extends SourceCursor {
  /**
   * H2's SNAPSHOT isolation level ({@code org.h2.engine.Constants.TRANSACTION_SNAPSHOT}): every read
   * of the transaction sees the database as at its first, which the list of copies and the select
   * need; H2's REPEATABLE READ allows phantoms, and a copy inserted meanwhile is one.
   */
  private static final int H2_SNAPSHOT = 6;

  private final Connection connection;
  private final Dialect dialect;
  private final SourceSql sql;
  private final Schema schema;
  private PreparedStatement statement;
  /** The statement running or about to, which {@link #cancel()} cancels. */
  private volatile Statement running;
  private final int fetchSize;
  private ResultSet rs;
  private final ColumnType[] types;
  /**
   * Per column, whether its text is read as a {@link UUID} and written by the JDK: H2's {@code UUID}
   * columns, whose own {@code getString} builds the text digit by digit and cost the reading thread,
   * an export's slowest, about a fortieth of its time.
   */
  private boolean[] uuids;
  private final boolean restoreAutoCommit;
  /** The isolation level to give the connection back with, or {@link #KEEP_ISOLATION}. */
  private final int restoreIsolation;
  private volatile boolean cancelled;
  private boolean closed;

  private JdbcCursor(Connection connection, DataSource countConnections, Dialect dialect, PreparedStatement statement,
      SourceSql sql, Schema schema, int adjacentCopiesColumn, String table, boolean restoreAutoCommit,
      int restoreIsolation, int fetchSize) {
    super(schema.size(), adjacentCopiesColumn, new SourceCount(countConnections, dialect, sql, table, fetchSize), sql,
        table);
    this.connection = connection;
    this.dialect = dialect;
    this.sql = sql;
    this.schema = schema;
    this.statement = statement;
    this.running = statement;
    this.fetchSize = fetchSize;
    int n = schema.size();
    this.types = new ColumnType[n];
    for (int i = 0; i < n; i++) {
      types[i] = schema.column(i).type();
    }
    this.restoreAutoCommit = restoreAutoCommit;
    this.restoreIsolation = restoreIsolation;
  }

  /**
   * Prepares the query on the connection; it runs on the first {@link #next()}, so that a cancel
   * can reach it while it runs. The cursor owns and closes the connection; {@link #count()} takes
   * another from {@code countConnections} for as long as it counts.
   */
  public static JdbcCursor open(Connection connection, DataSource countConnections, Dialect dialect,
      SourceQuery query, String table, String timeColumn, int fetchSize) throws SQLException {
    Model model = query.model();
    Schema schema = model.schema();
    SourceSql planned = SourceSql.of(dialect, query, table, timeColumn);

    boolean autoCommit = connection.getAutoCommit();
    boolean ownTransaction = autoCommit && (dialect == Dialect.POSTGRESQL || planned.copies() != null);
    int restoreIsolation = KEEP_ISOLATION;
    PreparedStatement statement = null;
    try {
      SourceSql sql = planned.forTransaction(connection, ownTransaction);
      if (dialect == Dialect.H2) {
        SourceCount.lazy(connection, true);
        if (ownTransaction) {
          // The list of copies and the select read one snapshot (UuidCopies#read); on H2 the session holds the level.
          restoreIsolation = connection.getTransactionIsolation();
          connection.setTransactionIsolation(H2_SNAPSHOT);
        }
      }
      if (ownTransaction) {
        // PostgreSQL streams with a fetch size only inside a transaction; the list and the select share it.
        connection.setAutoCommit(false);
        if (dialect == Dialect.POSTGRESQL) {
          utc(connection);
        }
      }
      statement = prepare(connection, sql.select(), sql.params(), fetchSize);
      // H2's select that deduplicates in the database keeps exact copies, adjacent, for the cursor to skip.
      int uuid = model == Model.EVENTS && dialect == Dialect.H2 ? schema.indexOf("uuid") : -1;
      return new JdbcCursor(connection, countConnections, dialect, statement, sql, schema, uuid, table,
          ownTransaction, restoreIsolation, fetchSize);
    } catch (SQLException | RuntimeException e) {
      if (statement != null) {
        statement.close();
      }
      if (dialect == Dialect.H2) {
        eagerQuietly(connection);
      }
      release(connection, ownTransaction, restoreIsolation);
      throw e;
    }
  }

  /** Turns H2's lazy query execution off again, which a pooled connection would otherwise keep. */
  private static void eagerQuietly(Connection connection) {
    try {
      SourceCount.lazy(connection, false);
    } catch (SQLException ignored) {
      // The connection is released next; a session that cannot take the setting is closed all the same.
    }
  }

  private static PreparedStatement prepare(Connection connection, String select, List<Object> params, int fetchSize)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_READ_ONLY);
    try {
      statement.setFetchSize(fetchSize);
      for (int i = 0; i < params.size(); i++) {
        statement.setObject(i + 1, params.get(i));
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  /**
   * Lists the copied uuids, if any, and runs the select: the one deduplicating in the database when
   * they are too many to hold.
   */
  private ResultSet execute() throws SQLException {
    if (readsDistinct()) {
      statement.close();
      statement = prepare(connection, sql.copies().distinct(), sql.copies().distinctParams(), fetchSize);
    }
    running = statement;
    if (cancelled) {
      throw new SQLException("reading was cancelled"); // a cancel that came between two statements
    }
    ResultSet result = statement.executeQuery();
    uuids = new boolean[types.length];
    if (dialect == Dialect.H2) {
      ResultSetMetaData columns = result.getMetaData();
      for (int i = 0; i < types.length; i++) {
        uuids[i] = types[i] == ColumnType.STRING && "UUID".equalsIgnoreCase(columns.getColumnTypeName(i + 1));
      }
    }
    return result;
  }

  @Override
  public boolean next() {
    if (rs == null) {
      if (cancelled) {
        throw new ExportException("reading was cancelled", false);
      }
      try {
        rs = execute();
      } catch (SQLException e) {
        if (cancelled) {
          throw new ExportException("reading was cancelled", e, false);
        }
        throw sourceFailure("cannot query the table " + table, e);
      }
    }
    try {
      while (true) {
        if (cancelled) {
          throw new ExportException("reading was cancelled", false);
        }
        if (!rs.next()) {
          return false;
        }
        read();
        if (skipsCopy()) {
          continue;
        }
        return true;
      }
    } catch (SQLException e) {
      if (cancelled) {
        throw new ExportException("reading was cancelled", e, false);
      }
      throw sourceFailure("reading rows of table " + table + " failed", e);
    }
  }

  private void read() throws SQLException {
    for (int i = 0; i < types.length; i++) {
      int column = i + 1;
      switch (types[i]) {
        case STRING, JSON -> {
          if (uuids[i]) {
            UUID uuid = rs.getObject(column, UUID.class);
            strings[i] = uuid == null ? null : uuid.toString();
          } else {
            strings[i] = rs.getString(column);
          }
          nulls[i] = strings[i] == null;
        }
        case INT64 -> {
          longs[i] = rs.getLong(column);
          nulls[i] = rs.wasNull();
        }
        case BOOLEAN -> {
          longs[i] = rs.getBoolean(column) ? 1 : 0;
          nulls[i] = rs.wasNull();
        }
        case TIMESTAMP -> {
          Instant time = timestamp(column);
          nulls[i] = time == null;
          if (time != null) {
            longs[i] = micros(time, i);
          }
        }
        case STRING_LIST -> {
          Array array = rs.getArray(column);
          nulls[i] = array == null;
          if (array != null) {
            Object[] elements = (Object[]) array.getArray();
            List<String> list = new ArrayList<>(elements.length);
            for (Object element : elements) {
              if (element instanceof Object[]) {
                throw new ExportException("column " + schema.column(i).name() + " of table " + table
                    + " holds an array of more than one dimension, which cannot be exported", false);
              }
              list.add(element == null ? null : element.toString());
            }
            lists[i] = Collections.unmodifiableList(list);
            array.free();
          }
        }
        default -> throw new IllegalStateException("unhandled column type " + types[i]);
      }
    }
  }

  /**
   * Makes PostgreSQL compare and read timestamps in UTC for the current transaction, as the cursor
   * reads them: a {@code timestamp} column without time zone meets the interval's {@code timestamptz}
   * bounds in the session's time zone, which pgjdbc sets to the JVM's, so a JVM in New York would
   * select other rows than one in London. Undone when the transaction ends.
   */
  static void utc(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET LOCAL TIME ZONE 'UTC'");
    }
  }

  /**
   * Begins a transaction of the reader's own on a PostgreSQL connection lent in auto-commit mode,
   * in UTC ({@link #utc}); if that fails, the connection is back in auto-commit mode.
   */
  static void beginInUtc(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try {
      utc(connection);
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      connection.setAutoCommit(true);
      throw e;
    }
  }

  /** Microseconds since the epoch; a timestamp beyond what they hold (PostgreSQL's infinity among them) is refused. */
  private long micros(Instant time, int i) {
    try {
      return Micros.of(time);
    } catch (ArithmeticException e) {
      throw new ExportException("column " + schema.column(i).name() + " of table " + table + " holds a timestamp"
          + " beyond year 294,000 (an infinite one, perhaps), which cannot be exported", false);
    }
  }

  /**
   * A timestamp's instant: on H2 read as one ({@code Instant} from its epoch value, where an
   * {@code OffsetDateTime} costs a date, a time and two date-times per value), elsewhere through
   * {@code OffsetDateTime}, the type JDBC 4.2 requires drivers to map {@code TIMESTAMP WITH TIME ZONE} to.
   */
  private @Nullable Instant timestamp(int column) throws SQLException {
    if (dialect == Dialect.H2) {
      return rs.getObject(column, Instant.class);
    }
    OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }

  @Override
  protected @Nullable UuidCopies listCopies() throws SQLException {
    if (cancelled) {
      throw new SQLException("reading was cancelled"); // the count's thread asked after a cancel
    }
    return UuidCopies.read(connection, sql.copies(), schema, restoreAutoCommit, listing -> running = listing,
        () -> cancelled || counter.stopped());
  }

  @Override
  public void cancel() {
    cancelled = true;
    counter.stop();
    cancelRunning();
  }

  private void cancelRunning() {
    try {
      running.cancel();
    } catch (SQLException ignored) {
      // The flag stops the cursor at the next row even when the driver cannot cancel.
    }
  }

  @Override
  public void close() {
    counter.stop(); // a count still running beside the read ends with it
    if (closed) {
      return;
    }
    closed = true;
    endListing(this::cancelRunning); // the count's thread may be listing copied events on this connection
    try {
      if (rs != null) {
        rs.close();
      }
      statement.close();
    } catch (SQLException ignored) {
      // Releasing the connection below ends whatever is left.
    } finally {
      if (dialect == Dialect.H2) {
        eagerQuietly(connection);
      }
      release(connection, restoreAutoCommit, restoreIsolation);
    }
  }

  /**
   * A source failure for a SQL error, retryable when the error is about the connection or load. Its
   * message goes to the run's users, so it describes the error without the driver's host names and
   * paths ({@link SqlFailures#describe}); the SQL exception is its cause.
   */
  public static ExportException sourceFailure(String what, SQLException e) {
    return new ExportException(what + ": " + SqlFailures.describe(e), e, isTransient(e));
  }

  static boolean isTransient(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
        || e instanceof SQLNonTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    if (state == null) {
      return false;
    }
    return state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
        || Arrays.asList("57P01", "57P02", "57P03", "HYT00").contains(state);
  }
}
