package dev.fdbe.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import dev.fdbe.schema.Column;
import dev.fdbe.Compression;
import dev.fdbe.format.compress.StreamCodec;
import dev.fdbe.schema.Row;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * How fast is the JSON Lines file a user writes by hand with Jackson databind, on the rows
 * {@link FormatThroughput} writes? The peer of fdbe's JSON Lines writer: one {@code Map} per row
 * through a {@code SequenceWriter} separated by newlines, JSON columns parsed into trees so they
 * nest as objects (falling back to the text when a value is not JSON, as the library does),
 * timestamps as {@code Instant} strings, compressed by the library's public {@link StreamCodec}.
 * Same rows, same counting sink; scores are rows/s.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar JacksonJsonLines -p compression=NONE,ZSTD}
 */
public class JacksonJsonLines extends WriterBenchmark {
  /** The compression of the stream. */
  @Param({"NONE", "ZSTD", "GZIP", "SNAPPY", "LZ4", "BROTLI"})
  public Compression compression;

  private final ObjectMapper mapper = new ObjectMapper();
  private List<Row> rows;

  @Setup(Level.Trial)
  public void setUp() {
    rows = EventRows.generate(ROWS, 1);
  }

  /** Writes the rows as one JSON Lines file; returns its size. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long write() throws IOException {
    return writeTo(new Sinks.Counting());
  }

  long writeTo(Sinks.Counting sink) throws IOException {
    try (OutputStream out = StreamCodec.of(compression).compress(sink);
        SequenceWriter writer = mapper.writer().withRootValueSeparator("\n").writeValues(out)) {
      for (Row row : rows) {
        writer.write(toMap(row));
      }
      writer.flush();
      out.write('\n');
    }
    return sink.count;
  }

  private Map<String, Object> toMap(Row row) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < EventRows.SCHEMA.size(); i++) {
      Column column = EventRows.SCHEMA.column(i);
      if (row.isNull(i)) {
        map.put(column.name(), null);
        continue;
      }
      map.put(column.name(), switch (column.type()) {
        case STRING -> row.getString(i);
        case JSON -> tree(row.getString(i));
        case INT64 -> row.getLong(i);
        case BOOLEAN -> row.getBoolean(i);
        case TIMESTAMP -> {
          long micros = row.getTimestampMicros(i);
          yield Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
              .toString();
        }
        case STRING_LIST -> row.getStringList(i);
      });
    }
    return map;
  }

  private Object tree(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      return json;
    }
  }
}
