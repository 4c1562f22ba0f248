/**
 * The shape of exported rows, shared by the three parties that handle them: the columns of each
 * model ({@link dev.fdbe.schema.Schema}, {@link dev.fdbe.schema.Column},
 * {@link dev.fdbe.schema.ColumnType}) as a caller reads them in a run's manifest, and the
 * {@link dev.fdbe.schema.Row} a record source produces and a file format writes. Start at
 * {@link dev.fdbe.Model#schema()}.
 */
@NullMarked
package dev.fdbe.schema;

import org.jspecify.annotations.NullMarked;
