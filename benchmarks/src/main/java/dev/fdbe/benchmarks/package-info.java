/**
 * JMH benchmarks; never deployed. Build with {@code mvn -pl benchmarks -am package}, then run
 * {@code java -jar benchmarks/target/benchmarks.jar}.
 */
@NullMarked
package dev.fdbe.benchmarks;

import org.jspecify.annotations.NullMarked;
