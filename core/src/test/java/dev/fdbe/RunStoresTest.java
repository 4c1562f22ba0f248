package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings {@link RunStores#h2DataSource} adds to an H2 URL, and those it leaves to the URL. */
class RunStoresTest {
  @Test
  void addsItsSettingsWhereTheUrlNamesNone() {
    assertThat(RunStores.h2Url("jdbc:h2:./data/fdbe"))
        .isEqualTo("jdbc:h2:./data/fdbe;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    assertThat(RunStores.h2Url("jdbc:h2:mem:test")).as("nothing to write at once in memory")
        .isEqualTo("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
    assertThat(RunStores.h2Url("jdbc:h2:mem:test;")).isEqualTo("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
  }

  @Test
  void keepsWhatTheUrlSaysInAnyCase() {
    assertThat(RunStores.h2Url("jdbc:h2:./d;db_close_delay=0;Write_Delay=500;DB_CLOSE_ON_EXIT=TRUE"))
        .isEqualTo("jdbc:h2:./d;db_close_delay=0;Write_Delay=500;DB_CLOSE_ON_EXIT=TRUE");
  }

  @Test
  void leavesOutCloseOnExitForAutoServerInEverySpellingOfTrue() {
    for (String on : List.of("TRUE", "true", "True", "YES", "yes", "Y", "y", "T", "t", "1")) {
      assertThat(RunStores.h2Url("jdbc:h2:./d;AUTO_SERVER=" + on)).as(on)
          .isEqualTo("jdbc:h2:./d;AUTO_SERVER=" + on + ";DB_CLOSE_DELAY=-1;WRITE_DELAY=0");
    }
    assertThat(RunStores.h2Url("jdbc:h2:./d;auto_server=yes")).doesNotContain("DB_CLOSE_ON_EXIT");
    for (String off : List.of("FALSE", "no", "0", "N")) {
      assertThat(RunStores.h2Url("jdbc:h2:./d;AUTO_SERVER=" + off)).as(off).contains(";DB_CLOSE_ON_EXIT=FALSE");
    }
  }

  @Test
  void h2OpensAFileDatabaseWithAutoServerSpelledAnyWay(@TempDir Path directory) throws SQLException {
    // Before, only "AUTO_SERVER=TRUE" was recognised: "yes" or "1" got DB_CLOSE_ON_EXIT=FALSE too,
    // and H2 refused to open the database.
    for (String on : List.of("TRUE", "yes", "1")) {
      DataSource dataSource = RunStores.h2DataSource("jdbc:h2:" + directory.resolve("db-" + on) + ";AUTO_SERVER=" + on);
      try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
              + " WHERE SETTING_NAME = 'WRITE_DELAY'")) {
        assertThat(result.next()).isTrue();
        assertThat(result.getString(1)).as(on).isEqualTo("0");
        statement.execute("SHUTDOWN");
      } finally {
        ((JdbcConnectionPool) dataSource).dispose();
      }
    }
  }
}
