package dev.fdbe.format.parquet;

import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Row;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;

/**
 * Writes staged rows straight to Parquet's record consumer: typed values from the {@link Row}, no
 * intermediate record object. Lists follow the standard 3-level layout of the schema
 * ({@code <name> (LIST) / list / element}). The Avro schema goes into the footer so that Avro
 * readers see the same columns.
 */
final class RowWriteSupport extends WriteSupport<StagedRow> {
  private final ParquetSchema schema;
  private final ColumnType[] types;
  private final String[] names;
  private final String[] repeatedNames;
  private final String[] elementNames;
  private RecordConsumer consumer;

  RowWriteSupport(ParquetSchema schema) {
    this.schema = schema;
    int n = schema.schema().size();
    this.types = new ColumnType[n];
    this.names = new String[n];
    this.repeatedNames = new String[n];
    this.elementNames = new String[n];
    for (int i = 0; i < n; i++) {
      types[i] = schema.schema().column(i).type();
      names[i] = schema.schema().column(i).name();
      if (types[i] == ColumnType.STRING_LIST) {
        GroupType list = schema.message().getType(i).asGroupType();
        GroupType repeated = list.getType(0).asGroupType();
        repeatedNames[i] = repeated.getName();
        elementNames[i] = repeated.getType(0).getName();
      }
    }
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return context();
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return context();
  }

  private WriteContext context() {
    return new WriteContext(schema.message(), Map.of(ParquetSchema.AVRO_SCHEMA_KEY, schema.avroJson()));
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  @Override
  public void write(StagedRow staged) {
    Row row = staged.row();
    consumer.startMessage();
    for (int i = 0; i < types.length; i++) {
      if (row.isNull(i)) {
        continue;
      }
      consumer.startField(names[i], i);
      switch (types[i]) {
        case STRING, JSON -> consumer.addBinary(staged.string(i));
        case INT64 -> consumer.addLong(row.getLong(i));
        case TIMESTAMP -> consumer.addLong(row.getTimestampMicros(i));
        case BOOLEAN -> consumer.addBoolean(row.getBoolean(i));
        case STRING_LIST -> writeList(i, staged.list(i), staged.listSize(i));
        default -> throw new IllegalStateException("unhandled column type " + types[i]);
      }
      consumer.endField(names[i], i);
    }
    consumer.endMessage();
  }

  private void writeList(int column, Binary[] elements, int size) {
    consumer.startGroup();
    if (size > 0) {
      consumer.startField(repeatedNames[column], 0);
      for (int j = 0; j < size; j++) {
        consumer.startGroup();
        if (elements[j] != null) {
          consumer.startField(elementNames[column], 0);
          consumer.addBinary(elements[j]);
          consumer.endField(elementNames[column], 0);
        }
        consumer.endGroup();
      }
      consumer.endField(repeatedNames[column], 0);
    }
    consumer.endGroup();
  }
}
