package dev.fdbe.benchmarks;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.fdbe.format.compress.CompressedOutput;
import dev.fdbe.format.compress.StreamCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * Which implementation compresses JSON Lines / CSV streams faster: the native-backed codecs fdbe
 * uses (lz4-java's frame, snappy-java's framed stream, zstd-jni, brotli4j, the JDK's zlib) or
 * commons-compress's framing of the same formats; and, for gzip and zstd, how much faster fdbe's
 * {@link CompressedOutput} is, whose blocks compress on the shared compression threads
 * ({@code gzip-fdbe}, {@code zstd-fdbe}), than the codec's stream on one thread ({@code gzip-jdk},
 * {@code zstd-jni}). Measures MB/s of uncompressed input: 8 MiB of realistic JSON Lines events
 * (properties of a few hundred bytes, ten event names), compressed in 64 KiB writes into the
 * counting sink the writer benchmarks use.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StreamCodecBenchmark}, or only the
 * threads comparison: {@code ... StreamCodecBenchmark -p codec=gzip-jdk,gzip-fdbe,zstd-jni,zstd-fdbe}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
public class StreamCodecBenchmark {
  /** The implementation: the codec and who implements it. */
  @Param({"lz4-java", "lz4-commons", "snappy-java", "snappy-commons", "gzip-jdk", "gzip-commons", "gzip-fdbe",
      "zstd-jni", "zstd-fdbe", "brotli4j"})
  public String codec;

  private byte[] input;

  @Setup(Level.Trial)
  public void makeInput() {
    Brotli4jLoader.ensureAvailability();
    String[] events = {"$pageview", "$pageleave", "$autocapture", "$identify", "signup", "login", "purchase",
        "add_to_cart", "search", "$screen"};
    Random random = new Random(42);
    StringBuilder text = new StringBuilder();
    while (text.length() < 8 * 1024 * 1024) {
      text.append("{\"uuid\":\"").append(new java.util.UUID(random.nextLong(), random.nextLong()))
          .append("\",\"event\":\"").append(events[random.nextInt(events.length)])
          .append("\",\"properties\":{\"$current_url\":\"https://app.example.com/page/").append(random.nextInt(500))
          .append("\",\"$browser\":\"").append(random.nextBoolean() ? "Chrome" : "Firefox")
          .append("\",\"$session_id\":\"").append(new java.util.UUID(random.nextLong(), 0))
          .append("\",\"$screen_width\":").append(1000 + random.nextInt(1500))
          .append(",\"plan\":").append(random.nextInt(3) == 0 ? "null" : "\"free\"")
          .append(",\"n\":").append(random.nextInt(1_000_000)).append("},\"timestamp\":\"2026-11-20T")
          .append(String.format("%02d:%02d:%02d.%06dZ", random.nextInt(24), random.nextInt(60), random.nextInt(60),
              random.nextInt(1_000_000)))
          .append("\"}\n");
    }
    input = text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private OutputStream open(OutputStream sink) throws IOException {
    return switch (codec) {
      case "lz4-java" -> new LZ4FrameOutputStream(sink, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
          LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
      case "lz4-commons" -> new FramedLZ4CompressorOutputStream(sink);
      case "snappy-java" -> new SnappyFramedOutputStream(sink);
      case "snappy-commons" -> new FramedSnappyCompressorOutputStream(sink);
      case "gzip-jdk" -> new GZIPOutputStream(sink, 64 * 1024, true);
      case "gzip-commons" -> new GzipCompressorOutputStream(sink);
      case "zstd-jni" -> new ZstdOutputStreamNoFinalizer(sink, 3).setChecksum(true);
      case "brotli4j" -> new BrotliOutputStream(sink, new Encoder.Parameters().setQuality(5));
      default -> throw new IllegalArgumentException("unknown codec " + codec);
    };
  }

  /** Compresses the 8 MiB input; the score times 8 is MiB/s. */
  @Benchmark
  public long compress(Blackhole blackhole) throws IOException {
    Sinks.Counting sink = new Sinks.Counting();
    if (codec.endsWith("-fdbe")) {
      CompressedOutput out = new CompressedOutput(sink,
          codec.startsWith("gzip") ? StreamCodec.GZIP : StreamCodec.ZSTD, 0);
      for (int offset = 0; offset < input.length; offset += 64 * 1024) {
        out.write(input, offset, Math.min(64 * 1024, input.length - offset));
      }
      out.finish();
      blackhole.consume(sink.count);
      return sink.count;
    }
    try (OutputStream out = open(sink)) {
      for (int offset = 0; offset < input.length; offset += 64 * 1024) {
        out.write(input, offset, Math.min(64 * 1024, input.length - offset));
      }
    }
    blackhole.consume(sink.count);
    return sink.count;
  }
}
