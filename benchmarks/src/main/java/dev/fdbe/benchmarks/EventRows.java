package dev.fdbe.benchmarks;

import dev.fdbe.schema.Column;
import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.schema.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;

/**
 * The rows every benchmark writes: events as a product-analytics service stores them. Each row has
 * a properties JSON object of 300 to 800 bytes (the usual {@code $}-keys plus custom ones), one of
 * ten event names, a person id and person properties, and nulls where real events have them
 * ({@code distinct_id} in one row of ten, {@code elements_chain} in two of three, ...). The same
 * seed gives the same rows, so peers measured in other JVMs see exactly the same data.
 */
public final class EventRows {
  /** The events schema of the library. */
  public static final Schema SCHEMA = Model.EVENTS.schema();

  private static final String[] NAMES = {"$pageview", "$autocapture", "$pageleave", "$identify", "signed_up",
      "$feature_flag_called", "checkout_started", "$screen", "purchase", "$rageclick"};
  private static final String[] PATHS = {"/", "/pricing", "/docs/getting-started", "/blog/how-we-ship",
      "/settings/billing", "/signup", "/product/analytics", "/careers"};
  private static final String[] BROWSERS = {"Chrome", "Firefox", "Safari", "Edge"};
  private static final String[] COUNTRIES = {"US", "DE", "GB", "FR", "IN", "BR", "JP"};
  private static final long START_MICROS = Instant.parse("2026-11-20T00:00:00Z").getEpochSecond() * 1_000_000L;

  private EventRows() {}

  /** {@code count} rows from the seed, timestamps ascending from 2026-11-20 at about 1.2 s apart. */
  public static List<Row> generate(int count, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rows.add(next(random, START_MICROS + i * 1_234_567L));
    }
    return rows;
  }

  /** One row at the given time (microseconds since the epoch). */
  public static Row next(Random random, long timestampMicros) {
    Object[] values = new Object[SCHEMA.size()];
    String distinctId = "user-" + random.nextInt(5_000);
    values[0] = new UUID(random.nextLong(), random.nextLong()).toString();
    values[1] = NAMES[random.nextInt(NAMES.length)];
    values[2] = properties(random);
    values[3] = random.nextInt(10) == 0 ? null : distinctId;
    values[4] = timestampMicros;
    values[5] = random.nextInt(5) == 0 ? null : timestampMicros + random.nextInt(1_000_000);
    values[6] = timestampMicros + 2_000_000 + random.nextInt(10_000_000);
    values[7] = random.nextInt(3) == 0 ? "button.btn-primary:text=\"Sign up\"nth-child=\"" + random.nextInt(9)
        + "\";div.main:nth-child=\"1\"" : null;
    values[8] = random.nextInt(4) == 0 ? null : new UUID(distinctId.hashCode(), 7).toString();
    values[9] = random.nextInt(3) == 0 ? null : "{\"email\":\"" + distinctId + "@example.com\",\"plan\":\""
        + (random.nextBoolean() ? "free" : "scale") + "\"}";
    return new ArrayRow(values);
  }

  private static String properties(Random random) {
    String path = PATHS[random.nextInt(PATHS.length)];
    StringBuilder json = new StringBuilder(800).append("{\"$current_url\":\"https://app.example.com").append(path)
        .append("\",\"$pathname\":\"").append(path).append("\",\"$browser\":\"")
        .append(BROWSERS[random.nextInt(BROWSERS.length)]).append("\",\"$browser_version\":")
        .append(100 + random.nextInt(30)).append(",\"$os\":\"").append(random.nextBoolean() ? "Mac OS X" : "Windows")
        .append("\",\"$geoip_country_code\":\"").append(COUNTRIES[random.nextInt(COUNTRIES.length)])
        .append("\",\"$lib\":\"web\",\"$session_id\":\"").append(new UUID(random.nextLong(), 0))
        .append("\",\"$screen_width\":").append(1200 + random.nextInt(1400))
        .append(",\"plan\":").append(random.nextInt(3) == 0 ? "null" : "\"free\"");
    int target = 300 + random.nextInt(500);
    for (int k = 0; json.length() < target; k++) {
      json.append(",\"custom_").append(k).append("\":");
      switch (k % 4) {
        case 0 -> json.append(random.nextInt(100_000));
        case 1 -> json.append(random.nextBoolean());
        case 2 -> json.append("\"").append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36)).append('"');
        default -> json.append("[\"a\",\"b\",").append(random.nextInt(10)).append(']');
      }
    }
    return json.append('}').toString();
  }

  /** The row as column values by name, timestamps as {@link Instant}s, for the reference tables. */
  public static Map<String, Object> asMap(Row row) {
    Map<String, Object> values = new HashMap<>();
    for (int i = 0; i < SCHEMA.size(); i++) {
      Column column = SCHEMA.column(i);
      if (row.isNull(i)) {
        values.put(column.name(), null);
      } else if (column.type() == dev.fdbe.schema.ColumnType.TIMESTAMP) {
        long micros = row.getTimestampMicros(i);
        values.put(column.name(), Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
            Math.floorMod(micros, 1_000_000L) * 1_000L));
      } else {
        values.put(column.name(), row.getString(i));
      }
    }
    return values;
  }

  /** The Avro schema a user would write for these rows (nullable columns as unions with null). */
  public static org.apache.avro.Schema avroSchema() {
    List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
    for (Column column : SCHEMA.columns()) {
      org.apache.avro.Schema type = switch (column.type()) {
        case STRING, JSON -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING);
        case INT64 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG);
        case BOOLEAN -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BOOLEAN);
        case TIMESTAMP -> LogicalTypes.timestampMicros()
            .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG));
        case STRING_LIST -> org.apache.avro.Schema.createArray(org.apache.avro.Schema.createUnion(
            org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL),
            org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING)));
      };
      fields.add(column.nullable()
          ? new org.apache.avro.Schema.Field(column.name(), org.apache.avro.Schema.createUnion(
              org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), type), null,
              org.apache.avro.Schema.Field.NULL_DEFAULT_VALUE)
          : new org.apache.avro.Schema.Field(column.name(), type));
    }
    return org.apache.avro.Schema.createRecord("ExportRow", null, "dev.fdbe", false, fields);
  }

  /** One {@code GenericRecord} for the row, as a user of parquet-avro builds it. */
  public static GenericData.Record toRecord(Row row, org.apache.avro.Schema avroSchema) {
    GenericData.Record record = new GenericData.Record(avroSchema);
    for (int i = 0; i < SCHEMA.size(); i++) {
      if (row.isNull(i)) {
        continue;
      }
      record.put(i, switch (SCHEMA.column(i).type()) {
        case STRING, JSON -> row.getString(i);
        case INT64 -> row.getLong(i);
        case BOOLEAN -> row.getBoolean(i);
        case TIMESTAMP -> row.getTimestampMicros(i);
        case STRING_LIST -> row.getStringList(i);
      });
    }
    return record;
  }

  /** A row over an array of values: strings, boxed longs for INT64 and TIMESTAMP (micros), lists. */
  record ArrayRow(Object[] values) implements Row {
    @Override
    public boolean isNull(int column) {
      return values[column] == null;
    }

    @Override
    public String getString(int column) {
      return (String) values[column];
    }

    @Override
    public long getLong(int column) {
      return (Long) values[column];
    }

    @Override
    public boolean getBoolean(int column) {
      return (Boolean) values[column];
    }

    @Override
    public long getTimestampMicros(int column) {
      return (Long) values[column];
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> getStringList(int column) {
      return (List<String>) values[column];
    }
  }
}
