/**
 * The fast check of JSON text that certifies a JSON column's value as one valid document without a
 * parser, and its eight-bytes-at-once scans. Core runs it on the source's reading thread
 * ({@link dev.fdbe.internal.source.PrefetchingCursor}), the formats module where a value comes
 * unchecked; exported to the formats module only.
 */
package dev.fdbe.internal.json;
