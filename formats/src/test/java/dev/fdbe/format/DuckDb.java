package dev.fdbe.format;

import dev.fdbe.schema.Column;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Schema;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DuckDB in-process, the independent reader the format tests check files with. Rows come back in
 * the value types {@link RowReader} uses, so they compare directly with the source rows.
 */
public final class DuckDb implements AutoCloseable {
  private final Connection connection;

  public DuckDb() throws SQLException {
    this.connection = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
    }
  }

  /** A SQL string literal. */
  public static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /**
   * The rows a query returns, converted by the schema: timestamps to {@code Instant}, JSON to its
   * compact text, lists to {@code List<String>}.
   */
  public List<Map<String, Object>> rows(String sql, Schema schema) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (Column column : schema.columns()) {
          row.put(column.name(), value(rs, column));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static Object value(ResultSet rs, Column column) throws SQLException {
    Object raw = rs.getObject(column.name());
    if (raw == null) {
      return null;
    }
    return switch (column.type()) {
      case STRING -> raw.toString();
      case INT64 -> ((Number) raw).longValue();
      case BOOLEAN -> (Boolean) raw;
      case TIMESTAMP -> raw instanceof OffsetDateTime t ? t.toInstant()
          : raw instanceof java.sql.Timestamp ts ? ts.toInstant() : Instant.parse(raw.toString());
      case JSON -> {
        String compact = Json.compact(raw.toString());
        yield compact == null ? raw.toString() : compact;
      }
      case STRING_LIST -> {
        Object[] elements = (Object[]) ((Array) raw).getArray();
        List<String> list = new ArrayList<>(elements.length);
        for (Object element : elements) {
          list.add(element == null ? null : element.toString());
        }
        yield list;
      }
    };
  }

  /** Column name to DuckDB type of what a query returns, in order. */
  public Map<String, String> types(String sql) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("DESCRIBE " + sql)) {
      while (rs.next()) {
        types.put(rs.getString("column_name"), rs.getString("column_type"));
      }
    }
    return types;
  }

  /** A single value. */
  public Object scalar(String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1);
    }
  }

  /** The column names of a query, for diagnostics. */
  public List<String> columns(String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      String[] names = new String[meta.getColumnCount()];
      for (int i = 0; i < names.length; i++) {
        names[i] = meta.getColumnName(i + 1);
      }
      return Arrays.asList(names);
    }
  }

  /** DuckDB's type for a column of ours, as it should see it in a Parquet file. */
  public static String parquetType(ColumnType type) {
    return switch (type) {
      case STRING, JSON -> "VARCHAR";
      case INT64 -> "BIGINT";
      case BOOLEAN -> "BOOLEAN";
      case TIMESTAMP -> "TIMESTAMP WITH TIME ZONE";
      case STRING_LIST -> "VARCHAR[]";
    };
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
