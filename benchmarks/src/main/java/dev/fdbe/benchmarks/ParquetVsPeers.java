package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * fdbe's Parquet writer against its two peers, {@link AvroParquet} and {@link DuckDbCopy} with one
 * thread (not for brotli, which DuckDB writes at a few hundred rows/s), in one JVM with the three alternating: each round writes with each for about a second,
 * in turn, and the ratio of a round compares measurements taken seconds apart. On a shared
 * machine whose load moves by the minute that is steadier than JMH's forks one after the other.
 * Prints, per codec, the median rows/s of each and the median and range of the per-round ratios.
 * The benchmarks' own code does the writing ({@code FormatThroughput.write}, {@code
 * AvroParquet.write}, {@code DuckDbCopy.copy}), on the same rows.
 *
 * <p>Run: {@code java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar
 * dev.fdbe.benchmarks.ParquetVsPeers 7 NONE,ZSTD}
 */
public final class ParquetVsPeers {
  private static final long TURN_NANOS = 1_000_000_000L;

  private ParquetVsPeers() {}

  /** One writer under test: writes {@link WriterBenchmark#ROWS} rows per call. */
  private interface Writer {
    void write() throws Exception;
  }

  /**
   * Arguments: the rounds (default 7), then the codecs, comma-separated (default every
   * compression).
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    List<Compression> codecs = args.length > 1
        ? Arrays.stream(args[1].split(",")).map(Compression::valueOf).toList()
        : List.of(Compression.values());
    System.out.printf("%-7s %12s %12s %12s %14s %14s%n", "codec", "fdbe", "avro", "duckdb-1", "fdbe/avro",
        "fdbe/duckdb-1");
    for (Compression codec : codecs) {
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
        double[][] rates = new double[writers.size()][rounds];
        for (int round = 0; round < rounds; round++) {
          for (int i = 0; i < writers.size(); i++) {
            // Alternate the order, so that no writer always follows the same one.
            int w = round % 2 == 0 ? i : writers.size() - 1 - i;
            rates[w][round] = rate(writers.get(w), TURN_NANOS);
          }
        }
        System.out.printf(Locale.ROOT, "%-7s %,12.0f %,12.0f %12s %14s %14s%n", codec, median(rates[0]),
            median(rates[1]), duck == null ? "-" : String.format(Locale.ROOT, "%,.0f", median(rates[2])),
            ratios(rates[0], rates[1]), duck == null ? "-" : ratios(rates[0], rates[2]));
      } finally {
        if (duck != null) {
          duck.tearDown();
        }
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

  /** The median of the per-round ratios, with their range. */
  private static String ratios(double[] a, double[] b) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      ratios.add(a[i] / b[i]);
    }
    double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", median(sorted), sorted[0], sorted[sorted.length - 1]);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
