package dev.fdbe.internal.source;

import dev.fdbe.internal.Micros;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.RecordCursor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The events of an interval whose uuid occurs more than once there, or (on H2, for a later slice of
 * a run) also in an earlier slice, each with its earliest row (by time, {@code _inserted_at}, then
 * event; see {@link SourceSql.Copies}): a cursor reading the plain ordered select keeps, of a listed
 * uuid, the first row equal to the earliest and skips the others, all of them when the earliest lies
 * in an earlier slice. A uuid not listed occurs once and is always kept. At most {@link #CAP} uuids
 * are held, so the memory stays bounded whatever the interval; beyond that {@link #read} returns
 * null and the cursor reads the select that deduplicates in the database.
 */
final class UuidCopies {
  /** How many copied uuids a cursor holds, about 200 bytes each. */
  static final int CAP = 50_000;
  /**
   * On H2, how many uuids the list looks up at most, those the Bloom filter may have seen before: the
   * copied ones and its false positives (a few hundred in a million uuids, several thousand in five
   * million). Beyond it the list gives up as beyond {@link #CAP}.
   */
  static final int MAX_LOOKUPS = 2 * CAP;

  /** No uuid copied, number of uuids unknown: every row is kept. */
  static final UuidCopies NONE = new UuidCopies(Map.of(), -1, -1, -1, -1, -1);

  private final Map<String, Earliest> earliest;
  /**
   * One bit per listed uuid's {@link #fingerprint}, at least 16 bits per uuid: a row whose bit is
   * clear holds no listed uuid, found without hashing the whole uuid (a uuid decoded from the COPY
   * is a new string whose hash no one has computed yet).
   */
  private final long[] listedBits;
  /** The bits of a fingerprint that pick its bit in {@link #listedBits}. */
  private final int listedMask;
  private final int uuidColumn;
  private final int timeColumn;
  private final int insertedColumn;
  private final int eventColumn;
  private final long uuids;

  /** A listed uuid's earliest row, and whether the cursor kept it already. */
  private static final class Earliest {
    final long time;
    final @Nullable Long inserted;
    final @Nullable String event;
    boolean kept;

    Earliest(long time, @Nullable Long inserted, @Nullable String event) {
      this.time = time;
      this.inserted = inserted;
      this.event = event;
    }

    /** The row of a list's result set: time, {@code _inserted_at} and event in columns 2 to 4. */
    static Earliest of(ResultSet row) throws SQLException {
      Long inserted = micros(row, 3);
      return new Earliest(Objects.requireNonNull(micros(row, 2)), inserted, row.getString(4));
    }

    /** A timestamp column of a list's row (uuid in column 1) in microseconds since 1970; null for null. */
    static @Nullable Long micros(ResultSet row, int column) throws SQLException {
      OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
      try {
        return time == null ? null : Micros.of(time.toInstant());
      } catch (ArithmeticException e) {
        throw new dev.fdbe.ExportException("event " + row.getString(1) + ", stored more than once, holds a timestamp"
            + " beyond what can be exported (microseconds since 1970 in 64 bits), infinity perhaps", false);
      }
    }
  }

  private UuidCopies(Map<String, Earliest> earliest, int uuidColumn, int timeColumn, int insertedColumn,
      int eventColumn, long uuids) {
    this.earliest = earliest;
    // A power of two of at least 16 bits per uuid, and at least one word.
    int bits = Math.max(Long.SIZE, Integer.highestOneBit(Math.max(1, earliest.size()) * 16 - 1) * 2);
    this.listedBits = new long[bits / Long.SIZE];
    this.listedMask = bits - 1;
    for (String uuid : earliest.keySet()) {
      int bit = fingerprint(uuid) & listedMask;
      listedBits[bit >>> 6] |= 1L << bit;
    }
    this.uuids = uuids;
    this.uuidColumn = uuidColumn;
    this.timeColumn = timeColumn;
    this.insertedColumn = insertedColumn;
    this.eventColumn = eventColumn;
  }

  /**
   * Lists the copied uuids on the cursor's connection, before its select and in the same snapshot:
   * when the cursor began the transaction itself ({@code ownTransaction}), it is repeatable read (on
   * PostgreSQL this sets it; on H2, where the level belongs to the session, the cursor set it when it
   * opened), so that a copy inserted between the list and the select is not exported twice, and the
   * count ({@link #uuids()}) is of the rows it reads. Returns null when the interval holds more than
   * {@link #CAP} copied uuids, or on H2 more than {@link #MAX_LOOKUPS} to look up.
   *
   * @param running told of each statement as it starts, so that a cancel can reach it
   * @param stopped whether the cursor was cancelled or closed, asked between H2's statements (whose
   *     cancel reaches only a statement running)
   */
  static @Nullable UuidCopies read(Connection connection, SourceSql.Copies copies, Schema schema,
      boolean ownTransaction, Consumer<Statement> running, BooleanSupplier stopped) throws SQLException {
    if (copies.lookup() != null) {
      return scan(connection, copies, schema, running, stopped);
    }
    if (ownTransaction) {
      try (Statement isolation = connection.createStatement()) {
        running.accept(isolation);
        isolation.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      }
    }
    Map<String, Earliest> earliest = new HashMap<>();
    long uuids = -1;
    try (PreparedStatement list = listStatement(connection, copies, copies.listParams(), running)) {
      try (ResultSet rows = list.executeQuery()) {
        while (rows.next()) {
          long number = rows.getLong(5);
          if (!rows.wasNull()) {
            uuids = number; // the row of the interval's number of uuids
            continue;
          }
          if (earliest.size() == CAP) {
            return null;
          }
          earliest.put(rows.getString(1), Earliest.of(rows));
        }
      }
    }
    return listed(earliest, schema, copies, uuids);
  }

  /** The list's statement, prepared with {@code params} bound and made known to a cancel ({@code running}). */
  private static PreparedStatement listStatement(Connection connection, SourceSql.Copies copies, List<Object> params,
      Consumer<Statement> running) throws SQLException {
    PreparedStatement list = connection.prepareStatement(copies.list());
    try {
      running.accept(list);
      for (int i = 0; i < params.size(); i++) {
        list.setObject(i + 1, params.get(i));
      }
      return list;
    } catch (SQLException | RuntimeException e) {
      list.close();
      throw e;
    }
  }

  /** The copies listed, for rows of the schema, with the interval's number of distinct uuids (-1: unknown). */
  private static UuidCopies listed(Map<String, Earliest> earliest, Schema schema, SourceSql.Copies copies,
      long uuids) {
    return new UuidCopies(earliest, schema.indexOf("uuid"), schema.indexOf(copies.timeColumn()),
        schema.indexOf("_inserted_at"), schema.indexOf("event"), uuids);
  }

  /**
   * The list on H2: streams the interval's uuids through a Bloom filter ({@link Seen}), and for a
   * later slice that lists them the earlier slices' uuids past it, then looks up the rows of each
   * uuid it may have seen before, earliest first. A uuid is listed when the cursor skips some of its
   * rows: all of them when its earliest row lies in an earlier slice, all but that one otherwise.
   */
  private static @Nullable UuidCopies scan(Connection connection, SourceSql.Copies copies, Schema schema,
      Consumer<Statement> running, BooleanSupplier stopped) throws SQLException {
    Seen seen = new Seen();
    Set<UUID> maybeSeen = new HashSet<>();
    long rows = stream(connection, copies, copies.listParams(), running, stopped,
        uuid -> seen.add(uuid) || !maybeSeen.add(uuid) || maybeSeen.size() <= MAX_LOOKUPS);
    if (rows < 0) {
      return null;
    }
    if (copies.earlierParams() != null && rows > 0 && stream(connection, copies, copies.earlierParams(), running,
        stopped, uuid -> !seen.mayContain(uuid) || !maybeSeen.add(uuid) || maybeSeen.size() <= MAX_LOOKUPS) < 0) {
      return null;
    }
    Map<String, Earliest> earliest = new HashMap<>();
    long skipped = 0;
    if (!maybeSeen.isEmpty()) {
      List<Object> interval = copies.listParams(); // team, start, end
      long start = Micros.of(((OffsetDateTime) interval.get(1)).toInstant());
      try (PreparedStatement lookup = connection.prepareStatement(copies.lookup())) {
        running.accept(lookup);
        lookup.setObject(1, interval.get(0));
        lookup.setObject(3, copies.lookupFrom());
        lookup.setObject(4, interval.get(2));
        for (UUID uuid : maybeSeen) {
          if (stopped.getAsBoolean()) {
            throw new SQLException("reading was cancelled");
          }
          lookup.setObject(2, uuid);
          try (ResultSet found = lookup.executeQuery()) {
            if (!found.next()) {
              continue; // deleted since the scan: possible only outside a transaction of the cursor's own
            }
            String key = found.getString(1);
            Earliest first = Earliest.of(found);
            long inInterval = first.time >= start ? 1 : 0;
            while (found.next()) {
              inInterval += Objects.requireNonNull(Earliest.micros(found, 2)) >= start ? 1 : 0;
            }
            long skips = first.time >= start ? inInterval - 1 : inInterval;
            if (skips > 0) {
              if (earliest.size() == CAP) {
                return null;
              }
              earliest.put(key, first);
              skipped += skips;
            }
          }
        }
      }
    }
    return listed(earliest, schema, copies, rows - skipped);
  }

  /**
   * Streams the uuids of {@code list} over an interval ({@code params}: team, start, end) to
   * {@code each}; returns how many, or -1 as soon as {@code each} returns false.
   */
  private static long stream(Connection connection, SourceSql.Copies copies, List<Object> params,
      Consumer<Statement> running, BooleanSupplier stopped, Predicate<UUID> each) throws SQLException {
    long rows = 0;
    try (PreparedStatement list = listStatement(connection, copies, params, running)) {
      try (ResultSet uuids = list.executeQuery()) {
        while (uuids.next()) {
          if ((++rows & 0xfff) == 0 && stopped.getAsBoolean()) {
            throw new SQLException("reading was cancelled");
          }
          if (!each.test(uuids.getObject(1, UUID.class))) {
            return -1;
          }
        }
      }
    }
    return rows;
  }

  /**
   * How many rows of the interval the cursor keeps, one per uuid not exported by an earlier slice:
   * the count of the rows it returns when the query does not filter events
   * ({@link SourceSql.Copies#counts()}); -1 when not known.
   */
  long uuids() {
    return uuids;
  }

  /**
   * Whether the cursor skips the row it is on: a copy of a listed uuid other than the first equal
   * to its earliest row. Keeping that one marks the uuid, so its exact copies (equal in uuid, time,
   * {@code _inserted_at} and event) are skipped.
   */
  boolean skips(RecordCursor row) {
    if (earliest.isEmpty()) {
      return false;
    }
    String uuid = row.getString(uuidColumn);
    int bit = fingerprint(uuid) & listedMask;
    if ((listedBits[bit >>> 6] & (1L << bit)) == 0) {
      return false;
    }
    Earliest first = earliest.get(uuid);
    if (first == null) {
      return false;
    }
    boolean isEarliest = row.getTimestampMicros(timeColumn) == first.time
        && Objects.equals(row.isNull(insertedColumn) ? null : row.getTimestampMicros(insertedColumn), first.inserted)
        && Objects.equals(row.getString(eventColumn), first.event);
    if (first.kept || !isEarliest) {
      return true;
    }
    first.kept = true;
    return false;
  }

  /**
   * A hash of a uuid's last eight characters (random in every uuid version, and all of a uuid
   * shorter than that), in a few operations where the string's own hash reads all 36.
   */
  static int fingerprint(String uuid) {
    int length = uuid.length();
    long packed = length;
    for (int i = Math.max(0, length - 8); i < length; i++) {
      packed = packed << 8 ^ uuid.charAt(i);
    }
    return (int) Seen.mix(packed);
  }

  /**
   * The uuids streamed so far, as a Bloom filter that grows: it says for certain that a uuid is new,
   * and of a uuid seen before, or of a few others, that it may have been seen. Layers of 2^20, 2^23
   * and 2^26 bits (128 KiB, 1 MiB, 8 MiB), each taken when the one before holds a uuid per 32 bits,
   * the last kept however full; four bits per uuid and layer. So a small interval costs a small
   * filter, a million uuids leave a few hundred to look up, and memory stays bounded for any
   * interval (the lookups grow instead, up to {@link #MAX_LOOKUPS}).
   */
  static final class Seen {
    private static final int[] LAYER_BITS = {20, 23, 26};
    private static final int HASHES = 4;

    private final long[][] layers = new long[LAYER_BITS.length][];
    private int layer;
    private long inLayer;

    Seen() {
      layers[0] = new long[1 << (LAYER_BITS[0] - 6)];
    }

    /** Adds the uuid; false when it may have been added before. */
    boolean add(UUID uuid) {
      long hash = hash(uuid);
      int first = (int) hash;
      int step = (int) (hash >>> 32) | 1;
      for (int i = 0; i < layer; i++) {
        if (contains(layers[i], first, step)) {
          return false;
        }
      }
      long[] bits = layers[layer];
      int mask = (bits.length << 6) - 1;
      boolean added = false;
      for (int k = 0, at = first; k < HASHES; k++, at += step) {
        int bit = at & mask;
        long word = bits[bit >>> 6];
        long set = word | (1L << bit);
        added |= set != word;
        bits[bit >>> 6] = set;
      }
      if (added && ++inLayer > (long) bits.length * Long.SIZE / 32 && layer + 1 < layers.length) {
        layer++;
        layers[layer] = new long[1 << (LAYER_BITS[layer] - 6)];
        inLayer = 0;
      }
      return added;
    }

    /** Whether the uuid may have been added; false for certain when it was not. */
    boolean mayContain(UUID uuid) {
      long hash = hash(uuid);
      int first = (int) hash;
      int step = (int) (hash >>> 32) | 1;
      for (int i = 0; i <= layer; i++) {
        if (contains(layers[i], first, step)) {
          return true;
        }
      }
      return false;
    }

    /** The uuid's hash, whose halves give the first bit and the step of its bits in a layer. */
    private static long hash(UUID uuid) {
      return mix(uuid.getMostSignificantBits() ^ mix(uuid.getLeastSignificantBits()));
    }

    private static boolean contains(long[] bits, int first, int step) {
      int mask = (bits.length << 6) - 1;
      for (int k = 0, at = first; k < HASHES; k++, at += step) {
        int bit = at & mask;
        if ((bits[bit >>> 6] & (1L << bit)) == 0) {
          return false;
        }
      }
      return true;
    }

    /** MurmurHash3's finalizer: every bit of the input moves every bit of the output. */
    static long mix(long h) {
      h ^= h >>> 33;
      h *= 0xff51afd7ed558ccdL;
      h ^= h >>> 33;
      h *= 0xc4ceb9fe1a85ec53L;
      return h ^ (h >>> 33);
    }
  }
}
