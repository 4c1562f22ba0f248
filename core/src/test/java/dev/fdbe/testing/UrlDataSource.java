package dev.fdbe.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A data source that opens a new connection to a JDBC URL each time; enough for tests. */
public final class UrlDataSource extends ConnectionSource {
  private final String url;

  public UrlDataSource(String url) {
    this.url = url;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return DriverManager.getConnection(url);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return DriverManager.getConnection(url, username, password);
  }

  @Override
  public String toString() {
    return url;
  }
}
