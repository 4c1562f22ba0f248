/** The CSV format: {@link dev.fdbe.format.csv.CsvFormat} writes it, {@link dev.fdbe.format.csv.CsvReader} reads it back. */
@NullMarked
package dev.fdbe.format.csv;

import org.jspecify.annotations.NullMarked;
