package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.h2.util.Utils;
import org.junit.jupiter.api.Test;

/**
 * The settings {@link RunStores#h2DataSource} adds to an H2 URL, and those it leaves to the URL.
 * (No database is opened with {@code AUTO_SERVER}: that would open a server socket.)
 */
class RunStoresTest {
  @Test
  void addsItsSettingsWhereTheUrlNamesNone() {
    assertThat(RunStores.h2Url("jdbc:h2:./data/fdbe"))
        .isEqualTo("jdbc:h2:./data/fdbe;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    assertThat(RunStores.h2Url("jdbc:h2:mem:test")).as("nothing to write at once in memory")
        .isEqualTo("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
  }

  @Test
  void keepsWhatTheUrlSaysInAnyCase() {
    assertThat(RunStores.h2Url("jdbc:h2:./d;db_close_delay=0;Write_Delay=500;DB_CLOSE_ON_EXIT=TRUE"))
        .isEqualTo("jdbc:h2:./d;db_close_delay=0;Write_Delay=500;DB_CLOSE_ON_EXIT=TRUE");
  }

  @Test
  void leavesOutCloseOnExitExactlyWhenH2TakesAutoServerForTrue() {
    // Before, only "AUTO_SERVER=TRUE" was recognised: "yes" or "1" got DB_CLOSE_ON_EXIT=FALSE too,
    // and H2 refused to open the database ("AUTO_SERVER=TRUE && DB_CLOSE_ON_EXIT=FALSE").
    List<String> spellings = List.of("TRUE", "true", "True", "YES", "yes", "Y", "y", "T", "t", "1", "FALSE",
        "false", "NO", "no", "N", "F", "0", "on", "off", "2", "maybe", "", " true");
    int on = 0;
    for (String value : spellings) {
      boolean h2TakesTrue = Utils.parseBoolean(value, false, false);
      String url = RunStores.h2Url("jdbc:h2:./d;auto_server=" + value);
      if (h2TakesTrue) {
        on++;
        assertThat(url).as(value).isEqualTo("jdbc:h2:./d;auto_server=" + value + ";DB_CLOSE_DELAY=-1;WRITE_DELAY=0");
      } else {
        assertThat(url).as(value).contains(";DB_CLOSE_ON_EXIT=FALSE");
      }
    }
    assertThat(on).as("spellings H2 takes for true").isEqualTo(10);
  }
}
