package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Whether pages precede or follow, which the HTTP API turns into its previous and next links. */
class PageTest {
  @Test
  void aMiddlePageHasBothNeighbours() {
    Page<String> page = new Page<>(30, 10, 10, List.of("k", "l"));

    assertThat(page.hasPrevious()).isTrue();
    assertThat(page.hasNext()).isTrue();
  }

  @Test
  void theFirstAndLastPagesHaveOneNeighbour() {
    assertThat(new Page<>(30, 0, 10, List.of("a")).hasPrevious()).isFalse();
    assertThat(new Page<>(21, 20, 10, List.of("u")).hasNext()).isFalse();
    assertThat(new Page<>(21, 20, 10, List.of("u")).hasPrevious()).isTrue();
  }

  @Test
  void aLimitOfZeroHasNeitherNeighbourSoThatALinkNeverLeadsBackToItself() {
    Page<String> empty = new Page<>(30, 5, 0, List.of());

    assertThat(empty.hasPrevious()).isFalse();
    assertThat(empty.hasNext()).isFalse();
  }
}
