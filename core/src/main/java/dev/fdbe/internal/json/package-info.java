/**
 * The fast check that certifies a JSON column's value as one valid document without a parser, and
 * its eight-bytes-at-once scans. The engine runs it on the thread that reads the source ahead
 * ({@link dev.fdbe.internal.source.PrefetchingCursor}), whose rows hand the values it certified to
 * the writers as their UTF-8 bytes, as they hand strings the source read as bytes
 * ({@link dev.fdbe.internal.json.Utf8Row}); the formats module runs it for the values that arrive
 * uncertified. Exported to the formats module only.
 */
package dev.fdbe.internal.json;
