package dev.fdbe.format.parquet;

import dev.fdbe.schema.Column;
import dev.fdbe.ExportException;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.Json;
import dev.fdbe.format.RowReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Parquet file written by {@link ParquetFormat} back into rows, after checking that the
 * file's columns are exactly those the schema gives {@link ParquetFormat} (names, order, types,
 * nullability). Values are of the types {@link RowReader} documents; JSON columns come back as
 * compact JSON text (as stored when the text is not valid JSON). Reads row group by row group with
 * parquet-java's file reader and the codecs the writer uses. Not thread-safe.
 */
public final class ParquetRowReader implements RowReader {
  private final ParquetFileReader file;
  private final Schema schema;
  private final MessageColumnIO columnIO;
  private final MessageType fileSchema;
  private @Nullable RecordReader<Group> rows;
  private long remaining;
  private long row;

  private ParquetRowReader(ParquetFileReader file, Schema schema, MessageType fileSchema) {
    this.file = file;
    this.schema = schema;
    this.fileSchema = fileSchema;
    this.columnIO = new ColumnIOFactory().getColumnIO(fileSchema);
  }

  /**
   * Opens a Parquet file and checks its columns against the schema.
   *
   * @throws ExportException when the file is not a Parquet file, or its columns differ from the
   *     schema's (naming the first column that differs)
   * @throws IOException when the file cannot be read
   */
  public static ParquetRowReader open(Path path, Schema schema) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(schema, "schema");
    ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(new ColumnCodecs())
        .build();
    ParquetFileReader file;
    try {
      file = ParquetFileReader.open(new LocalInputFile(path), options);
    } catch (RuntimeException e) {
      throw new ExportException("'" + path + "' is not a readable Parquet file: " + e.getMessage(), e);
    }
    try {
      MessageType actual = file.getFooter().getFileMetaData().getSchema();
      check(actual, ParquetSchema.of(schema).message(), path);
      return new ParquetRowReader(file, schema, actual);
    } catch (RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private static void check(MessageType actual, MessageType expected, Path path) {
    List<Type> fields = actual.getFields();
    List<Type> wanted = expected.getFields();
    for (int i = 0; i < Math.max(fields.size(), wanted.size()); i++) {
      Type field = i < fields.size() ? fields.get(i) : null;
      Type want = i < wanted.size() ? wanted.get(i) : null;
      if (field == null) {
        throw new ExportException("'" + path + "' lacks column '" + want.getName() + "' (" + want + ")");
      }
      if (want == null) {
        throw new ExportException("'" + path + "' has an unexpected column '" + field.getName() + "' (" + field + ")");
      }
      if (!field.equals(want)) {
        throw new ExportException("column " + i + " of '" + path + "' is " + field + " but the schema expects "
            + want);
      }
    }
  }

  @Override
  public @Nullable Map<String, Object> next() throws IOException {
    try {
      while (remaining == 0) {
        PageReadStore pages = file.readNextRowGroup();
        if (pages == null) {
          return null;
        }
        remaining = pages.getRowCount();
        rows = columnIO.getRecordReader(pages, new GroupRecordConverter(fileSchema));
      }
      Group group = Objects.requireNonNull(rows).read();
      remaining--;
      row++;
      return values(group);
    } catch (RuntimeException e) {
      if (e instanceof ExportException) {
        throw e;
      }
      throw new ExportException("row " + (row + 1) + " cannot be read: " + e.getMessage(), e);
    }
  }

  private Map<String, Object> values(Group group) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < schema.size(); i++) {
      Column column = schema.column(i);
      if (group.getFieldRepetitionCount(i) == 0) {
        values.put(column.name(), null);
        continue;
      }
      values.put(column.name(), switch (column.type()) {
        case STRING -> group.getString(i, 0);
        case JSON -> {
          String text = group.getString(i, 0);
          String compact = Json.compact(text);
          yield compact == null ? text : compact;
        }
        case INT64 -> group.getLong(i, 0);
        case BOOLEAN -> group.getBoolean(i, 0);
        case TIMESTAMP -> instant(group.getLong(i, 0));
        case STRING_LIST -> list(group.getGroup(i, 0));
      });
    }
    return values;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  private static List<String> list(Group list) {
    int size = list.getFieldRepetitionCount(0);
    List<String> values = new ArrayList<>(size);
    for (int j = 0; j < size; j++) {
      Group element = list.getGroup(0, j);
      values.add(element.getFieldRepetitionCount(0) == 0 ? null : element.getString(0, 0));
    }
    return Collections.unmodifiableList(values);
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
