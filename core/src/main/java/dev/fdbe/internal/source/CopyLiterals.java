package dev.fdbe.internal.source;

import dev.fdbe.ExportException;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.postgresql.core.Utils;

/**
 * A select's bind parameters written into it as literals, for {@link PostgresCopyCursor}: COPY
 * takes no parameters. Numbers are written as themselves, timestamps as {@code '…'::timestamptz},
 * strings escaped by pgjdbc. Refers to pgjdbc, so loaded only when pgjdbc is present.
 */
final class CopyLiterals {
  private static final DateTimeFormatter LITERAL_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx");

  private CopyLiterals() {}

  /**
   * The select with each {@code ?} outside quotes replaced by its parameter as a literal; null when
   * a parameter has a type without a literal form here.
   */
  static @Nullable String withLiterals(String select, List<Object> params, boolean standardConformingStrings)
      throws SQLException {
    StringBuilder out = new StringBuilder(select.length() + 32 * params.size());
    int next = 0;
    char quote = 0;
    for (int i = 0; i < select.length(); i++) {
      char c = select.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '?') {
        if (next == params.size()) {
          throw new IllegalStateException("the select has more placeholders than its " + params.size() + " parameters");
        }
        if (!literal(out, params.get(next++), standardConformingStrings)) {
          return null;
        }
        continue;
      }
      out.append(c);
    }
    if (next != params.size()) {
      throw new IllegalStateException("the select has " + next + " placeholders for " + params.size() + " parameters");
    }
    return out.toString();
  }

  private static boolean literal(StringBuilder out, Object value, boolean standardConformingStrings)
      throws SQLException {
    if (value instanceof Long || value instanceof Integer) {
      out.append(value);
      return true;
    }
    if (value instanceof OffsetDateTime time) {
      int year = time.withOffsetSameInstant(ZoneOffset.UTC).getYear();
      if (year < 1 || year > 9999) {
        return false; // outside what a literal here spells; the bound parameter of JdbcCursor carries it
      }
      out.append('\'').append(LITERAL_TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC))).append("'::timestamptz");
      return true;
    }
    if (value instanceof String text) {
      if (text.indexOf('\0') >= 0) {
        throw new ExportException("the event name '" + text.replace("\0", "\\0")
            + "' holds a NUL character, which PostgreSQL text cannot hold", false);
      }
      out.append(standardConformingStrings ? "'" : "E'");
      Utils.escapeLiteral(out, text, standardConformingStrings);
      out.append('\'');
      return true;
    }
    return false;
  }
}
