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

/** The SQL status lists of {@link JdbcRunStore} come from the lifecycle table, spelled by wire name. */
class StatusSqlTest {
  @Test
  void rendersTheActiveStatusesAsQuotedWireNames() {
    assertThat(JdbcRunStore.sqlList(Transitions.active())).isEqualTo("('Starting', 'Running')");
    assertThat(JdbcRunStore.sqlList(Set.of(RUNNING, STARTING))).isEqualTo("('Starting', 'Running')");
  }

  @Test
  void rendersEveryStatus() {
    String all = JdbcRunStore.sqlList(EnumSet.allOf(RunStatus.class));
    for (RunStatus status : RunStatus.values()) {
      assertThat(all).contains("'" + status.wireName() + "'");
    }
  }

  @Test
  void refusesAnEmptyList() {
    assertThatThrownBy(() -> JdbcRunStore.sqlList(Set.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
