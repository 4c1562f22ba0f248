package dev.fdbe.internal.store;

import static dev.fdbe.RunStatus.RUNNING;
import static dev.fdbe.RunStatus.STARTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.RunStatus;
import dev.fdbe.internal.Transitions;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SQL status lists of the JDBC run store ({@link StoreSql}) come from the lifecycle table, spelled by wire name. */
class StatusSqlTest {
  @Test
  void rendersTheActiveStatusesAsQuotedWireNames() {
    assertThat(StoreSql.sqlList(Transitions.active())).isEqualTo("('Starting', 'Running')");
    assertThat(StoreSql.sqlList(Set.of(RUNNING, STARTING))).isEqualTo("('Starting', 'Running')");
  }

  @Test
  void rendersEveryStatus() {
    String all = StoreSql.sqlList(EnumSet.allOf(RunStatus.class));
    for (RunStatus status : RunStatus.values()) {
      assertThat(all).contains("'" + status.wireName() + "'");
    }
  }

  @Test
  void refusesAnEmptyList() {
    assertThatThrownBy(() -> StoreSql.sqlList(Set.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
