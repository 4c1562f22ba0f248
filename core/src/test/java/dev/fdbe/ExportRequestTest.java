package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The event filters are checked where the request is made; the interval and file by their own values. */
class ExportRequestTest {
  private static final TimeRange DAY =
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));

  private static void assertInvalid(ExportRequest.Builder builder, String attr, String message) {
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.attr()).isEqualTo(attr))
        .hasMessage(message);
  }

  @Test
  void theBuilderFillsTheApiDefaults() {
    ExportRequest request = ExportRequest.builder(Model.EVENTS, DAY).build();

    assertThat(request.dataInterval()).isEqualTo(DAY);
    assertThat(request.file()).isEqualTo(FileConfig.DEFAULT);
    assertThat(request.include()).isEmpty();
    assertThat(request.exclude()).isEmpty();
    assertThat(request.toBuilder().build()).isEqualTo(request);
  }

  @Test
  void aCopiedRequestsValuesCanBeReplacedOnce() {
    ExportRequest request = ExportRequest.builder(Model.EVENTS, DAY)
        .file(FileConfig.of(FileFormat.CSV)).include(List.of("$pageview")).build();

    ExportRequest changed = request.toBuilder().file(FileConfig.of(FileFormat.JSON_LINES)).exclude(List.of("$ping"))
        .build();

    assertThat(changed.file()).isEqualTo(FileConfig.of(FileFormat.JSON_LINES));
    assertThat(changed.include()).containsExactly("$pageview");
    assertThat(changed.exclude()).containsExactly("$ping");
    assertThat(request.toBuilder().include(List.of()).build().include()).isEmpty();
    assertThatThrownBy(() -> request.toBuilder().include(List.of("a")).include(List.of("b")))
        .isInstanceOf(IllegalStateException.class).hasMessage("include was already set to [a]");
  }

  @Test
  void instantsMakeTheSameRangeAsTimeRange() {
    Instant start = Instant.parse("2026-11-20T00:00:00.000000500Z");
    assertThat(ExportRequest.builder(Model.EVENTS, start, DAY.end()).build().dataInterval())
        .isEqualTo(new TimeRange(start, DAY.end()));
    assertThatThrownBy(() -> ExportRequest.builder(Model.EVENTS, DAY.end(), DAY.start()))
        .isInstanceOf(InvalidRequestException.class);
  }

  @ParameterizedTest
  @EnumSource(value = Model.class, names = "EVENTS", mode = EnumSource.Mode.EXCLUDE)
  void filtersAreOnlyForEvents(Model model) {
    assertInvalid(ExportRequest.builder(model, DAY).include(List.of("$pageview")), "include",
        "'include' can only be used with model 'events', not '" + model.wireName() + "'");
    assertInvalid(ExportRequest.builder(model, DAY).exclude(List.of("$pageview")), "exclude",
        "'exclude' can only be used with model 'events', not '" + model.wireName() + "'");
    assertThat(ExportRequest.builder(model, DAY).include(List.of()).exclude(List.of()).build().include()).isEmpty();
  }

  @Test
  void atMostAThousandEventNames() {
    assertThat(ExportRequest.builder(Model.EVENTS, DAY).include(Collections.nCopies(1000, "e")).build().include())
        .hasSize(1000);
    assertInvalid(ExportRequest.builder(Model.EVENTS, DAY).exclude(Collections.nCopies(1001, "e")), "exclude",
        "'exclude' holds 1001 event names; at most 1000 are allowed");
  }

  @Test
  void eventNamesAreNonBlankAndAtMostAThousandCharacters() {
    assertInvalid(ExportRequest.builder(Model.EVENTS, DAY).include(List.of("$pageview", " ")), "include",
        "'include' must hold non-empty event names");
    assertThat(ExportRequest.builder(Model.EVENTS, DAY).include(List.of("x".repeat(1000))).build().include())
        .hasSize(1);
    assertInvalid(ExportRequest.builder(Model.EVENTS, DAY).include(List.of("x".repeat(1001))), "include",
        "'include' holds an event name longer than 1000 characters");
    assertInvalid(ExportRequest.builder(Model.EVENTS, DAY).exclude(List.of("sign\0up")), "exclude",
        "'exclude' holds an event name with a NUL character");
  }

  @Test
  void eachOptionIsSetOnce() {
    ExportRequest.Builder builder = ExportRequest.builder(Model.EVENTS, DAY).file(FileConfig.DEFAULT);

    assertThatThrownBy(() -> builder.file(FileConfig.of(FileFormat.CSV))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("file was already set to");
  }

  @Test
  void nullsAreNamed() {
    assertThatThrownBy(() -> ExportRequest.builder(null, DAY)).hasMessage("model");
    assertThatThrownBy(() -> ExportRequest.builder(Model.EVENTS, null)).hasMessage("dataInterval");
  }
}
