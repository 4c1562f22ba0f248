/**
 * What this module's format packages share and nothing outside it may use: the threads that compress
 * text blocks and Parquet pages ({@link dev.fdbe.format.internal.CompressionPool}). Not part of the
 * API: it may change in any release.
 */
@NullMarked
package dev.fdbe.format.internal;

import org.jspecify.annotations.NullMarked;
