package dev.fdbe.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every writer benchmark of the suite shares ({@link FormatThroughput}, its peers
 * and {@link CodecLimit}), and {@link JsonCheckBenchmark}, which times a step of the writers' path,
 * declared once: JMH's annotations are inherited. One benchmark-wide state, rows/s (each invocation
 * of a writer benchmark writes {@value #ROWS} rows and says so with {@code @OperationsPerInvocation}),
 * one fork with a fixed 1 GiB heap, 3 × 2 s warm-up and 5 × 2 s measurement when run by hand;
 * {@link Suite} passes shorter iterations of its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
abstract class WriterBenchmark {
  /** Rows written per benchmark invocation. */
  static final int ROWS = 10_000;
}
