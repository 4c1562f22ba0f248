package dev.fdbe.format.parquet;

import dev.fdbe.schema.Column;
import dev.fdbe.ExportException;
import dev.fdbe.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalTypes;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.schema.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * The Avro and Parquet schemas of an export's columns.
 *
 * <p>The Avro schema is derived first (nullable columns as unions with null, timestamps as
 * {@code timestamp-micros} longs, string lists as arrays of nullable strings) and converted with
 * parquet-avro's converter in its standard 3-level list mode, so that the Parquet schema and the
 * Avro schema stored in the footer agree exactly with what {@code AvroParquetReader} expects.
 *
 * @param schema the export's columns
 * @param avro the Avro record schema stored under {@link #AVRO_SCHEMA_KEY}
 * @param message the Parquet schema of the file
 */
record ParquetSchema(Schema schema, org.apache.avro.Schema avro, MessageType message) {
  /** The footer key parquet-avro reads the Avro schema from. */
  static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";
  static final String RECORD_NAME = "ExportRow";
  static final String RECORD_NAMESPACE = "dev.fdbe";

  /**
   * The schemas of the columns.
   *
   * @throws ExportException naming the column when a column name is not a valid Avro name
   */
  static ParquetSchema of(Schema schema) {
    List<org.apache.avro.Schema.Field> fields = new ArrayList<>(schema.size());
    for (Column column : schema.columns()) {
      org.apache.avro.Schema type = avroType(column);
      try {
        fields.add(column.nullable()
            ? new org.apache.avro.Schema.Field(column.name(), nullable(type), doc(column),
                org.apache.avro.Schema.Field.NULL_DEFAULT_VALUE)
            : new org.apache.avro.Schema.Field(column.name(), type, doc(column)));
      } catch (AvroRuntimeException e) {
        throw new ExportException("column '" + column.name() + "' cannot be written to Parquet: " + e.getMessage(), e);
      }
    }
    org.apache.avro.Schema avro = org.apache.avro.Schema.createRecord(RECORD_NAME, null, RECORD_NAMESPACE, false,
        fields);
    PlainParquetConfiguration conf = new PlainParquetConfiguration();
    conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    MessageType message = new AvroSchemaConverter(conf).convert(avro);
    return new ParquetSchema(schema, avro, message);
  }

  private static org.apache.avro.Schema avroType(Column column) {
    return switch (column.type()) {
      case STRING, JSON -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING);
      case INT64 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG);
      case BOOLEAN -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BOOLEAN);
      case TIMESTAMP -> LogicalTypes.timestampMicros()
          .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG));
      case STRING_LIST -> org.apache.avro.Schema.createArray(
          nullable(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING)));
    };
  }

  private static org.apache.avro.Schema nullable(org.apache.avro.Schema type) {
    return org.apache.avro.Schema.createUnion(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), type);
  }

  private static @Nullable String doc(Column column) {
    return switch (column.type()) {
      case JSON -> "JSON text";
      case TIMESTAMP -> "UTC, microseconds";
      default -> null;
    };
  }

  /** The footer key/value metadata that carries the Avro schema. */
  String avroJson() {
    return avro.toString();
  }
}
