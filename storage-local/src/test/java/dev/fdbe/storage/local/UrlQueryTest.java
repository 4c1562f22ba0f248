package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlQueryTest {
  @Test
  void encodeAndDecodeRoundTripUnicodeSpacesAndSeparators() {
    String value = "a b+c&d=e/é€😀%";

    String encoded = UrlQuery.encode(value);

    assertThat(encoded).doesNotContain(" ", "+", "&", "=").contains("%20", "%2B");
    assertThat(UrlQuery.decode(encoded)).isEqualTo(value);
  }

  @Test
  void parseKeepsOrderAndDecodes() {
    assertThat(UrlQuery.parse("b=2&a=x%20y+z&c=")).containsExactly(
        Map.entry("b", "2"), Map.entry("a", "x y z"), Map.entry("c", ""));
    assertThat(UrlQuery.parse("")).isEmpty();
  }

  @Test
  void parseIsStrict() {
    for (String query : new String[] {"a=1&a=2", "a", "=1", "a=1&", "&a=1", "a=%2", "a=%g0", "a=é", "a=b=c",
        "a=%FF", "a=\"x\""}) {
      assertThatThrownBy(() -> UrlQuery.parse(query)).as(query).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
