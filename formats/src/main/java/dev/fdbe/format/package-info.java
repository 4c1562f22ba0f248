/**
 * Reading exported files back ({@link dev.fdbe.format.ExportFiles}) and what the format writers
 * share. The writers themselves are {@link dev.fdbe.spi.FormatProvider}s in the subpackages, found
 * with {@link java.util.ServiceLoader}.
 */
@NullMarked
package dev.fdbe.format;

import org.jspecify.annotations.NullMarked;
