package dev.fdbe.format.csv;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fdbe.schema.Column;
import dev.fdbe.ExportException;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.IsoTimestamps;
import dev.fdbe.format.Json;
import dev.fdbe.format.RowReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads RFC 4180 CSV written by {@link CsvFormat}: checks the header against the schema, and tells
 * a null (an empty unquoted field) from an empty string (a quoted empty field).
 */
public final class CsvReader implements RowReader {
  private final Reader in;
  private final Schema schema;
  private final List<String> fields = new ArrayList<>();
  private final List<Boolean> quoted = new ArrayList<>();
  private final StringBuilder field = new StringBuilder();
  private long record;

  public CsvReader(InputStream in, Schema schema) throws IOException {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
    this.schema = schema;
    if (!readRecord()) {
      throw new ExportException("the CSV file is empty: it has no header row");
    }
    List<String> expected = schema.columns().stream().map(Column::name).toList();
    if (!fields.equals(expected)) {
      throw new ExportException("the CSV header is " + fields + " but the columns are " + expected);
    }
  }

  @Override
  public Map<String, Object> next() throws IOException {
    if (!readRecord()) {
      return null;
    }
    record++;
    if (fields.size() != schema.size()) {
      throw new ExportException("record " + record + " has " + fields.size() + " fields, not " + schema.size());
    }
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < schema.size(); i++) {
      Column column = schema.column(i);
      String text = fields.get(i);
      row.put(column.name(), text.isEmpty() && !quoted.get(i) ? null : value(column, text));
    }
    return row;
  }

  private Object value(Column column, String text) throws IOException {
    try {
      return switch (column.type()) {
        case STRING -> text;
        case INT64 -> Long.parseLong(text);
        case BOOLEAN -> switch (text) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> throw new IllegalArgumentException("not a boolean: '" + text + "'");
        };
        case TIMESTAMP -> IsoTimestamps.parse(text);
        case JSON -> {
          String compact = Json.compact(text);
          if (compact == null) {
            throw new IllegalArgumentException("not valid JSON: '" + text + "'");
          }
          yield compact;
        }
        case STRING_LIST -> list(text);
      };
    } catch (IllegalArgumentException e) {
      throw new ExportException("record " + record + ", column '" + column.name() + "': " + e.getMessage(), e);
    }
  }

  private static List<String> list(String text) throws IOException {
    try (JsonParser parser = Json.FACTORY.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException("not a JSON array: '" + text + "'");
      }
      List<String> values = new ArrayList<>();
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
        if (token == JsonToken.VALUE_NULL) {
          values.add(null);
        } else if (token == JsonToken.VALUE_STRING) {
          values.add(parser.getText());
        } else {
          throw new IllegalArgumentException("a list holds " + token + ": '" + text + "'");
        }
      }
      return Collections.unmodifiableList(values);
    }
  }

  /** Reads one record into {@link #fields}; false at the end of the input. */
  private boolean readRecord() throws IOException {
    fields.clear();
    quoted.clear();
    int c = in.read();
    if (c < 0) {
      return false;
    }
    while (true) {
      field.setLength(0);
      boolean isQuoted = c == '"';
      if (isQuoted) {
        while (true) {
          c = in.read();
          if (c < 0) {
            throw new ExportException("record " + (record + 1) + " ends inside a quoted field");
          }
          if (c == '"') {
            c = in.read();
            if (c != '"') {
              break;
            }
          }
          field.append((char) c);
        }
      } else {
        while (c >= 0 && c != ',' && c != '\r' && c != '\n') {
          if (c == '"') {
            throw new ExportException("record " + (record + 1) + " has a quote inside an unquoted field");
          }
          field.append((char) c);
          c = in.read();
        }
      }
      fields.add(field.toString());
      quoted.add(isQuoted);
      if (c == ',') {
        c = in.read();
        continue;
      }
      if (c == '\r') {
        c = in.read();
        if (c != '\n') {
          throw new ExportException("record " + (record + 1) + " ends with CR not followed by LF");
        }
        return true;
      }
      if (c == '\n' || c < 0) {
        return true;
      }
      throw new ExportException("record " + (record + 1) + " has text after a closing quote");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
