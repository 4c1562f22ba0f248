package dev.fdbe.spi;

/**
 * Where the rows of a run come from. A source returns, for a team, model, interval and event
 * filters, the rows whose time column lies in the interval ({@code >= start} and {@code < end}),
 * each event uuid once, in the columns of the model's schema.
 *
 * <p>Rows come in a stable order: the model's time column, then its key ({@code uuid},
 * {@code distinct_id}, {@code session_id}), so that a run exported twice writes the same files.
 * Implementations are thread-safe: the engine opens cursors from several workers at once.
 */
public interface RecordSource {
  /**
   * Opens a cursor over the rows the query selects. Rows are streamed; a source never holds the
   * whole result in memory.
   *
   * @throws dev.fdbe.ExportException when the query cannot start
   */
  RecordCursor open(SourceQuery query);

  /** A short description for run logs, e.g. {@code "JDBC source (PostgreSQL)"}. */
  String describe();
}
