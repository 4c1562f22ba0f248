package dev.fdbe.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpirationTest {
  @Test
  void readsTheExpiryDateOfALifecycleRule() {
    assertThat(Expiration.parse("expiry-date=\"Fri, 23 Dec 2012 00:00:00 GMT\", rule-id=\"picture-deletion-rule\""))
        .isEqualTo(Instant.parse("2012-12-23T00:00:00Z"));
    assertThat(Expiration.parse("rule-id=\"r\", expiry-date=\"Sun, 29 Nov 2026 00:00:00 GMT\""))
        .isEqualTo(Instant.parse("2026-11-29T00:00:00Z"));
  }

  @Test
  void noHeaderOrAnUnreadableOneMeansNoExpiry() {
    assertThat(Expiration.parse(null)).isNull();
    assertThat(Expiration.parse("")).isNull();
    assertThat(Expiration.parse("rule-id=\"r\"")).isNull();
    assertThat(Expiration.parse("expiry-date=\"tomorrow\", rule-id=\"r\"")).isNull();
  }
}
