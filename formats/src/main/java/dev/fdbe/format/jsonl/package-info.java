/** The JSON Lines format: {@link dev.fdbe.format.jsonl.JsonLinesFormat} writes it, {@link dev.fdbe.format.jsonl.JsonLinesReader} reads it back. */
@NullMarked
package dev.fdbe.format.jsonl;

import org.jspecify.annotations.NullMarked;
