package dev.fdbe.internal.json;

import dev.fdbe.schema.Row;

/**
 * A row of the engine's that knows which of its JSON values the fast check certified on the thread
 * that read them ({@link dev.fdbe.internal.source.PrefetchingCursor}), so that a writer need not
 * check those again. Only the engine's own rows implement it: a row of a caller's is never taken at
 * its word, and its values are checked by the writer.
 */
public interface CertifiedJson {
  /** Whether the fast check certified the JSON value at the column ({@link JsonSyntax#certifies}). */
  boolean isCertifiedJson(int column);

  /** Whether the row is one of the engine's and its JSON value at the column is certified. */
  static boolean certified(Row row, int column) {
    return row instanceof CertifiedJson certified && certified.isCertifiedJson(column);
  }
}
