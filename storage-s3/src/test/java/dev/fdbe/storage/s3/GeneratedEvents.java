package dev.fdbe.storage.s3;

import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.ExportException;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.SourceQuery;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Events made on the fly, the same for the same row number, so that an export of any size needs no
 * memory for its source and can be checked row by row: row {@code i} has uuid {@link #uuid(int)},
 * timestamp {@link #micros(int)} and a {@code properties} object with an incompressible payload of
 * {@code payloadChars} characters. Optionally stops after a number of rows until cancelled, like a
 * slow query.
 */
final class GeneratedEvents implements RecordSource {
  static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
  private static final Schema SCHEMA = Model.EVENTS.schema();
  private static final int UUID = SCHEMA.indexOf("uuid");
  private static final int EVENT = SCHEMA.indexOf("event");
  private static final int PROPERTIES = SCHEMA.indexOf("properties");
  private static final int DISTINCT_ID = SCHEMA.indexOf("distinct_id");
  private static final int TIMESTAMP = SCHEMA.indexOf("timestamp");
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  private final int rows;
  private final int payloadChars;
  private final int pauseAfter;
  /** Counted down when the source has produced {@code pauseAfter} rows and waits to be cancelled. */
  final CountDownLatch paused = new CountDownLatch(1);

  GeneratedEvents(int rows, int payloadChars) {
    this(rows, payloadChars, -1);
  }

  GeneratedEvents(int rows, int payloadChars, int pauseAfter) {
    this.rows = rows;
    this.payloadChars = payloadChars;
    this.pauseAfter = pauseAfter;
  }

  static String uuid(int row) {
    return new UUID(0x5eedL, row).toString();
  }

  static long micros(int row) {
    return DAY.getEpochSecond() * 1_000_000L + row * 1000L;
  }

  static String properties(int row, int payloadChars) {
    Random random = new Random(row);
    StringBuilder text = new StringBuilder(payloadChars + 20).append("{\"payload\":\"");
    for (int i = 0; i < payloadChars; i++) {
      text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return text.append("\"}").toString();
  }

  @Override
  public RecordCursor open(SourceQuery query) {
    return new Cursor();
  }

  @Override
  public String describe() {
    return "generated events";
  }

  private final class Cursor implements RecordCursor {
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private int row = -1;
    private String properties;

    @Override
    public boolean next() {
      if (row + 1 == pauseAfter) {
        paused.countDown();
        try {
          cancelled.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new ExportException("reading was cancelled", false);
      }
      if (cancelled.getCount() == 0) {
        throw new ExportException("reading was cancelled", false);
      }
      if (row + 1 >= rows) {
        return false;
      }
      row++;
      properties = properties(row, payloadChars);
      return true;
    }

    @Override
    public void cancel() {
      cancelled.countDown();
    }

    @Override
    public void close() {
      row = rows;
    }

    @Override
    public boolean isNull(int column) {
      return !(column == UUID || column == EVENT || column == PROPERTIES || column == DISTINCT_ID
          || column == TIMESTAMP);
    }

    @Override
    public String getString(int column) {
      if (column == UUID) {
        return uuid(row);
      }
      if (column == EVENT) {
        return "$pageview";
      }
      if (column == PROPERTIES) {
        return properties;
      }
      if (column == DISTINCT_ID) {
        return "user-" + (row % 100);
      }
      throw new IllegalArgumentException("column " + column + " is not a string");
    }

    @Override
    public long getLong(int column) {
      throw new IllegalArgumentException("no long columns");
    }

    @Override
    public boolean getBoolean(int column) {
      throw new IllegalArgumentException("no boolean columns");
    }

    @Override
    public long getTimestampMicros(int column) {
      if (column == TIMESTAMP) {
        return micros(row);
      }
      throw new IllegalArgumentException("column " + column + " is not a timestamp");
    }

    @Override
    public List<String> getStringList(int column) {
      throw new IllegalArgumentException("no list columns");
    }
  }
}
