package dev.fdbe.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DownloadLinkSignerTest {
  @Test
  void fileNamesThatFitAQuotedHeaderValuePass() {
    for (String name : new String[] {"a.csv", "2026-11-20 export \u00e9.jsonl", "x'y (1).parquet.zst", "\u20ac"}) {
      assertThat(DownloadLinkSigner.requireValidFileName(name)).isEqualTo(name);
    }
  }

  @Test
  void fileNamesThatWouldBreakTheHeaderAreRefusedNamingThem() {
    for (String name : new String[] {"", "a\nb.csv", "a\r.csv", "a\u0000.csv", "a\u007f.csv", "a\u0085.csv",
        "dir/a.csv", "a\\b.csv", "a\"b.csv"}) {
      assertThatThrownBy(() -> DownloadLinkSigner.requireValidFileName(name)).as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("invalid fileName '" + name + "': it must be non-empty, without control characters, '/', '\\' "
              + "or '\"'");
    }
    assertThatThrownBy(() -> DownloadLinkSigner.requireValidFileName(null))
        .isInstanceOf(NullPointerException.class).hasMessage("fileName");
  }
}
