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
import org.jspecify.annotations.Nullable;

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

  /** The columns {@link EventRow} reads, in the schema's order; checked against it when the class loads. */
  static final List<String> COLUMNS = List.of("uuid", "event", "properties", "distinct_id", "timestamp", "created_at",
      "_inserted_at", "elements_chain", "person_id", "person_properties");

  static {
    List<String> names = SCHEMA.columns().stream().map(Column::name).toList();
    if (!names.equals(COLUMNS)) {
      throw new IllegalStateException("the events schema is now " + names + "; EventRow reads " + COLUMNS);
    }
  }

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
    // The order of the draws fixes the rows of a seed; keep it.
    String user = "user-" + random.nextInt(5_000);
    String uuid = new UUID(random.nextLong(), random.nextLong()).toString();
    String event = NAMES[random.nextInt(NAMES.length)];
    String properties = properties(random);
    String distinctId = random.nextInt(10) == 0 ? null : user;
    Long createdAt = random.nextInt(5) == 0 ? null : timestampMicros + random.nextInt(1_000_000);
    long insertedAt = timestampMicros + 2_000_000 + random.nextInt(10_000_000);
    String elementsChain = random.nextInt(3) == 0 ? "button.btn-primary:text=\"Sign up\"nth-child=\"" + random.nextInt(9)
        + "\";div.main:nth-child=\"1\"" : null;
    String personId = random.nextInt(4) == 0 ? null : new UUID(user.hashCode(), 7).toString();
    String personProperties = random.nextInt(3) == 0 ? null : "{\"email\":\"" + user + "@example.com\",\"plan\":\""
        + (random.nextBoolean() ? "free" : "scale") + "\"}";
    return new EventRow(uuid, event, properties, distinctId, timestampMicros, createdAt, insertedAt, elementsChain,
        personId, personProperties);
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

  /**
   * One event in typed fields, as a caller holds its own rows, read through {@link Row} by column
   * index in {@link #SCHEMA}'s order ({@link #COLUMNS}). Null fields are null values; timestamps are
   * microseconds since the epoch. The events schema has no INT64, BOOLEAN or STRING_LIST column, so
   * those accessors always refuse.
   */
  record EventRow(String uuid, String event, String properties, @Nullable String distinctId, long timestamp,
      @Nullable Long createdAt, long insertedAt, @Nullable String elementsChain, @Nullable String personId,
      @Nullable String personProperties) implements Row {
    @Override
    public boolean isNull(int column) {
      return switch (column) {
        case 3 -> distinctId == null;
        case 5 -> createdAt == null;
        case 7 -> elementsChain == null;
        case 8 -> personId == null;
        case 9 -> personProperties == null;
        default -> false;
      };
    }

    @Override
    public String getString(int column) {
      return switch (column) {
        case 0 -> uuid;
        case 1 -> event;
        case 2 -> properties;
        case 3 -> distinctId;
        case 7 -> elementsChain;
        case 8 -> personId;
        case 9 -> personProperties;
        default -> throw notOfType(column, "STRING or JSON");
      };
    }

    @Override
    public long getTimestampMicros(int column) {
      return switch (column) {
        case 4 -> timestamp;
        case 5 -> createdAt;
        case 6 -> insertedAt;
        default -> throw notOfType(column, "TIMESTAMP");
      };
    }

    @Override
    public long getLong(int column) {
      throw notOfType(column, "INT64");
    }

    @Override
    public boolean getBoolean(int column) {
      throw notOfType(column, "BOOLEAN");
    }

    @Override
    public List<String> getStringList(int column) {
      throw notOfType(column, "STRING_LIST");
    }

    private static IllegalArgumentException notOfType(int column, String type) {
      return new IllegalArgumentException("column " + column + " of the events schema is not " + type);
    }
  }
}
