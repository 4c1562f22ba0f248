package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.schema.Column;
import dev.fdbe.Compression;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.compress.StreamCodec;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every text format × compression × model, written with hostile values and read back by DuckDB,
 * value by value. DuckDB reads gzip and zstd files itself; brotli, LZ4 and Snappy streams are first
 * decompressed by decoders independent of the encoders (Google's brotli decoder, commons-compress).
 */
class TextFormatsDuckDbTest {
  @TempDir
  Path directory;

  static List<Arguments> combinations() {
    List<Arguments> all = new ArrayList<>();
    for (FileFormat format : List.of(FileFormat.JSON_LINES, FileFormat.CSV)) {
      for (Compression compression : Compression.values()) {
        for (Model model : Model.values()) {
          all.add(Arguments.of(format, compression, model));
        }
      }
    }
    return all;
  }

  static FormatProvider provider(FileFormat format) {
    for (FormatProvider provider : ServiceLoader.load(FormatProvider.class)) {
      if (provider.format() == format) {
        return provider;
      }
    }
    throw new AssertionError("no provider for " + format);
  }

  /** Writes the rows to a file named as the engine names parts; returns its path. */
  static Path write(Path directory, FileFormat format, Compression compression, Model model,
      List<Map<String, Object>> rows) throws IOException {
    Path file = directory.resolve(model.wireName() + "-00000." + new FileConfig(format, compression, 0).extension());
    try (OutputStream out = Files.newOutputStream(file)) {
      RecordWriter writer = provider(format).open(out, model.schema(), compression, WriterContext.NONE);
      for (Map<String, Object> row : rows) {
        writer.stage(TestRows.row(model.schema(), row));
        writer.commit();
      }
      writer.finish();
    }
    return file;
  }

  /** A file DuckDB can read: gzip and zstd as they are, the other streams decompressed independently. */
  static Path readable(Path file, Compression compression) throws IOException {
    if (compression == Compression.NONE || compression == Compression.GZIP || compression == Compression.ZSTD) {
      return file;
    }
    String name = file.getFileName().toString();
    Path plain = file.resolveSibling(name.substring(0, name.lastIndexOf('.')));
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = switch (compression) {
          case BROTLI -> new org.brotli.dec.BrotliInputStream(raw);
          case LZ4 -> new FramedLZ4CompressorInputStream(raw, true);
          case SNAPPY -> new FramedSnappyCompressorInputStream(raw);
          default -> throw new IllegalStateException();
        }) {
      Files.copy(in, plain);
    }
    return plain;
  }

  private static String duckType(Column column, FileFormat format) {
    return switch (column.type()) {
      case STRING -> "VARCHAR";
      case INT64 -> "BIGINT";
      case BOOLEAN -> "BOOLEAN";
      case TIMESTAMP -> "TIMESTAMPTZ";
      case JSON -> "JSON";
      case STRING_LIST -> format == FileFormat.CSV ? "JSON" : "VARCHAR[]";
    };
  }

  /** The DuckDB query reading a file of ours with every column typed. */
  static String query(Path file, FileFormat format, Schema schema) {
    String columns = schema.columns().stream()
        .map(c -> DuckDb.literal(c.name()) + ": " + DuckDb.literal(duckType(c, format)))
        .collect(Collectors.joining(", ", "{", "}"));
    String select = schema.columns().stream()
        .map(c -> format == FileFormat.CSV && c.type() == dev.fdbe.schema.ColumnType.STRING_LIST
            ? "from_json(\"" + c.name() + "\", '[\"VARCHAR\"]') AS \"" + c.name() + "\""
            : "\"" + c.name() + "\"")
        .collect(Collectors.joining(", "));
    String path = DuckDb.literal(file.toString());
    String from = format == FileFormat.CSV
        ? "read_csv(" + path + ", header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
            + "allow_quoted_nulls = false, max_line_size = 16777216, columns = " + columns + ")"
        : "read_json(" + path + ", format = 'newline_delimited', maximum_object_size = 16777216, columns = "
            + columns + ")";
    return "SELECT " + select + " FROM " + from;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("combinations")
  void duckDbReadsBackEveryValue(FileFormat format, Compression compression, Model model) throws Exception {
    List<Map<String, Object>> rows = new HardRows(format.ordinal() * 100 + compression.ordinal() * 10 + model.ordinal())
        .rows(model, 300);
    Path file = write(directory, format, compression, model, rows);
    List<Map<String, Object>> expected = rows.stream().map(r -> TestRows.expected(model.schema(), r)).toList();

    try (DuckDb duck = new DuckDb()) {
      List<Map<String, Object>> read = duck.rows(query(readable(file, compression), format, model.schema()), model.schema());
      assertThat(read).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        assertThat(read.get(i)).as("row %d", i).isEqualTo(expected.get(i));
      }
    }
    try (InputStream in = Files.newInputStream(file)) {
      assertThat(ExportFiles.readAll(in, format, compression, model.schema())).isEqualTo(expected);
    }
    assertThat(StreamCodec.of(compression).compression()).isEqualTo(compression);
  }
}
