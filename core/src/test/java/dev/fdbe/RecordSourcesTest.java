package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The JDBC source's builder checks each option when it is set; nothing connects. */
class RecordSourcesTest {
  private final JdbcDataSource dataSource = new JdbcDataSource();

  @Test
  void eachModelsTableAndTimeColumnMayBeSetOnce() {
    RecordSources.JdbcBuilder builder = RecordSources.jdbcBuilder(dataSource)
        .table(Model.EVENTS, "analytics.events").table(Model.PERSONS, "people")
        .timeColumn(Model.EVENTS, "_inserted_at");

    assertThatThrownBy(() -> builder.table(Model.EVENTS, "other_events"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("table of events was already set to 'analytics.events'");
    assertThatThrownBy(() -> builder.timeColumn(Model.EVENTS, "timestamp"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("time column of events was already set to '_inserted_at'");
    assertThatThrownBy(() -> builder.fetchSize(10).fetchSize(20))
        .isInstanceOf(IllegalStateException.class).hasMessage("fetchSize was already set to 10");
    assertThat(builder.build()).isNotNull();
  }

  @Test
  void badValuesAreRefusedWithoutUsingUpTheOption() {
    RecordSources.JdbcBuilder builder = RecordSources.jdbcBuilder(dataSource);

    assertThatThrownBy(() -> builder.table(Model.EVENTS, "events; drop table events"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain SQL identifier");
    assertThatThrownBy(() -> builder.timeColumn(Model.EVENTS, "event"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timestamp columns");

    assertThatCode(() -> builder.table(Model.EVENTS, "events_v2").timeColumn(Model.EVENTS, "created_at"))
        .doesNotThrowAnyException();
  }
}
