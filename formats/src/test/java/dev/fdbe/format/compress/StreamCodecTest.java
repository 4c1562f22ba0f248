package dev.fdbe.format.compress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.format.internal.CompressionPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every codec's stream round-trips and keeps its size bound: the codec's own stream on the writer's
 * thread ({@code serial}) and, for gzip and zstd, blocks compressed by a pool ({@code parallel}).
 */
class StreamCodecTest {
  static final CompressionPool POOL = new CompressionPool(2, Duration.ofSeconds(1), "stream-codec-test");

  @AfterAll
  static void closePool() {
    POOL.close();
  }

  /** Every codec serial, and gzip and zstd in parallel too. */
  static List<Arguments> modes() {
    List<Arguments> modes = new ArrayList<>();
    for (StreamCodec codec : StreamCodec.values()) {
      modes.add(Arguments.of(codec, "serial"));
      if (BlockCodec.of(codec).isPresent()) {
        modes.add(Arguments.of(codec, "parallel"));
      }
    }
    return modes;
  }

  /** The modes of the compressing codecs. */
  static List<Arguments> compressingModes() {
    return modes().stream().filter(a -> a.get()[0] != StreamCodec.NONE).toList();
  }

  static CompressedOutput open(ByteArrayOutputStream out, StreamCodec codec, String mode, long limit)
      throws IOException {
    return new CompressedOutput(out, codec, limit, mode.equals("parallel") ? Optional.of(POOL) : Optional.empty());
  }

  /** Chunks of text (compressible) and random bytes (incompressible), of varied sizes. */
  static List<byte[]> chunks(long seed) {
    Random random = new Random(seed);
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      int size = random.nextInt(4) == 0 ? random.nextInt(200_000) : random.nextInt(3_000);
      byte[] chunk = new byte[size];
      if (random.nextBoolean()) {
        random.nextBytes(chunk);
      } else {
        byte[] text = ("{\"event\":\"$pageview\",\"n\":" + random.nextInt(100) + "}\n").getBytes(StandardCharsets.UTF_8);
        for (int j = 0; j < size; j++) {
          chunk[j] = text[j % text.length];
        }
      }
      chunks.add(chunk);
    }
    return chunks;
  }

  static byte[] write(StreamCodec codec, String mode, long limit, List<byte[]> chunks) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompressedOutput output = open(out, codec, mode, limit);
    for (byte[] chunk : chunks) {
      output.write(chunk, 0, chunk.length);
    }
    output.finish();
    assertThat(output.storedBytes()).isEqualTo(out.size());
    return out.toByteArray();
  }

  static byte[] concat(List<byte[]> chunks) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    chunks.forEach(c -> all.write(c, 0, c.length));
    return all.toByteArray();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modes")
  void roundTripsThroughTheReaderWithAndWithoutFlushes(StreamCodec codec, String mode) throws IOException {
    List<byte[]> chunks = chunks(1);
    for (long limit : new long[] {0, 64 * 1024, 1024 * 1024}) {
      byte[] stored = write(codec, mode, limit, chunks);
      try (InputStream in = codec.decompress(new ByteArrayInputStream(stored))) {
        assertThat(in.readAllBytes()).as("limit %d", limit).isEqualTo(concat(chunks));
      }
    }
  }

  /**
   * The claim the part roller relies on: before bytes are appended, the bound is at least the size
   * the file has once they are appended and the stream ends.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modes")
  void boundIsAnUpperBoundAfterEveryPrefix(StreamCodec codec, String mode) throws IOException {
    for (long limit : new long[] {0, 64 * 1024, 512 * 1024}) {
      List<byte[]> chunks = chunks(limit + 7);
      for (int k = 1; k <= chunks.size(); k++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompressedOutput output = open(out, codec, mode, limit);
        for (int i = 0; i < k - 1; i++) {
          output.write(chunks.get(i), 0, chunks.get(i).length);
        }
        byte[] last = chunks.get(k - 1);
        long bound = output.boundWith(last.length);
        output.write(last, 0, last.length);
        output.finish();
        assertThat((long) out.size()).as("%s %s, limit %d, prefix %d", codec, mode, limit, k)
            .isLessThanOrEqualTo(bound);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("compressingModes")
  void flushingOnTheLimitKeepsTheBoundTight(StreamCodec codec, String mode) throws IOException {
    long limit = 1024 * 1024;
    Random random = new Random(3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompressedOutput output = open(out, codec, mode, limit);
    byte[] row = new byte[500];
    long bound;
    while (true) {
      random.nextBytes(row);
      bound = output.boundWith(row.length);
      if (bound > limit) {
        break;
      }
      output.write(row, 0, row.length);
    }
    output.finish();

    assertThat((long) out.size()).isLessThanOrEqualTo(limit).isGreaterThan(limit * 3 / 4);
  }

  @ParameterizedTest
  @EnumSource(value = StreamCodec.class, names = {"LZ4", "SNAPPY"})
  void framedStreamsAreReadByAnIndependentDecoder(StreamCodec codec) throws IOException {
    byte[] stored = write(codec, "serial", 256 * 1024, chunks(5));
    try (InputStream in = codec == StreamCodec.LZ4
        ? new FramedLZ4CompressorInputStream(new ByteArrayInputStream(stored), true)
        : new FramedSnappyCompressorInputStream(new ByteArrayInputStream(stored))) {
      assertThat(in.readAllBytes()).isEqualTo(concat(chunks(5)));
    }
  }

  @ParameterizedTest
  @EnumSource(value = StreamCodec.class, names = {"BROTLI"})
  void brotliIsReadByGooglesReferenceDecoder(StreamCodec codec) throws IOException {
    byte[] stored = write(codec, "serial", 256 * 1024, chunks(6));
    try (InputStream in = new org.brotli.dec.BrotliInputStream(new ByteArrayInputStream(stored))) {
      assertThat(in.readAllBytes()).isEqualTo(concat(chunks(6)));
    }
  }
}
