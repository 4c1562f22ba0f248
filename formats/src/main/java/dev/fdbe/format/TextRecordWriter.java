package dev.fdbe.format;

import dev.fdbe.Compression;
import dev.fdbe.format.compress.CompressedOutput;
import dev.fdbe.format.compress.StreamCodec;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.schema.Row;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A writer of a text format with one record after another (JSON Lines, CSV), over a possibly
 * compressed stream. A subclass serializes one row into a buffer, reading the columns' types and
 * names from here; this class stages it, reports the bound of the stored file size with it (exact
 * when uncompressed) and appends it on commit. Not thread-safe.
 */
public abstract class TextRecordWriter implements RecordWriter {
  private final CompressedOutput output;
  private final WriterContext context;
  private final ColumnType[] types;
  private final String[] names;
  private final RowBuffer buffer = new RowBuffer();
  private long records;
  private int staged = -1;
  private boolean finished;

  /**
   * @param out the stream of the file, never closed by the writer
   * @param schema the columns of the file, in order
   * @param compression the stream compression
   * @param context the run's context, for its size limit and warnings
   */
  protected TextRecordWriter(OutputStream out, Schema schema, Compression compression, WriterContext context)
      throws IOException {
    this.output = new CompressedOutput(out, StreamCodec.of(compression), context.maxPartBytes());
    this.context = context;
    this.types = new ColumnType[schema.size()];
    this.names = new String[schema.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = schema.column(i).type();
      names[i] = schema.column(i).name();
    }
  }

  /** The number of columns. */
  protected final int columns() {
    return types.length;
  }

  /** The type of the column at the index. */
  protected final ColumnType type(int column) {
    return types[column];
  }

  /** The name of the column at the index. */
  protected final String name(int column) {
    return names[column];
  }

  /** Tells the run, once per column, that the JSON column holds a value that is not valid JSON. */
  protected final void warnInvalidJson(int column, String value) {
    Json.warnInvalid(context, names[column], value);
  }

  /** Serializes the row, with its record terminator, into the (empty) buffer. */
  protected abstract void serialize(Row row, RowBuffer into) throws IOException;

  /** Writes bytes that precede the records, such as a header row; call from the constructor. */
  protected final void writePreamble(byte[] bytes) throws IOException {
    output.write(bytes, 0, bytes.length);
  }

  @Override
  public final long stage(Row row) throws IOException {
    if (finished) {
      throw new IllegalStateException("the file is finished");
    }
    buffer.reset();
    serialize(row, buffer);
    staged = buffer.size();
    return output.boundWith(staged);
  }

  @Override
  public final void commit() throws IOException {
    if (staged < 0) {
      throw new IllegalStateException("no row is staged");
    }
    output.write(buffer.array(), 0, staged);
    records++;
    staged = -1;
  }

  @Override
  public final long records() {
    return records;
  }

  @Override
  public final void finish() throws IOException {
    if (!finished) {
      finished = true;
      staged = -1;
      output.finish();
      closeResources();
    }
  }

  /** Releases what the subclass holds once the file is finished. */
  protected void closeResources() throws IOException {}
}
