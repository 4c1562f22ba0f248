package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each codec round-trips pages and stays within the size bound the writer relies on. */
class ColumnCodecTest {
  private static final int[] SIZES = {0, 1, 17, 1000, 16_384, 65_537, 1 << 20, 3 << 20};

  @ParameterizedTest
  @EnumSource(ColumnCodec.class)
  void randomBytesStayWithinTheBoundAndRoundTrip(ColumnCodec codec) throws Exception {
    Random random = new Random(42);
    ColumnCodec.PageCodec pages = codec.newPageCodec();
    try {
      for (int size : SIZES) {
        for (boolean compressible : new boolean[] {false, true}) {
          byte[] input = new byte[size];
          if (compressible) {
            Arrays.fill(input, (byte) 'a');
          } else {
            random.nextBytes(input);
          }
          byte[] output = new byte[pages.maxCompressedLength(size)];
          int length = pages.compress(input, 0, size, output);
          assertThat((long) length).as("%s of %d bytes", codec, size)
              .isLessThanOrEqualTo(codec.maxCompressedSize(size, 1));
          byte[] back = new byte[size];
          pages.decompress(output, length, back, size);
          assertThat(back).isEqualTo(input);
        }
      }
    } finally {
      pages.close();
    }
  }

  /** A page compressed where it lies in a larger array compresses as the same bytes copied out would. */
  @ParameterizedTest
  @EnumSource(ColumnCodec.class)
  void aPageInsideALargerArrayCompressesAsItsOwnBytes(ColumnCodec codec) throws Exception {
    Random random = new Random(7);
    byte[] page = "{\"page\": \"inside a larger array\"} ".repeat(300).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] around = new byte[page.length + 1000];
    random.nextBytes(around);
    System.arraycopy(page, 0, around, 333, page.length);
    ColumnCodec.PageCodec pages = codec.newPageCodec();
    try {
      byte[] alone = new byte[pages.maxCompressedLength(page.length)];
      int aloneLength = pages.compress(page, 0, page.length, alone);
      byte[] inside = new byte[pages.maxCompressedLength(page.length)];
      int insideLength = pages.compress(around, 333, page.length, inside);
      assertThat(Arrays.copyOf(inside, insideLength)).as("%s", codec).isEqualTo(Arrays.copyOf(alone, aloneLength));
      byte[] back = new byte[page.length];
      pages.decompress(inside, insideLength, back, page.length);
      assertThat(back).isEqualTo(page);
    } finally {
      pages.close();
    }
  }

  @Test
  void gzipPagesAreGzipStreams() throws Exception {
    byte[] input = "a gzip page, as RFC 1952 has it".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ColumnCodec.PageCodec gzip = ColumnCodec.GZIP.newPageCodec();
    byte[] output = new byte[gzip.maxCompressedLength(input.length)];
    int length = gzip.compress(input, 0, input.length, output);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(output, 0, length))) {
      assertThat(in.readAllBytes()).isEqualTo(input);
    }
    gzip.close();
  }

  @Test
  void lz4RawPagesAreBareBlocks() throws Exception {
    byte[] input = new byte[4096];
    ColumnCodec.PageCodec lz4 = ColumnCodec.LZ4_RAW.newPageCodec();
    byte[] output = new byte[lz4.maxCompressedLength(input.length)];
    int length = lz4.compress(input, 0, input.length, output);
    // A block of zeros starts with a token (not Hadoop's 4-byte big-endian length prefix 00 00 10 00).
    assertThat(length).isLessThan(64);
    assertThat(Arrays.copyOf(output, 4)).isNotEqualTo(new byte[] {0, 0, 0x10, 0});
    assertThat(net.jpountz.lz4.LZ4Factory.fastestJavaInstance().safeDecompressor()
        .decompress(output, 0, length, 4096)).isEqualTo(input);
  }
}
