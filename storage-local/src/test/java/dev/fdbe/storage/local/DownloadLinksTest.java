package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.spi.BlobStoreProvider;
import org.junit.jupiter.api.Test;

class DownloadLinksTest {
  @Test
  void encodeRoundTripsThroughTheStrictParserWithUnicodeSpacesAndSeparators() {
    String value = "a b+c&d=e/é€😀%";

    String encoded = DownloadLinks.encode(value);

    assertThat(encoded).doesNotContain(" ", "+", "&", "=").contains("%20", "%2B");
    assertThat(BlobStoreProvider.parameters("v=" + encoded)).containsEntry("v", value);
  }
}
