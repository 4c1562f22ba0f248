package dev.fdbe.format.jsonl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fdbe.schema.Column;
import dev.fdbe.ExportException;
import dev.fdbe.schema.Schema;
import dev.fdbe.format.IsoTimestamps;
import dev.fdbe.format.Json;
import dev.fdbe.format.RowReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JSON Lines written by {@link JsonLinesFormat}, checking every row against the schema. */
public final class JsonLinesReader implements RowReader {
  /**
   * {@link Json#FACTORY} one level deeper: a row is an object around its values, so a JSON value as
   * deep as the writers accept is one level deeper in its line.
   */
  private static final JsonFactory ROWS = Json.FACTORY.rebuild()
      .streamReadConstraints(Json.FACTORY.streamReadConstraints().rebuild()
          .maxNestingDepth(Json.FACTORY.streamReadConstraints().getMaxNestingDepth() + 1).build())
      .build();

  private final JsonParser parser;
  private final Schema schema;
  private long line;

  public JsonLinesReader(InputStream in, Schema schema) throws IOException {
    this.parser = ROWS.createParser(in);
    this.schema = schema;
  }

  @Override
  public Map<String, Object> next() throws IOException {
    try {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return null;
      }
      line++;
      if (token != JsonToken.START_OBJECT) {
        throw new ExportException("row " + line + " is not a JSON object");
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (Column column : schema.columns()) {
        row.put(column.name(), null);
      }
      List<String> seen = new ArrayList<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        int index = schema.indexOf(name);
        if (index < 0) {
          throw new ExportException("row " + line + " has unknown column '" + name + "'");
        }
        seen.add(name);
        parser.nextToken();
        row.put(name, value(schema.column(index)));
      }
      if (seen.size() != schema.size()) {
        List<String> missing = new ArrayList<>();
        schema.columns().forEach(c -> missing.add(c.name()));
        missing.removeAll(seen);
        throw new ExportException("row " + line + " lacks columns " + missing);
      }
      return row;
    } catch (JsonProcessingException e) { // malformed, or beyond the parser's limits
      throw new ExportException("row " + (line + 1) + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private Object value(Column column) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    try {
      return switch (column.type()) {
        case STRING -> expect(column, token, JsonToken.VALUE_STRING, parser.getText());
        case INT64 -> {
          expect(column, token, JsonToken.VALUE_NUMBER_INT, null);
          yield parser.getLongValue();
        }
        case BOOLEAN -> {
          if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
            throw mismatch(column, token);
          }
          yield token == JsonToken.VALUE_TRUE;
        }
        case TIMESTAMP -> IsoTimestamps.parse((String) expect(column, token, JsonToken.VALUE_STRING, parser.getText()));
        case JSON -> Json.compactValue(parser);
        case STRING_LIST -> {
          expect(column, token, JsonToken.START_ARRAY, null);
          List<String> values = new ArrayList<>();
          for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
            if (element == JsonToken.VALUE_NULL) {
              values.add(null);
            } else if (element == JsonToken.VALUE_STRING) {
              values.add(parser.getText());
            } else {
              throw mismatch(column, element);
            }
          }
          yield Collections.unmodifiableList(values);
        }
      };
    } catch (IllegalArgumentException e) {
      throw new ExportException("row " + line + ", column '" + column.name() + "': " + e.getMessage(), e);
    }
  }

  private Object expect(Column column, JsonToken token, JsonToken expected, Object value) {
    if (token != expected) {
      throw mismatch(column, token);
    }
    return value;
  }

  private ExportException mismatch(Column column, JsonToken token) {
    return new ExportException("row " + line + ", column '" + column.name() + "' of type " + column.type()
        + " holds " + token);
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
