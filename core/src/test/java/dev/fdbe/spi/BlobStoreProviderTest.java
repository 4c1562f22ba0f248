package dev.fdbe.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BlobStoreProviderTest {
  @Test
  void parametersKeepOrderAndDecode() {
    assertThat(BlobStoreProvider.parameters("b=2&a=x%20y+z&c=")).containsExactly(
        Map.entry("b", "2"), Map.entry("a", "x y z"), Map.entry("c", ""));
    assertThat(BlobStoreProvider.parameters("v=a%20b%2Bc%26d%3De%2F%C3%A9%E2%82%AC%F0%9F%98%80%25"))
        .containsExactly(Map.entry("v", "a b+c&d=e/é€😀%"));
    assertThat(BlobStoreProvider.parameters("kmsKeyId=alias/fdbe&endpoint=http://h:9000/?x"))
        .containsExactly(Map.entry("kmsKeyId", "alias/fdbe"), Map.entry("endpoint", "http://h:9000/?x"));
  }

  @Test
  void noQueryHasNoParameters() {
    assertThat(BlobStoreProvider.parameters("")).isEmpty();
    assertThat(BlobStoreProvider.parameters(null)).isEmpty();
  }

  @Test
  void parametersAreStrict() {
    for (String query : new String[] {"a=1&a=2", "a", "=1", "a=1&", "&a=1", "a=%2", "a=%g0", "a=é", "a=b=c",
        "a=%FF", "a=\"x\"", "a=b c", "a=%C3", "%=1"}) {
      assertThatThrownBy(() -> BlobStoreProvider.parameters(query)).as(query)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theMessageNamesThePartAndTheProblem() {
    String[][] cases = {
        {"a=1&a=2", "query parameter 'a' is repeated"},
        {"region", "query part 'region' is not name=value"},
        {"=1", "query part '=1' has no name"},
        {"a=%2", "'%2' has a '%' not followed by two hex digits"},
        {"a=b c", "'b c' has a character that must be percent-encoded: ' '"},
        {"a=b=c", "'b=c' has a character that must be percent-encoded: '='"},
        {"a=%FF", "'%FF' does not decode to UTF-8 text"},
        {"a=%\u0664\u0661", "'%\u0664\u0661' has a '%' not followed by two hex digits"}, // Arabic-Indic digits
        {"a=%\uff14\uff11", "'%\uff14\uff11' has a '%' not followed by two hex digits"}, // full-width digits
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> BlobStoreProvider.parameters(c[0])).as(c[0])
          .isInstanceOf(IllegalArgumentException.class).hasMessage(c[1]);
    }
  }

  @Test
  void theParametersCannotBeChanged() {
    Map<String, String> parameters = BlobStoreProvider.parameters("a=1");

    assertThatThrownBy(() -> parameters.put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
  }
}
