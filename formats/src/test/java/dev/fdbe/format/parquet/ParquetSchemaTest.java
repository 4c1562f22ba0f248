package dev.fdbe.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.schema.Column;
import dev.fdbe.Compression;
import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.DuckDb;
import dev.fdbe.format.HardRows;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What DuckDB, the Parquet footer and Avro readers see of each model's columns. */
class ParquetSchemaTest {
  @TempDir
  Path dir;

  private Path write(Model model) throws Exception {
    return ParquetFiles.write(dir.resolve(model + ".parquet"), model.schema(), Compression.ZSTD,
        new HardRows(5).rows(model, 20));
  }

  @ParameterizedTest
  @EnumSource(Model.class)
  void duckDbSeesTheApiTypes(Model model) throws Exception {
    Path file = write(model);
    Map<String, String> expected = new LinkedHashMap<>();
    model.schema().columns().forEach(c -> expected.put(c.name(), DuckDb.parquetType(c.type())));
    try (DuckDb duck = new DuckDb()) {
      assertThat(duck.types("SELECT * FROM read_parquet(" + DuckDb.literal(file.toString()) + ")"))
          .containsExactlyEntriesOf(expected);
    }
  }

  @ParameterizedTest
  @EnumSource(Model.class)
  void theFooterHasStringsMicrosecondUtcTimestampsAndThreeLevelLists(Model model) throws Exception {
    Path file = write(model);
    FileMetaData meta;
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).withCodecFactory(new ColumnCodecs()).build())) {
      meta = reader.getFooter().getFileMetaData();
    }
    Schema schema = model.schema();
    assertThat(meta.getSchema().getFieldCount()).isEqualTo(schema.size());
    for (Column column : schema.columns()) {
      Type field = meta.getSchema().getType(column.name());
      assertThat(field.getRepetition()).as(column.name())
          .isEqualTo(column.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED);
      switch (column.type()) {
        case STRING, JSON -> assertString(field);
        case INT64 -> assertPrimitive(field, PrimitiveTypeName.INT64, null);
        case BOOLEAN -> assertPrimitive(field, PrimitiveTypeName.BOOLEAN, null);
        case TIMESTAMP -> assertPrimitive(field, PrimitiveTypeName.INT64,
            LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS));
        case STRING_LIST -> {
          GroupType list = field.asGroupType();
          assertThat(list.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.listType());
          assertThat(list.getFieldCount()).isEqualTo(1);
          GroupType repeated = list.getType(0).asGroupType();
          assertThat(repeated.getName()).isEqualTo("list");
          assertThat(repeated.getRepetition()).isEqualTo(Repetition.REPEATED);
          assertThat(repeated.getFieldCount()).isEqualTo(1);
          Type element = repeated.getType(0);
          assertThat(element.getName()).isEqualTo("element");
          assertThat(element.getRepetition()).isEqualTo(Repetition.OPTIONAL);
          assertString(element);
        }
        default -> throw new IllegalStateException("unhandled " + column.type());
      }
    }
    assertThat(meta.getKeyValueMetaData()).containsEntry(ParquetSchema.AVRO_SCHEMA_KEY,
        ParquetSchema.of(schema).avro().toString());
  }

  private static void assertString(Type field) {
    assertPrimitive(field, PrimitiveTypeName.BINARY, LogicalTypeAnnotation.stringType());
  }

  private static void assertPrimitive(Type field, PrimitiveTypeName type, LogicalTypeAnnotation logical) {
    assertThat(field.isPrimitive()).as(field.getName()).isTrue();
    PrimitiveType primitive = field.asPrimitiveType();
    assertThat(primitive.getPrimitiveTypeName()).as(field.getName()).isEqualTo(type);
    assertThat(primitive.getLogicalTypeAnnotation()).as(field.getName()).isEqualTo(logical);
  }

  @ParameterizedTest
  @EnumSource(Model.class)
  void avroReadersSeeTheAvroSchema(Model model) throws Exception {
    Path file = write(model);
    GenericRecord record;
    try (ParquetReader<GenericRecord> reader = AvroParquetReader
        .<GenericRecord>builder(new LocalInputFile(file), new PlainParquetConfiguration())
        .withDataModel(GenericData.get())
        .withCodecFactory(new ColumnCodecs())
        .build()) {
      record = reader.read();
    }
    org.apache.avro.Schema avro = record.getSchema();
    assertThat(avro.getFullName()).isEqualTo("dev.fdbe.ExportRow");
    for (Column column : model.schema().columns()) {
      org.apache.avro.Schema type = avro.getField(column.name()).schema();
      if (column.nullable()) {
        assertThat(type.getType()).as(column.name()).isEqualTo(org.apache.avro.Schema.Type.UNION);
        assertThat(type.getTypes().get(0).getType()).isEqualTo(org.apache.avro.Schema.Type.NULL);
        type = type.getTypes().get(1);
      }
      switch (column.type()) {
        case STRING, JSON -> assertThat(type.getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
        case INT64 -> assertThat(type.getType()).isEqualTo(org.apache.avro.Schema.Type.LONG);
        case BOOLEAN -> assertThat(type.getType()).isEqualTo(org.apache.avro.Schema.Type.BOOLEAN);
        case TIMESTAMP -> {
          assertThat(type.getType()).isEqualTo(org.apache.avro.Schema.Type.LONG);
          assertThat(type.getLogicalType()).as(column.name()).isEqualTo(LogicalTypes.timestampMicros());
        }
        case STRING_LIST -> {
          assertThat(type.getType()).isEqualTo(org.apache.avro.Schema.Type.ARRAY);
          assertThat(type.getElementType().getTypes()).extracting(org.apache.avro.Schema::getType)
              .containsExactly(org.apache.avro.Schema.Type.NULL, org.apache.avro.Schema.Type.STRING);
        }
        default -> throw new IllegalStateException("unhandled " + column.type());
      }
    }
  }
}
