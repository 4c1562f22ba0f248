package dev.fdbe.format.parquet;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import dev.fdbe.format.internal.CompressionPool;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/**
 * Parquet files written with parquet-java. Strings and JSON columns are UTF-8 {@code STRING}s (JSON
 * as text), integers {@code INT64}, booleans {@code BOOLEAN}, timestamps
 * {@code TIMESTAMP(MICROS, isAdjustedToUTC=true)}, string lists standard 3-level {@code LIST}s of
 * nullable strings; required columns are {@code REQUIRED}, others {@code OPTIONAL}. The footer
 * carries the Avro schema under {@code parquet.avro.schema}, so Avro readers see the same columns
 * with {@code timestamp-micros} logical types.
 *
 * <p>Every compression is a column codec inside the file: {@link Compression#LZ4} is Parquet's
 * {@code LZ4_RAW}, the others their namesakes, {@link Compression#NONE} uncompressed. Statistics and
 * column index entries of strings are truncated to 64 bytes, so long values do not swell the footer;
 * JSON columns have neither (the minimum and maximum of JSON text prune nothing).
 * {@link RecordWriter#stage} returns a true upper bound of the finished file's size; pages are sized
 * from the run's part limit ({@link WriterContext#maxPartBytes()}) so that parts fill close to it,
 * and are 1 MiB without a limit. Compressed pages compress on the compression threads
 * text files share, while the writer goes on; the bound counts a page still compressing at the
 * codec's worst case, and only a writer that knows the part limit waits for such pages where the
 * bound would cross it, to decide on their real size. The JSON values of rows a caller hands the
 * writer are checked on those threads too, a few hundred rows at a time, so the writer uses a
 * second core; rows the engine reads are checked by its reading thread instead. Either way the file
 * is the same bytes, and a row may be changed or reused once it is committed. A JSON column always holds valid JSON: a stored value that is not
 * valid JSON is written as a JSON string, and the run logs one warning per column.
 *
 * <p>To write Parquet with parquet-java directly, with the codecs this format writes pages with and
 * onto a plain stream as it does, pass {@link #codecFactory()}, {@link #codecName(Compression)} and
 * {@link #outputFile(OutputStream)} to parquet-java's writer builder. Page and row group sizes are
 * not among them: they follow the part limit.
 *
 * <p>Found with {@link java.util.ServiceLoader}. Thread-safe; the writers it opens are not.
 */
public final class ParquetFormat implements FormatProvider {
  private static final Set<Compression> COMPRESSIONS = Set.copyOf(EnumSet.allOf(Compression.class));

  @Override
  public FileFormat format() {
    return FileFormat.PARQUET;
  }

  /** Every compression: NONE, ZSTD, GZIP, SNAPPY, BROTLI and LZ4 (as LZ4_RAW). */
  @Override
  public Set<Compression> compressions() {
    return COMPRESSIONS;
  }

  /**
   * Opens a writer of one Parquet file onto {@code out}; the file's magic bytes are written at once.
   * The writer never closes {@code out}; its {@code finish()} writes the footer and flushes.
   *
   * @throws IllegalArgumentException when the compression is not supported
   * @throws dev.fdbe.ExportException naming the column when a column name cannot be a Parquet or
   *     Avro field name
   */
  @Override
  public RecordWriter open(OutputStream out, Schema schema, Compression compression, WriterContext context)
      throws IOException {
    return open(out, schema, compression, ParquetLayout.forPartLimit(context.maxPartBytes(), schema.size()), context);
  }

  /** Opens a writer with the given page and row group sizes. */
  static ParquetPartWriter open(OutputStream out, Schema schema, Compression compression, ParquetLayout layout)
      throws IOException {
    return open(out, schema, compression, layout, WriterContext.NONE);
  }

  /** Opens a writer with the given page and row group sizes, warning the context of invalid JSON. */
  static ParquetPartWriter open(OutputStream out, Schema schema, Compression compression, ParquetLayout layout,
      WriterContext context) throws IOException {
    return open(out, schema, compression, layout, context, CompressionPool.shared());
  }

  /**
   * Opens a writer with the given page and row group sizes whose pages compress on {@code pool}'s
   * threads if their codec {@linkplain ColumnCodec#compressesOnThreads compresses on threads}
   * (absent: on the writer's).
   */
  static ParquetPartWriter open(OutputStream out, Schema schema, Compression compression, ParquetLayout layout,
      WriterContext context, Optional<CompressionPool> pool) throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(compression, "compression");
    if (!COMPRESSIONS.contains(compression)) {
      throw new IllegalArgumentException("Parquet does not support compression " + compression);
    }
    return new ParquetPartWriter(out, ParquetSchema.of(schema), ColumnCodec.of(compression), layout, context, pool);
  }

  /**
   * The page codecs this format writes with, as parquet-java's codec factory: zstd-jni, snappy-java,
   * lz4-java (LZ4_RAW blocks), brotli4j and the JDK's zlib, at the levels this format uses, with no
   * Hadoop codec class involved. For {@code ParquetWriter.Builder.withCodecFactory}, next to
   * {@link #codecName(Compression)}.
   *
   * <p>A new factory on every call; a factory serves one file and is not thread-safe. It
   * supports the codecs {@link #codecName(Compression)} returns and throws
   * {@link UnsupportedOperationException} naming any other (LZO, Hadoop's framed LZ4).
   */
  public static CompressionCodecFactory codecFactory() {
    return new ColumnCodecs();
  }

  /**
   * Parquet's name of the codec this format writes pages with for {@code compression}:
   * {@code LZ4_RAW} for {@link Compression#LZ4}, {@code UNCOMPRESSED} for {@link Compression#NONE},
   * the namesake otherwise.
   */
  public static CompressionCodecName codecName(Compression compression) {
    return ColumnCodec.of(Objects.requireNonNull(compression, "compression")).parquetName();
  }

  /**
   * parquet-java's view of {@code out} for writing one Parquet file onto it, as this format does: the
   * position is the count of bytes written to {@code out}, and closing the file's stream flushes
   * {@code out} and leaves it open. For {@code ParquetWriter.Builder}s that take an
   * {@link OutputFile}; only one stream can be created from it.
   */
  public static OutputFile outputFile(OutputStream out) {
    return new StreamOutputFile(Objects.requireNonNull(out, "out"));
  }
}
