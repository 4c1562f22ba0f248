package dev.fdbe.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * fdbe's Parquet writer against its two peers, {@link AvroParquet} and {@link DuckDbCopy} with one
 * thread (not for brotli, which DuckDB writes at a few hundred rows/s), in one JVM with the three
 * alternating: each round writes with each for about a second, in turn, and the ratio of a round
 * compares measurements taken seconds apart. On a shared machine whose load moves by the minute that
 * is steadier than JMH's forks one after the other, so the suite judges its Parquet targets from
 * these rounds ({@link ParquetLines}). The benchmarks' own code does the writing ({@code
 * FormatThroughput.write}, {@code AvroParquet.write}, {@code DuckDbCopy.copy}), on the same rows.
 *
 * <p>Options: {@code --rounds N} (default {@value #DEFAULT_ROUNDS}), {@code --codecs NONE,ZSTD,...}
 * (default every compression), {@code --out FILE} (every {@link Round} as a JSON array, how {@link
 * Suite} runs it). Prints the table {@link ParquetLines} writes into the suite's report.
 *
 * <p>Run: {@code java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar
 * dev.fdbe.benchmarks.ParquetVsPeers --rounds 5 --codecs NONE,ZSTD} (about 25 s per codec).
 */
public final class ParquetVsPeers {
  /** Five rounds: every ratio the median of five alternating ones, the project's least. */
  static final int DEFAULT_ROUNDS = 5;
  private static final long TURN_NANOS = 1_000_000_000L;

  /**
   * One round of one codec: rows/s of each writer in its turn; {@code duckDbOneThread} is null where
   * DuckDB is left out (brotli).
   */
  public record Round(Compression codec, int round, double fdbe, double avro, @Nullable Double duckDbOneThread) {}

  private ParquetVsPeers() {}

  /** One writer under test: writes {@link WriterBenchmark#ROWS} rows per call. */
  private interface Writer {
    void write() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = DEFAULT_ROUNDS;
    List<Compression> codecs = List.of(Compression.values());
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(required(args[i], value));
        case "--codecs" -> codecs = Stream.of(required(args[i], value).split(",")).map(Compression::valueOf).toList();
        case "--out" -> out = Path.of(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "'; options: --rounds N (default " + DEFAULT_ROUNDS + ") --codecs NONE,ZSTD,... (default every"
            + " compression) --out FILE (the rounds as a JSON array)");
      }
      i++;
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1");
    }
    List<Round> all = new ArrayList<>();
    for (Compression codec : codecs) {
      all.addAll(run(codec, rounds));
    }
    System.out.print(ParquetLines.markdown(all));
    if (out != null) {
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), all);
    }
  }

  /** The rounds of one codec, after a three-second warm-up of each writer. */
  private static List<Round> run(Compression codec, int rounds) throws Exception {
    FormatThroughput fdbe = new FormatThroughput();
    fdbe.format = FileFormat.PARQUET;
    fdbe.compression = codec;
    fdbe.maxSizeMb = 0;
    fdbe.seed = 1;
    fdbe.setUp();
    FormatThroughput.Output output = new FormatThroughput.Output();
    AvroParquet avro = new AvroParquet();
    avro.compression = codec;
    avro.setUp();
    // DuckDB's brotli writes about 300 rows/s, a minute per round: left out.
    DuckDbCopy duck = codec == Compression.BROTLI ? null : new DuckDbCopy();
    if (duck != null) {
      duck.target = "PARQUET:" + codec.name();
      duck.threads = "1";
      duck.setUp();
    }
    try {
      List<Writer> writers = duck == null ? List.of(() -> fdbe.write(output), avro::write)
          : List.of(() -> fdbe.write(output), avro::write, duck::copy);
      for (Writer writer : writers) {
        rate(writer, 3 * TURN_NANOS);
      }
      List<Round> result = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double[] rates = new double[writers.size()];
        for (int i = 0; i < writers.size(); i++) {
          // Alternate the order, so that no writer always follows the same one.
          int w = round % 2 == 1 ? i : writers.size() - 1 - i;
          rates[w] = rate(writers.get(w), TURN_NANOS);
        }
        result.add(new Round(codec, round, rates[0], rates[1], duck == null ? null : rates[2]));
      }
      return result;
    } finally {
      if (duck != null) {
        duck.tearDown();
      }
    }
  }

  /** Rows/s of the writer over calls for at least {@code nanos}. */
  private static double rate(Writer writer, long nanos) throws Exception {
    long start = System.nanoTime();
    long calls = 0;
    long elapsed;
    do {
      writer.write();
      calls++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < nanos);
    return calls * (double) WriterBenchmark.ROWS * 1e9 / elapsed;
  }

  private static String required(String option, @Nullable String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }
}
