package dev.fdbe.format.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.format.CommandLineTools;
import dev.fdbe.format.internal.CompressionPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * gzip and zstd compressed as blocks on a pool: the output is one standard stream that the Java
 * decoders and the command-line tools decode to the input, the part size bound holds with small
 * limits, memory and threads stay bounded, and failures fail the write instead of hanging it.
 * Nothing here depends on timing: waits are for conditions, bounded generously.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ParallelCompressionTest {
  private static final long WAIT_MILLIS = 120_000;

  @TempDir
  Path directory;

  /** JSON Lines rows: mostly events (compressible), some with random base64 (incompressible). */
  static List<byte[]> rows(int count, long seed) {
    Random random = new Random(seed);
    List<byte[]> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String properties;
      if (random.nextInt(5) == 0) {
        byte[] noise = new byte[200 + random.nextInt(3_000)];
        random.nextBytes(noise);
        properties = "{\"noise\":\"" + Base64.getEncoder().encodeToString(noise) + "\"}";
      } else {
        properties = "{\"$current_url\":\"https://app.example.com/page/" + random.nextInt(500) + "\",\"n\":"
            + random.nextInt(1_000_000) + "}";
      }
      rows.add(("{\"i\":" + i + ",\"event\":\"$pageview\",\"properties\":" + properties + "}\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    return rows;
  }

  static byte[] concat(List<byte[]> rows) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    rows.forEach(r -> all.write(r, 0, r.length));
    return all.toByteArray();
  }

  static byte[] decode(StreamCodec codec, byte[] stored) throws IOException {
    try (InputStream in = codec.decompress(new ByteArrayInputStream(stored))) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @EnumSource(value = StreamCodec.class, names = {"GZIP", "ZSTD"})
  void manyBlocksDecodeToTheInputWithJavaAndCommandLineDecoders(StreamCodec codec) throws Exception {
    List<byte[]> rows = rows(12_000, 1);
    byte[] huge = concat(rows(3_000, 2)); // one write spanning several blocks
    rows.add(huge);
    byte[] expected = concat(rows);
    assertThat(expected.length).as("several blocks").isGreaterThan(6 * CompressedOutput.BLOCK_BYTES);
    try (CompressionPool pool = new CompressionPool(2, Duration.ofSeconds(1), "decode-test")) {
      for (long limit : new long[] {0, 100 * 1024}) { // 512 KiB blocks, and 16 KiB blocks (below deflate's window)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompressedOutput output = new CompressedOutput(out, codec, limit, Optional.of(pool));
        for (byte[] row : rows) {
          output.write(row, 0, row.length);
        }
        output.finish();
        byte[] stored = out.toByteArray();
        assertThat(output.storedBytes()).isEqualTo(stored.length);
        assertThat(decode(codec, stored)).as("%s limit %d", codec, limit).isEqualTo(expected);
        if (codec == StreamCodec.GZIP) {
          assertThat(inflateOneMember(stored)).as("one gzip member").isEqualTo(expected);
        }

        Path file = directory.resolve("blocks-" + limit + "." + codec.compression().extension());
        Files.write(file, stored);
        Optional<Path> cli = CommandLineTools.find(codec == StreamCodec.GZIP ? "gzip" : "zstd");
        if (cli.isPresent()) {
          assertThat(CommandLineTools.decode(cli.get(), file)).as("%s -dc, limit %d", cli.get(), limit).isEqualTo(expected);
        } else {
          System.out.println(codec + ": the command-line tool is not installed; decoded by Java only");
        }
      }
    }
  }

  /** Inflates the single member's deflate stream and checks it ends exactly before the 8-byte trailer. */
  static byte[] inflateOneMember(byte[] gzip) throws DataFormatException {
    Inflater inflater = new Inflater(true);
    inflater.setInput(gzip, 10, gzip.length - 10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    while (!inflater.finished()) {
      int n = inflater.inflate(buffer);
      assertThat(n > 0 || !inflater.needsInput()).as("the deflate stream ends").isTrue();
      out.write(buffer, 0, n);
    }
    assertThat(inflater.getRemaining()).as("only the trailer follows the deflate stream").isEqualTo(8);
    inflater.end();
    return out.toByteArray();
  }

  /**
   * Parts written as the engine's roller writes them (stage, roll when the bound crosses the limit,
   * commit) with limits down to 1 MiB and below: none is over its limit, all but the last are at
   * least 3/4 full, and each decodes to its rows. Also with a pool that compresses nothing (closed),
   * where every block stays in flight until the writer needs it: parts are as full only because the
   * bound waits for blocks in flight before it would cross the limit.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"GZIP, running", "ZSTD, running", "GZIP, closed", "ZSTD, closed"})
  void partsStayWithinSmallLimits(StreamCodec codec, String poolState) throws IOException {
    List<byte[]> rows = rows(40_000, 3);
    // Four threads: five blocks in flight per file, more than half of the limit in bounds.
    try (CompressionPool pool = new CompressionPool(4, Duration.ofSeconds(1), "limit-test")) {
      if (poolState.equals("closed")) {
        pool.close();
      }
      for (long limit : new long[] {128 * 1024, 1024 * 1024, 2 * 1024 * 1024}) {
        List<byte[]> parts = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompressedOutput output = new CompressedOutput(out, codec, limit, Optional.of(pool));
        List<byte[]> inPart = new ArrayList<>();
        for (byte[] row : rows) {
          if (output.boundWith(row.length) > limit && !inPart.isEmpty()) {
            output.finish();
            parts.add(out.toByteArray());
            expected.add(concat(inPart));
            inPart.clear();
            out = new ByteArrayOutputStream();
            output = new CompressedOutput(out, codec, limit, Optional.of(pool));
            assertThat(output.boundWith(row.length)).isLessThanOrEqualTo(limit);
          }
          output.write(row, 0, row.length);
          inPart.add(row);
        }
        output.finish();
        parts.add(out.toByteArray());
        expected.add(concat(inPart));

        assertThat(parts).as("limit %d needs several parts", limit).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 0; i < parts.size(); i++) {
          assertThat((long) parts.get(i).length).as("%s part %d, limit %d", codec, i, limit).isLessThanOrEqualTo(limit);
          if (i < parts.size() - 1) {
            assertThat((long) parts.get(i).length).as("%s part %d is 3/4 full, limit %d", codec, i, limit)
                .isGreaterThanOrEqualTo(limit * 3 / 4);
          }
          assertThat(decode(codec, parts.get(i))).as("part %d", i).isEqualTo(expected.get(i));
        }
      }
    }
  }

  @Test
  void blocksAreAnEighthOfTheLimitBetween16KibAnd512Kib() {
    assertThat(CompressedOutput.blockBytes(0)).isEqualTo(512 * 1024);
    assertThat(CompressedOutput.blockBytes(100L << 20)).isEqualTo(512 * 1024);
    assertThat(CompressedOutput.blockBytes(1L << 20)).isEqualTo(128 * 1024);
    assertThat(CompressedOutput.blockBytes(64 * 1024)).isEqualTo(16 * 1024);
  }

  @ParameterizedTest
  @EnumSource(value = StreamCodec.class, names = {"GZIP", "ZSTD"})
  void aFailingBlockFailsTheWriteInsteadOfHanging(StreamCodec codec) throws IOException {
    try (CompressionPool pool = new CompressionPool(2, Duration.ofSeconds(1), "failure-test")) {
      BlockCodec failing = new Wrapped(BlockCodec.of(codec).orElseThrow()) {
        @Override
        void compress(Block block, CodecState state) throws IOException {
          if (block.index == 2) {
            throw new IllegalStateException("injected failure");
          }
          super.compress(block, state);
        }
      };
      BlockStream stream = new BlockStream(new ByteArrayOutputStream(), failing, pool, 16 * 1024, 3, 0);
      byte[] rows = concat(rows(2_000, 4));
      assertThat(rows.length).isGreaterThan(4 * 16 * 1024);

      assertThatThrownBy(() -> {
        stream.write(rows, 0, rows.length);
        stream.finish();
      }).isInstanceOf(IOException.class).hasMessageContaining("block 2").hasRootCauseMessage("injected failure");
      assertThatThrownBy(() -> stream.write(rows, 0, 10)).as("the stream stays failed")
          .isInstanceOf(IOException.class).hasMessageContaining("failed earlier");
      assertThatThrownBy(stream::finish).isInstanceOf(IOException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(value = StreamCodec.class, names = {"GZIP", "ZSTD"})
  void theWriterCompressesBlocksThePoolRefuses(StreamCodec codec) throws IOException {
    CompressionPool closed = new CompressionPool(1, Duration.ofSeconds(1), "closed-test");
    closed.close();
    byte[] rows = concat(rows(5_000, 5));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompressedOutput output = new CompressedOutput(out, codec, 0, Optional.of(closed));
    output.write(rows, 0, rows.length);
    output.finish();
    assertThat(decode(codec, out.toByteArray())).isEqualTo(rows);
    assertThat(closed.liveThreads()).isZero();
  }

  /**
   * With the pool's only thread stuck on the first block, the writer takes no more than
   * {@code maxInFlight + 1} blocks of bytes before it waits: memory per file is bounded whatever the
   * pool does.
   */
  @ParameterizedTest
  @EnumSource(value = StreamCodec.class, names = {"GZIP", "ZSTD"})
  void aSlowPoolStopsTheWriterAfterABoundedNumberOfBlocks(StreamCodec codec) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger prepared = new AtomicInteger();
    BlockCodec stuck = stuckOnFirstBlock(codec, started, release, prepared);
    int maxInFlight = 3;
    byte[] rows = concat(rows(20_000, 6));
    try (CompressionPool pool = new CompressionPool(1, Duration.ofSeconds(1), "slow-test")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BlockStream stream = new BlockStream(out, stuck, pool, 16 * 1024, maxInFlight, 0);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          for (int offset = 0; offset < rows.length; offset += 1000) {
            stream.write(rows, offset, Math.min(1000, rows.length - offset));
          }
          stream.finish();
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      writer.start();
      assertThat(started.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
      awaitWaiting(writer);
      int preparedWhileStuck = prepared.get();
      release.countDown();
      writer.join(WAIT_MILLIS);

      assertThat(writer.isAlive()).isFalse();
      assertThat(failure.get()).isNull();
      assertThat(preparedWhileStuck).as("blocks handed out while the first was stuck").isEqualTo(maxInFlight + 1);
      assertThat(stream.blocksAllocated()).isLessThanOrEqualTo(maxInFlight + 1);
      assertThat(decode(codec, out.toByteArray())).isEqualTo(rows);
    }
  }

  @Test
  void anInterruptWhileWaitingFailsTheWrite() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BlockCodec stuck = stuckOnFirstBlock(StreamCodec.ZSTD, started, release, new AtomicInteger());
    try (CompressionPool pool = new CompressionPool(1, Duration.ofSeconds(1), "interrupt-test")) {
      BlockStream stream = new BlockStream(new ByteArrayOutputStream(), stuck, pool, 16 * 1024, 2, 0);
      byte[] rows = concat(rows(300, 7));
      assertThat(rows.length).as("two blocks at least").isGreaterThan(16 * 1024);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          stream.write(rows, 0, rows.length);
          stream.finish();
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      writer.start();
      assertThat(started.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
      writer.interrupt();
      writer.join(WAIT_MILLIS);
      release.countDown();

      assertThat(writer.isAlive()).isFalse();
      assertThat(failure.get()).isInstanceOf(InterruptedIOException.class).hasMessageContaining("block 0");
      assertThatThrownBy(stream::finish).isInstanceOf(IOException.class).hasMessageContaining("failed earlier");
    }
  }

  /**
   * Threads are the pool's, never a file's: writing many files at once (half of them dropped
   * unfinished, as an aborted part is) never runs more threads than the pool has, and once idle the
   * pool's threads end, with their native compressors.
   */
  @Test
  void filesShareThePoolsThreadsWhichEndWhenIdle() throws Exception {
    String name = "idle-test";
    byte[] rows = concat(rows(6_000, 8));
    try (CompressionPool pool = new CompressionPool(2, Duration.ofMillis(200), name)) {
      List<CompressedOutput> outputs = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        StreamCodec codec = i % 2 == 0 ? StreamCodec.GZIP : StreamCodec.ZSTD;
        outputs.add(new CompressedOutput(new ByteArrayOutputStream(), codec, 0, Optional.of(pool)));
      }
      for (int i = 0; i < outputs.size(); i++) {
        outputs.get(i).write(rows, 0, rows.length);
        assertThat(pool.liveThreads()).isLessThanOrEqualTo(2);
        if (i % 2 == 0) {
          outputs.get(i).finish();
        }
      }
      outputs.clear(); // the unfinished ones are dropped, as an aborted part's writer is

      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
      while ((pool.liveThreads() > 0 || threadsNamed(name) > 0) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(pool.liveThreads()).as("the pool's threads ended once idle").isZero();
      assertThat(threadsNamed(name)).as("no thread of the pool is left").isZero();
    }
  }

  @Test
  void aPoolHasOneThreadPerProcessorAtMostEightAndNoneForOneProcessor() {
    assertThat(CompressionPool.forProcessors(1, Duration.ofSeconds(1), "sizing-test")).isEmpty();
    for (int processors : new int[] {2, 3, 8, 64}) {
      try (CompressionPool pool = CompressionPool.forProcessors(processors, Duration.ofSeconds(1), "sizing-test")
          .orElseThrow()) {
        assertThat(pool.threads()).as("%d processors", processors).isEqualTo(Math.min(processors, 8));
        assertThat(pool.liveThreads()).as("threads start on demand").isZero();
      }
    }
  }

  @Test
  void filesWithoutAPoolOfTheirOwnShareTheSharedOne() throws IOException {
    int processors = Runtime.getRuntime().availableProcessors();
    Optional<CompressionPool> shared = CompressionPool.shared();
    assertThat(shared.isPresent()).isEqualTo(processors > 1);
    byte[] rows = concat(rows(5_000, 9));
    List<ByteArrayOutputStream> outs = new ArrayList<>();
    List<CompressedOutput> outputs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      outs.add(new ByteArrayOutputStream());
      outputs.add(new CompressedOutput(outs.get(i), i % 2 == 0 ? StreamCodec.ZSTD : StreamCodec.GZIP, 0));
    }
    for (int offset = 0; offset < rows.length; offset += 100_000) {
      for (CompressedOutput output : outputs) {
        output.write(rows, offset, Math.min(100_000, rows.length - offset));
      }
      shared.ifPresent(pool -> assertThat(pool.liveThreads()).isLessThanOrEqualTo(pool.threads()));
    }
    for (int i = 0; i < outputs.size(); i++) {
      outputs.get(i).finish();
      assertThat(decode(i % 2 == 0 ? StreamCodec.ZSTD : StreamCodec.GZIP, outs.get(i).toByteArray())).isEqualTo(rows);
    }
  }

  static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix + "-")).count();
  }

  /** Waits until the thread waits (for a block), bounded. */
  static void awaitWaiting(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(thread.getState()).as("the writer waits for the stuck block").isEqualTo(Thread.State.WAITING);
  }

  /**
   * The codec, whose first block, when a pool thread compresses it, waits for {@code release}; counts
   * the blocks prepared (handed out by the writer), and prepares the second only once a pool thread
   * holds the first.
   */
  static BlockCodec stuckOnFirstBlock(StreamCodec codec, CountDownLatch started, CountDownLatch release,
      AtomicInteger prepared) {
    return new Wrapped(BlockCodec.of(codec).orElseThrow()) {
      @Override
      void prepare(Block block) {
        prepared.incrementAndGet();
        if (block.index >= 1) {
          // The pool's thread holds block 0 before the writer goes on (else the writer could compress
          // it first). Not interruptible: the interrupt test interrupts the writer around here.
          long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
          while (started.getCount() > 0 && System.nanoTime() < deadline) {
            Thread.yield();
          }
        }
        super.prepare(block);
      }

      @Override
      void compress(Block block, CodecState state) throws IOException {
        if (block.index == 0 && CompressionPool.onPoolThread()) {
          started.countDown();
          try {
            if (!release.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
              throw new IllegalStateException("never released");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
          }
        }
        super.compress(block, state);
      }
    };
  }

  /** A block codec that does what another does, for tests to change one step. */
  static class Wrapped extends BlockCodec {
    private final BlockCodec codec;

    Wrapped(BlockCodec codec) {
      this.codec = codec;
    }

    @Override
    StreamCodec codec() {
      return codec.codec();
    }

    @Override
    byte[] header() {
      return codec.header();
    }

    @Override
    long blockBound(long n) {
      return codec.blockBound(n);
    }

    @Override
    int endBound() {
      return codec.endBound();
    }

    @Override
    void prepare(Block block) {
      codec.prepare(block);
    }

    @Override
    void compress(Block block, CodecState state) throws IOException {
      codec.compress(block, state);
    }

    @Override
    byte[] trailer() {
      return codec.trailer();
    }
  }
}
