package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartSelectorTest {
  @Test
  void absentOrEmptyMeansTheFirstFile() {
    assertThat(PartSelector.parse(null)).isEqualTo(PartSelector.FIRST);
    assertThat(PartSelector.parse("")).isEqualTo(PartSelector.FIRST);
  }

  @Test
  void uuidSelectsById() {
    String id = "497f6eca-6276-4993-bfeb-53cbbbba6f08";
    assertThat(PartSelector.parse(id)).isEqualTo(new PartSelector.ById(FileId.parse(id)));
    assertThat(PartSelector.parse(id.toUpperCase())).isEqualTo(new PartSelector.ById(FileId.parse(id)));
  }

  @Test
  void integersSelectByIndex() {
    assertThat(PartSelector.parse("0")).isEqualTo(new PartSelector.ByIndex(0));
    assertThat(PartSelector.parse("007")).isEqualTo(new PartSelector.ByIndex(7));
    assertThat(PartSelector.parse("-1")).isEqualTo(new PartSelector.ByIndex(-1));
  }

  @Test
  void integersBeyondAnyIndexAreNotFound() {
    assertThatThrownBy(() -> PartSelector.parse("99999999999999999999999"))
        .isInstanceOf(PartNotFoundException.class)
        .hasMessage("No files with index 99999999999999999999999");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "1.5", "+1", " 1", "1-1-1-1-1", "497f6eca-6276-4993-bfeb-53cbbbba6f0", "0x10", "１"})
  void anythingElseIsInvalid(String part) {
    assertThatThrownBy(() -> PartSelector.parse(part))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("Invalid file id or index: '" + part + "'");
  }
}
