package dev.fdbe.benchmarks;

import com.fasterxml.jackson.core.JsonParser;
import dev.fdbe.format.Json;
import dev.fdbe.schema.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * Whether our own JSON check pays: documents per second that {@link Json#isValid(String, byte[])}
 * decides ({@code fdbe}; every JSON value of every export passes through it, and for these documents
 * its own single pass decides without Jackson, which {@code BenchmarksTest} checks) against what
 * deciding the same with Jackson's byte parser alone costs ({@code jackson}: one parser per document,
 * its tokens read to the end, children skipped), over the {@code properties} values of {@link
 * EventRows} (300 to 800 bytes of short keys and values), their UTF-8 bytes made beforehand, so that
 * only the check is timed. One document per invocation, with the writer benchmarks' JMH settings.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar JsonCheckBenchmark}
 */
public class JsonCheckBenchmark extends WriterBenchmark {
  /** A power of two, so that the next document's index wraps with a mask. */
  static final int DOCUMENTS = 4096;
  private static final int PROPERTIES = EventRows.SCHEMA.indexOf("properties");

  private String[] texts;
  private byte[][] documents;
  private int next;

  @Setup(Level.Trial)
  public void makeDocuments() {
    List<Row> rows = EventRows.generate(DOCUMENTS, 42);
    texts = new String[DOCUMENTS];
    documents = new byte[DOCUMENTS][];
    for (int i = 0; i < DOCUMENTS; i++) {
      texts[i] = rows.get(i).getString(PROPERTIES);
      documents[i] = texts[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The UTF-8 bytes of a document of the benchmark. */
  byte[] document(int index) {
    return documents[index];
  }

  /** One document checked as the writers check it; the answer returned so that it is not optimized away. */
  @Benchmark
  public boolean fdbe() {
    int index = nextIndex();
    return Json.isValid(texts[index], documents[index]);
  }

  /** One document read to its end by Jackson's parser of bytes, as the check would need without ours. */
  @Benchmark
  public boolean jackson() throws IOException {
    try (JsonParser parser = Json.FACTORY.createParser(documents[nextIndex()])) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    }
  }

  private int nextIndex() {
    int index = next;
    next = (index + 1) & (DOCUMENTS - 1);
    return index;
  }
}
