/**
 * Stream compression for CSV and JSON Lines files: {@link dev.fdbe.format.compress.StreamCodec}
 * (one per compression, with worst-case size bounds) and
 * {@link dev.fdbe.format.compress.CompressedOutput} (a file's stream that bounds its stored size
 * before bytes are appended).
 */
@NullMarked
package dev.fdbe.format.compress;

import org.jspecify.annotations.NullMarked;
