package dev.fdbe.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The select the library's JDBC source runs, captured from the source itself and replayed with plain
 * JDBC, so that the plain read measures exactly the source's statement and session without a copy of
 * its SQL typed here (the SQL is built inside core and changes with it).
 *
 * <p>{@link #recording} wraps the data source handed to {@code RecordSources.jdbc} in
 * {@link Proxy proxies} of the connection and its statements that note, per connection and in order:
 * setter calls on the connection ({@code setAutoCommit}, ...), {@code commit} and {@code rollback},
 * plain statements executed (H2's {@code SET LAZY_QUERY_EXECUTION}), and each prepared statement with
 * its setter calls (parameters, fetch size) and executions in order and, once executed, its result's
 * column labels. Result sets are not wrapped, so reading rows costs the source nothing extra.
 * {@link #replay} then makes the same calls on a plain connection, runs each prepared statement
 * when and as often as the source did (on H2 the list of copied events: the interval's uuids, and a
 * lookup of each that may repeat; then the select), and reads every column of every row of each. The
 * count runs on a connection of its own, so a session replayed is the read's alone.
 */
final class CapturedQuery {
  private CapturedQuery() {}

  /** One call the source made, to be made again on the same kind of object. */
  record Call(Method method, Object[] args) {
    Object invoke(Object target) throws SQLException {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof SQLException sql) {
          throw sql;
        }
        throw new IllegalStateException("replaying " + this + " failed", e.getCause());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot replay " + this, e);
      }
    }

    @Override
    public String toString() {
      return method.getName() + Arrays.toString(args);
    }
  }

  /** What happened on one connection of the source, in order. */
  static final class Session {
    private final List<Object> steps = new ArrayList<>();

    synchronized List<Object> steps() {
      return List.copyOf(steps);
    }

    private synchronized void add(Object step) {
      steps.add(step);
    }

    /**
     * The steps, short: each statement's SQL where it was prepared, and successive runs of one
     * statement as one line with their number (H2's lookups of copied events run hundreds of times).
     */
    String summary() {
      List<String> lines = new ArrayList<>();
      Ran last = null;
      int times = 0;
      for (Object step : steps()) {
        if (step instanceof Ran ran && last != null && ran.prepared() == last.prepared()) {
          times++;
          continue;
        }
        if (last != null) {
          lines.add(last + (times > 1 ? " (" + times + " times)" : ""));
        }
        last = step instanceof Ran ran ? ran : null;
        times = 1;
        if (last == null) {
          lines.add(step instanceof Prepared prepared ? "prepared " + prepared.sql() : String.valueOf(step));
        }
      }
      if (last != null) {
        lines.add(last + (times > 1 ? " (" + times + " times)" : ""));
      }
      return String.join("; ", lines);
    }

    /** The one prepared statement whose result has exactly the given columns: the select of the rows. */
    Prepared select(List<String> columns) {
      List<Prepared> selects = selects(columns);
      if (selects.size() != 1) {
        throw new IllegalStateException("expected the source to run one select of the columns " + columns
            + " on its connection, found " + selects.size() + " among " + steps());
      }
      return selects.get(0);
    }

    /** Whether the session ran a select of exactly the given columns (the count's session does not). */
    boolean reads(List<String> columns) {
      return !selects(columns).isEmpty();
    }

    private List<Prepared> selects(List<String> columns) {
      return steps().stream().filter(Prepared.class::isInstance).map(Prepared.class::cast)
          .filter(prepared -> prepared.columns().equals(columns.stream()
              .map(column -> column.toLowerCase(Locale.ROOT)).toList()))
          .toList();
    }
  }

  /** A plain statement the source executed on its connection. */
  record Executed(String sql) {}

  /** Where, among a prepared statement's setter calls, the source ran it. */
  private static final Object RUN = new Object() {
    @Override
    public String toString() {
      return "executeQuery";
    }
  };

  /** The source ran a prepared statement, with its first {@code settings} setter calls made. */
  record Ran(Prepared prepared, int settings) {
    @Override
    public String toString() {
      return "ran " + prepared.sql();
    }
  }

  /** A statement the source prepared: how, the setter calls made on it, and its result's columns once run. */
  static final class Prepared {
    private final Call prepare;
    /** Setter calls, and {@link #RUN} where it was run. */
    private final List<Object> settings = new ArrayList<>();
    private volatile List<String> columns = List.of();

    Prepared(Call prepare) {
      this.prepare = prepare;
    }

    String sql() {
      return (String) prepare.args()[0];
    }

    synchronized List<Object> settings() {
      return List.copyOf(settings);
    }

    /** Column labels of its result, lower case; empty until it was executed. */
    List<String> columns() {
      return columns;
    }

    /** The SQL, the setter calls and the way it was prepared, comparable between captures. */
    String describe() {
      return prepare + " then " + settings();
    }

    @Override
    public String toString() {
      return "prepared " + describe();
    }
  }

  /** A data source that records the sessions of every connection taken from it. */
  static final class Recorder {
    private final DataSource target;
    private final List<Session> sessions = new ArrayList<>();

    private Recorder(DataSource target) {
      this.target = target;
    }

    /** The data source to hand to the library's source. */
    DataSource dataSource() {
      return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
          (proxy, method, args) -> {
            Object result = invoke(method, target, args);
            if (result instanceof Connection connection) {
              Session session = new Session();
              synchronized (sessions) {
                sessions.add(session);
              }
              return connection(connection, session);
            }
            return result;
          });
    }

    /** The sessions recorded so far, and forgets them. */
    List<Session> take() {
      synchronized (sessions) {
        List<Session> taken = List.copyOf(sessions);
        sessions.clear();
        return taken;
      }
    }
  }

  /** Starts recording what is done through connections of the data source. */
  static Recorder recording(DataSource dataSource) {
    return new Recorder(dataSource);
  }

  private static Connection connection(Connection connection, Session session) {
    return proxy(Connection.class, (proxy, method, args) -> {
      String name = method.getName();
      Object result = invoke(method, connection, args);
      if (name.equals("prepareStatement") && result instanceof PreparedStatement statement) {
        Prepared prepared = new Prepared(new Call(method, args));
        session.add(prepared);
        return preparedStatement(statement, prepared, session);
      }
      if (name.equals("createStatement") && result instanceof Statement statement) {
        return statement(statement, session);
      }
      if (name.startsWith("set") || name.equals("commit") || name.equals("rollback")) {
        session.add(new Call(method, args == null ? new Object[0] : args.clone()));
      }
      return result;
    });
  }

  private static Statement statement(Statement statement, Session session) {
    return proxy(Statement.class, (proxy, method, args) -> {
      if (method.getName().startsWith("execute") && args != null && args.length == 1 && args[0] instanceof String sql) {
        session.add(new Executed(sql));
      }
      return invoke(method, statement, args);
    });
  }

  private static PreparedStatement preparedStatement(PreparedStatement statement, Prepared prepared, Session session) {
    return proxy(PreparedStatement.class, (proxy, method, args) -> {
      String name = method.getName();
      if (name.startsWith("set")) {
        synchronized (prepared) {
          prepared.settings.add(new Call(method, args == null ? new Object[0] : args.clone()));
        }
      }
      Object result = invoke(method, statement, args);
      if (name.equals("executeQuery") && args == null) {
        synchronized (prepared) {
          prepared.settings.add(RUN);
          session.add(new Ran(prepared, prepared.settings.size()));
        }
        ResultSetMetaData meta = ((ResultSet) result).getMetaData();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          labels.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        prepared.columns = List.copyOf(labels);
      }
      return result;
    });
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * Makes the session's calls again on a plain connection of the data source, in order, runs each of
   * its prepared statements as often as the source did with the same parameters, and reads all their
   * rows: each column with {@code getString} (character types), {@code getLong} (integers),
   * {@code getBoolean} or {@code getObject} (anything else: timestamps, uuids, arrays).
   *
   * @return the rows read of {@code select}
   */
  static long replay(DataSource dataSource, Session session, Prepared select) throws SQLException {
    long rows = 0;
    Map<Prepared, PreparedStatement> statements = new IdentityHashMap<>();
    Map<Prepared, Integer> applied = new IdentityHashMap<>();
    try (Connection connection = dataSource.getConnection()) {
      try {
        for (Object step : session.steps()) {
          if (step instanceof Call call) {
            call.invoke(connection);
          } else if (step instanceof Executed executed) {
            try (Statement statement = connection.createStatement()) {
              statement.execute(executed.sql());
            }
          } else if (step instanceof Prepared prepared) {
            statements.put(prepared, (PreparedStatement) prepared.prepare.invoke(connection));
            applied.put(prepared, 0);
          } else if (step instanceof Ran ran) {
            // Its setter calls up to this run, in order, then the run itself: in the order the source ran them.
            PreparedStatement statement = statements.get(ran.prepared());
            List<Object> settings = ran.prepared().settings();
            for (int i = applied.get(ran.prepared()); i < ran.settings(); i++) {
              if (settings.get(i) instanceof Call call) {
                call.invoke(statement);
              }
            }
            applied.put(ran.prepared(), ran.settings());
            long read = readAll(statement);
            rows += ran.prepared() == select ? read : 0;
          }
        }
      } finally {
        for (PreparedStatement statement : statements.values()) {
          statement.close();
        }
      }
    }
    return rows;
  }

  /** Runs the statement and reads every value of every row; returns the rows. */
  private static long readAll(PreparedStatement statement) throws SQLException {
    long rows = 0;
    long values = 0;
    try (ResultSet rs = statement.executeQuery()) {
      int[] kinds = kinds(rs.getMetaData());
      while (rs.next()) {
        rows++;
        for (int i = 0; i < kinds.length; i++) {
          int column = i + 1;
          switch (kinds[i]) {
            case STRING -> values += rs.getString(column) == null ? 0 : 1;
            case LONG -> {
              rs.getLong(column);
              values += rs.wasNull() ? 0 : 1;
            }
            case BOOLEAN -> {
              rs.getBoolean(column);
              values += rs.wasNull() ? 0 : 1;
            }
            default -> values += rs.getObject(column) == null ? 0 : 1;
          }
        }
      }
    }
    if (rows > 0 && values < rows) {
      throw new IllegalStateException("read " + rows + " rows but only " + values + " values");
    }
    return rows;
  }

  private static final int STRING = 0;
  private static final int LONG = 1;
  private static final int BOOLEAN = 2;
  private static final int OBJECT = 3;

  private static int[] kinds(ResultSetMetaData meta) throws SQLException {
    int[] kinds = new int[meta.getColumnCount()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = switch (meta.getColumnType(i + 1)) {
        case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
            Types.CLOB, Types.NCLOB -> STRING;
        case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> LONG;
        case Types.BOOLEAN, Types.BIT -> BOOLEAN;
        default -> OBJECT;
      };
    }
    return kinds;
  }
}
