/**
 * The Parquet format: {@link dev.fdbe.format.parquet.ParquetFormat} writes it (found with
 * {@link java.util.ServiceLoader}), {@link dev.fdbe.format.parquet.ParquetRowReader} reads it back.
 * Files are plain parquet-java output with an Avro schema in the footer; no Hadoop file system or
 * Hadoop codec is involved.
 */
@NullMarked
package dev.fdbe.format.parquet;

import org.jspecify.annotations.NullMarked;
