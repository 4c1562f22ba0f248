/**
 * Stream compression for CSV and JSON Lines files: {@link dev.fdbe.format.compress.StreamCodec}
 * (one per compression, with worst-case size bounds and the codec's own single-threaded stream) and
 * {@link dev.fdbe.format.compress.CompressedOutput} (a file's stream that bounds its stored size
 * before bytes are appended, and compresses gzip and zstd in blocks on threads shared by every
 * file; {@code docs/compression.md} describes how).
 */
@NullMarked
package dev.fdbe.format.compress;

import org.jspecify.annotations.NullMarked;
