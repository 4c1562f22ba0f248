package dev.fdbe.internal.source;

import dev.fdbe.ExportException;
import dev.fdbe.internal.json.Swar;
import dev.fdbe.internal.store.Dialect;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.SourceQuery;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;

/**
 * Streams a model's rows from a PostgreSQL reference table through
 * {@code COPY (<select>) TO STDOUT (FORMAT binary)}, decoding each value straight from pgjdbc's
 * message buffer into the cursor's typed arrays: no {@link ResultSet}, no per-value boxing, and the
 * server sends values in their binary form instead of the row-by-row extended protocol with a fetch
 * size. Rows, order, deduplication and counting are those of {@link JdbcCursor} over the same
 * {@link SourceSql}: for events, the copied uuids are listed first and their copies skipped as the
 * rows come ({@link UuidCopies}).
 *
 * <p>{@link #open} declines (returns null), leaving the connection as it was, when the connection
 * does not unwrap to pgjdbc's {@link BaseConnection} (a pool's wrapper that hides it) or when a
 * column's PostgreSQL type is not one decoded here; the caller then reads through
 * {@link JdbcCursor}. This class refers to pgjdbc and is loaded only when pgjdbc is present
 * ({@link JdbcRecordSource}).
 *
 * <p>COPY takes no bind parameters, so the select's parameters are written into it as literals
 * ({@link CopyLiterals}). Text and JSON values are kept as the bytes the server sent where that is
 * exact (ASCII text, every JSON value): the reading thread checks JSON as bytes, and the writers
 * copy ASCII strings without encoding them again ({@link SourceCursor#utf8}).
 */
final class PostgresCopyCursor extends SourceCursor {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  /** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01. */
  private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY = new byte[0];

  /**
   * How a column's binary value becomes the cursor's. A JSON column's value is kept as its UTF-8
   * bytes ({@code JSON_UTF8}, {@code JSONB_UTF8}), for the reading thread to certify as they are; a
   * text column's ({@code TEXT}) too when they are ASCII, for the writers to copy.
   */
  private enum Kind { TEXT, JSONB, JSON_UTF8, JSONB_UTF8, UUID, INT8, INT4, INT2, BOOL, TIMESTAMPTZ, TEXT_ARRAY }

  private final Connection connection;
  private final BaseConnection base;
  private final SourceSql sql;
  private final String copySql;
  /** The COPY of the select deduplicating in the database, for when the copied uuids are too many to list. */
  private final @Nullable String distinctCopySql;
  private final Schema schema;
  private final Kind[] kinds;
  private final boolean restoreAutoCommit;
  private final byte[] uuidText = new byte[36];

  private final Object lock = new Object();
  /** Whether the COPY, or the list of copies before it, may be running on the server; guarded by {@link #lock}. */
  private boolean copying;
  /** Whether a cancel request went to the server for this COPY; guarded by {@link #lock}. */
  private boolean cancelSent;
  private @Nullable CopyOut copy;
  private boolean started;
  private boolean finished;
  private byte[] buffer = EMPTY;
  private int position;
  private int limit;
  private volatile boolean cancelled;
  private boolean closed;

  private PostgresCopyCursor(Connection connection, DataSource countConnections, BaseConnection base, SourceSql sql,
      String copySql, @Nullable String distinctCopySql, String table, int fetchSize, Schema schema, Kind[] kinds,
      boolean restoreAutoCommit) {
    // No adjacent copies to skip (uuid column -1): UuidCopies says which rows are copies.
    super(kinds.length, -1, new SourceCount(countConnections, Dialect.POSTGRESQL, sql, table, fetchSize), sql, table);
    this.connection = connection;
    this.base = base;
    this.sql = sql;
    this.copySql = copySql;
    this.distinctCopySql = distinctCopySql;
    this.schema = schema;
    this.kinds = kinds;
    this.restoreAutoCommit = restoreAutoCommit;
  }

  /**
   * A COPY cursor on the connection, which it then owns and closes; or null, with the connection
   * untouched, when the connection does not unwrap to pgjdbc, the server sends floating-point
   * timestamps, or a column has a type not decoded here. The COPY runs on the first {@link #next()}, so that a cancel can reach it.
   *
   * @throws ExportException when an event name of the query holds a NUL character, which no
   *     PostgreSQL text can hold
   * @throws SQLException when the database refuses to describe the select
   */
  static @Nullable RecordCursor open(Connection connection, DataSource countConnections, SourceQuery query,
      String table, String timeColumn, int fetchSize) throws SQLException {
    BaseConnection base = unwrap(connection);
    if (base == null || !base.getQueryExecutor().getIntegerDateTimes()) {
      return null; // a server from before 10 may send timestamps as floating point: the result set reads those
    }
    boolean autoCommit = connection.getAutoCommit();
    SourceSql sql = SourceSql.of(Dialect.POSTGRESQL, query, table, timeColumn).forTransaction(connection, autoCommit);
    String select = CopyLiterals.withLiterals(sql.select(), sql.params(), base.getStandardConformingStrings());
    if (select == null) {
      return null;
    }
    String distinct = sql.copies() == null ? null : CopyLiterals.withLiterals(sql.copies().distinct(),
        sql.copies().distinctParams(), base.getStandardConformingStrings());
    Schema schema = query.model().schema();
    Kind[] kinds;
    try (PreparedStatement describe = connection.prepareStatement(select)) {
      // One Parse/Describe round trip, nothing executed: COPY's binary rows do not say their types.
      kinds = kinds(schema, describe.getMetaData());
    }
    if (kinds == null) {
      return null;
    }
    if (autoCommit) {
      JdbcCursor.beginInUtc(connection); // the COPY reads in a transaction of its own, as JdbcCursor does
    }
    return new PostgresCopyCursor(connection, countConnections, base, sql, copy(select),
        distinct == null ? null : copy(distinct), table, fetchSize, schema, kinds, autoCommit);
  }

  private static String copy(String select) {
    return "COPY (" + select + ") TO STDOUT (FORMAT binary)";
  }

  private static @Nullable BaseConnection unwrap(Connection connection) {
    try {
      if (connection instanceof BaseConnection direct) {
        return direct;
      }
      return connection.isWrapperFor(BaseConnection.class) ? connection.unwrap(BaseConnection.class) : null;
    } catch (SQLException | RuntimeException e) {
      return null; // a wrapper that cannot say what it wraps: the plain JDBC path reads it
    }
  }

  /** How each column is decoded, or null when one's PostgreSQL type is not decoded here. */
  private static Kind @Nullable [] kinds(Schema schema, @Nullable ResultSetMetaData meta) throws SQLException {
    if (meta == null || meta.getColumnCount() != schema.size()) {
      return null;
    }
    Kind[] kinds = new Kind[schema.size()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = kind(schema.column(i).type(), meta.getColumnTypeName(i + 1));
      if (kinds[i] == null) {
        return null;
      }
    }
    return kinds;
  }

  private static @Nullable Kind kind(ColumnType type, String pgType) {
    return switch (type) {
      case STRING, JSON -> switch (pgType) {
        case "text", "varchar", "bpchar", "name", "json" -> type == ColumnType.JSON ? Kind.JSON_UTF8 : Kind.TEXT;
        case "jsonb" -> type == ColumnType.JSON ? Kind.JSONB_UTF8 : Kind.JSONB;
        case "uuid" -> Kind.UUID;
        default -> null;
      };
      case INT64 -> switch (pgType) {
        case "int8" -> Kind.INT8;
        case "int4" -> Kind.INT4;
        case "int2" -> Kind.INT2;
        default -> null;
      };
      case BOOLEAN -> pgType.equals("bool") ? Kind.BOOL : null;
      case TIMESTAMP -> pgType.equals("timestamptz") ? Kind.TIMESTAMPTZ : null;
      case STRING_LIST -> pgType.equals("_text") || pgType.equals("_varchar") ? Kind.TEXT_ARRAY : null;
    };
  }

  @Override
  public boolean next() {
    try {
      if (!started) {
        start();
      }
      while (true) {
        if (cancelled) {
          throw new ExportException("reading was cancelled", false);
        }
        if (finished || !readRow()) {
          return false;
        }
        if (!skipsCopy()) {
          return true;
        }
      }
    } catch (SQLException e) {
      stopped();
      if (cancelled) {
        throw new ExportException("reading was cancelled", e, false);
      }
      throw JdbcCursor.sourceFailure(started ? "reading rows of table " + table + " failed"
          : "cannot query the table " + table, e);
    } catch (RuntimeException e) {
      // A value the cursor refuses (an infinite timestamp, a 2-D array) leaves the COPY running:
      // it stays cancellable, so that close() does not read the rest of the interval first.
      if (copy == null || !copy.isActive()) {
        stopped();
      }
      throw e;
    }
  }

  private void start() throws SQLException {
    boolean distinct = readsDistinct();
    runs();
    copy = new CopyManager(base).copyOut(distinct ? distinctCopySql : copySql);
    started = true;
    ensure(SIGNATURE.length + 8);
    for (byte b : SIGNATURE) {
      if (buffer[position++] != b) {
        throw malformed("it does not start with the binary COPY signature");
      }
    }
    int flags = readInt();
    if ((flags & (1 << 16)) != 0) {
      throw malformed("it holds row OIDs");
    }
    int extension = readInt();
    if (extension < 0) {
      throw malformed("its header extension has a negative length");
    }
    ensure(extension);
    position += extension;
  }

  @Override
  protected @Nullable UuidCopies listCopies() throws SQLException {
    runs();
    try {
      return UuidCopies.read(connection, sql.copies(), schema, restoreAutoCommit, listing -> { },
          () -> cancelled || counter.stopped());
    } finally {
      stopped();
    }
  }

  /** A statement is about to run on the server (the list of copies or the COPY): from here a cancel request reaches it. */
  private void runs() {
    synchronized (lock) {
      if (cancelled) {
        throw new ExportException("reading was cancelled", false);
      }
      copying = true;
    }
  }

  /** Reads the next row into the arrays; false at the COPY's trailer. */
  private boolean readRow() throws SQLException {
    ensure(2);
    short fields = (short) (((buffer[position] & 0xFF) << 8) | (buffer[position + 1] & 0xFF));
    position += 2;
    if (fields == -1) {
      while (copy.readFromCopy() != null) {
        // Nothing follows the trailer; reading on ends the COPY and frees the connection.
      }
      finished = true;
      stopped();
      return false;
    }
    if (fields != kinds.length) {
      throw malformed("a row has " + fields + " fields, not " + kinds.length);
    }
    for (int i = 0; i < kinds.length; i++) {
      ensure(4);
      int length = readInt();
      if (length == -1) {
        nulls[i] = true;
        strings[i] = null;
        utf8[i] = null;
        lists[i] = null;
        continue;
      }
      if (length < 0) {
        throw malformed("a field has the length " + length);
      }
      ensure(length);
      nulls[i] = false;
      decode(i, length);
      position += length;
    }
    return true;
  }

  private void decode(int column, int length) {
    byte[] b = buffer;
    int at = position;
    switch (kinds[column]) {
      case TEXT -> text(column, b, at, length);
      case JSONB -> {
        jsonbVersion(column, b, at, length);
        strings[column] = new String(b, at + 1, length - 1, StandardCharsets.UTF_8);
      }
      case JSON_UTF8 -> {
        utf8[column] = Arrays.copyOfRange(b, at, at + length);
        strings[column] = null;
      }
      case JSONB_UTF8 -> {
        jsonbVersion(column, b, at, length);
        utf8[column] = Arrays.copyOfRange(b, at + 1, at + length);
        strings[column] = null;
      }
      case UUID -> {
        expectLength(column, length, 16);
        strings[column] = uuid(b, at);
      }
      case INT8 -> {
        expectLength(column, length, 8);
        longs[column] = long8(b, at);
      }
      case INT4 -> {
        expectLength(column, length, 4);
        longs[column] = int4(b, at);
      }
      case INT2 -> {
        expectLength(column, length, 2);
        longs[column] = (short) (((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF));
      }
      case BOOL -> {
        expectLength(column, length, 1);
        longs[column] = b[at] != 0 ? 1 : 0;
      }
      case TIMESTAMPTZ -> {
        expectLength(column, length, 8);
        long micros = long8(b, at);
        if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
          throw new ExportException("column " + schema.column(column).name() + " of table " + table
              + " holds an infinite timestamp, which cannot be exported", false);
        }
        try {
          longs[column] = Math.addExact(micros, POSTGRES_EPOCH_MICROS);
        } catch (ArithmeticException e) {
          throw new ExportException("column " + schema.column(column).name() + " of table " + table
              + " holds a timestamp beyond year 294,000, which cannot be exported", false);
        }
      }
      case TEXT_ARRAY -> lists[column] = textArray(column, b, at, length);
      default -> throw new IllegalStateException("unhandled column kind " + kinds[column]);
    }
  }

  /**
   * A text value: kept as its bytes when they are ASCII, so exactly its text's encoding, for the
   * writers to copy as they are; else decoded to its text.
   */
  private void text(int column, byte[] b, int at, int length) {
    boolean ascii = Swar.isAscii(b, at, at + length);
    utf8[column] = ascii ? Arrays.copyOfRange(b, at, at + length) : null;
    strings[column] = ascii ? null : new String(b, at, length, StandardCharsets.UTF_8);
  }

  /** A jsonb value's binary form is a version byte, 1, then the text. */
  private void jsonbVersion(int column, byte[] b, int at, int length) {
    if (length < 1 || b[at] != 1) {
      throw malformed("column " + schema.column(column).name() + " holds jsonb of an unknown version");
    }
  }

  private void expectLength(int column, int length, int expected) {
    if (length != expected) {
      throw malformed("column " + schema.column(column).name() + " has a value of " + length + " bytes, not "
          + expected);
    }
  }

  /** A one-dimensional array of text, as pgjdbc's {@code getArray} gives it to {@link JdbcCursor}. */
  private List<String> textArray(int column, byte[] b, int at, int length) {
    int end = at + length;
    if (length < 12) {
      throw malformed("column " + schema.column(column).name() + " has a truncated array");
    }
    int dimensions = int4(b, at);
    if (dimensions == 0) {
      return List.of();
    }
    if (dimensions != 1) {
      throw new ExportException("column " + schema.column(column).name() + " of table " + table + " holds an array of "
          + dimensions + " dimensions; only lists (one dimension) can be exported", false);
    }
    int p = at + 12; // dimensions, has-nulls flag, element type
    if (end - p < 8) {
      throw malformed("column " + schema.column(column).name() + " has a truncated array");
    }
    int size = int4(b, p);
    p += 8; // size, lower bound
    String[] elements = new String[size];
    for (int e = 0; e < size; e++) {
      if (end - p < 4) {
        throw malformed("column " + schema.column(column).name() + " has a truncated array");
      }
      int elementLength = int4(b, p);
      p += 4;
      if (elementLength == -1) {
        continue;
      }
      if (elementLength < 0 || end - p < elementLength) {
        throw malformed("column " + schema.column(column).name() + " has an array element of " + elementLength
            + " bytes");
      }
      elements[e] = new String(b, p, elementLength, StandardCharsets.UTF_8);
      p += elementLength;
    }
    return Collections.unmodifiableList(Arrays.asList(elements));
  }

  private String uuid(byte[] b, int at) {
    byte[] text = uuidText;
    int t = 0;
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        text[t++] = '-';
      }
      text[t++] = HEX[(b[at + i] >> 4) & 0xF];
      text[t++] = HEX[b[at + i] & 0xF];
    }
    return new String(text, 0, 36, StandardCharsets.ISO_8859_1);
  }

  private static int int4(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
  }

  private static long long8(byte[] b, int at) {
    return ((long) int4(b, at) << 32) | (int4(b, at + 4) & 0xFFFF_FFFFL);
  }

  private int readInt() {
    int value = int4(buffer, position);
    position += 4;
    return value;
  }

  /**
   * Makes {@code n} bytes available from {@link #position}. PostgreSQL sends a row per COPY message,
   * so this swaps in the next message; a row split over messages is joined.
   */
  private void ensure(int n) throws SQLException {
    while (limit - position < n) {
      byte[] message = copy.readFromCopy();
      if (message == null) {
        throw malformed("it ended inside a row");
      }
      int left = limit - position;
      if (left == 0) {
        buffer = message;
      } else {
        byte[] joined = Arrays.copyOfRange(buffer, position, position + left + message.length);
        System.arraycopy(message, 0, joined, left, message.length);
        buffer = joined;
      }
      position = 0;
      limit = buffer.length;
    }
  }

  private ExportException malformed(String what) {
    return new ExportException("the COPY output of table " + table + " cannot be read: " + what, false);
  }

  /** The list or the COPY is over on the server (ended, failed or cancelled): a cancel must not reach later statements. */
  private void stopped() {
    synchronized (lock) {
      copying = false;
    }
  }

  /**
   * Stops a count or COPY from any thread: a running COPY by pgjdbc's cancel request, which makes a
   * blocked read fail at once; otherwise the flag stops the cursor at its next row.
   */
  @Override
  public void cancel() {
    cancelled = true;
    counter.stop();
    sendCancel(); // the flag stops the cursor at the next row even when the server cannot be reached
  }

  /** Asks the server to cancel the COPY, once, and only while it runs; a failure to ask is ignored. */
  private void sendCancel() {
    synchronized (lock) {
      if (copying && !cancelSent) {
        cancelSent = true;
        try {
          base.cancelQuery();
        } catch (SQLException ignored) {
          // The caller stops the cursor by other means: its flag, or reading the COPY to its end.
        }
      }
    }
  }

  /**
   * Ends a COPY still running, rolls back the transaction the cursor began and closes the
   * connection, returning it to its pool in the state it was lent. pgjdbc's
   * {@code CopyOut.cancelCopy()} sends a cancel request but leaves the rest of the COPY unread on the
   * connection, where the next statement would meet it; so the cursor sends the request itself
   * (unless {@link #cancel()} did) and reads on until the server reports the COPY cancelled, or ended.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    counter.stop(); // a count still running beside the read ends with it
    endListing(this::sendCancel); // the count's thread may be listing copied events on this connection
    try {
      CopyOut running = copy;
      if (running != null && running.isActive()) {
        sendCancel(); // unanswered, reading to the end below frees the connection all the same, only later
        try {
          while (running.readFromCopy() != null) {
            // Rows sent before the cancel arrived.
          }
        } catch (SQLException expected) {
          // The server's answer to the cancel: the COPY is over and the connection free.
        } finally {
          stopped();
        }
      }
    } finally {
      release(connection, restoreAutoCommit, KEEP_ISOLATION);
    }
  }
}
