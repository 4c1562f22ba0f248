package dev.fdbe.spi;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DownloadLinkSignerTest {
  private static final String KEY = "1/run/00000.csv";
  private static final Instant EXPIRES_AT = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void fileNamesThatFitAQuotedHeaderValuePass() {
    for (String name : new String[] {"a.csv", "2026-11-20 export \u00e9.jsonl", "x'y (1).parquet.zst", "\u20ac"}) {
      assertThatCode(() -> DownloadLinkSigner.requireValidArguments(KEY, name, EXPIRES_AT)).as(name)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void fileNamesThatWouldBreakTheHeaderAreRefusedNamingThem() {
    for (String name : new String[] {"", "a\nb.csv", "a\r.csv", "a\u0000.csv", "a\u007f.csv", "a\u0085.csv",
        "dir/a.csv", "a\\b.csv", "a\"b.csv"}) {
      assertThatThrownBy(() -> DownloadLinkSigner.requireValidArguments(KEY, name, EXPIRES_AT)).as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("invalid fileName '" + name + "': it must be non-empty, without control characters, '/', '\\' "
              + "or '\"'");
    }
  }

  @Test
  void theKeyFollowsTheBlobStoreRules() {
    for (String key : new String[] {"", "../x", "a//b", "a/", "a b"}) {
      assertThatThrownBy(() -> DownloadLinkSigner.requireValidArguments(key, "a.csv", EXPIRES_AT)).as(key)
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid blob key '" + key + "'");
    }
  }

  @Test
  void nullsAreRefusedNamingTheArgumentKeyFirst() {
    assertThatThrownBy(() -> DownloadLinkSigner.requireValidArguments(null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid blob key 'null'");
    assertThatThrownBy(() -> DownloadLinkSigner.requireValidArguments(KEY, null, null))
        .isInstanceOf(NullPointerException.class).hasMessage("fileName");
    assertThatThrownBy(() -> DownloadLinkSigner.requireValidArguments(KEY, "a/b", null))
        .isInstanceOf(NullPointerException.class).hasMessage("expiresAt");
  }
}
