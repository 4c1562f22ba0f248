package dev.fdbe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.fdbe.Compression;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.TimeRange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Turns a create request's JSON body into an {@link ExportRequest}, naming the field at fault for
 * every problem of shape or type. The rules about values are not checked here but by the values
 * themselves when they are made (a negative size by {@link FileConfig}, an end before the start by
 * {@link TimeRange}, ...) and by the engine (the interval's length, ...), so the HTTP API and the
 * Java API agree; they come after every problem of shape.
 */
final class CreateRequestParser {
  private static final List<String> FIELDS =
      List.of("model", "file", "include", "exclude", "data_interval_start", "data_interval_end");
  private static final Set<String> FILE_FIELDS = Set.of("format", "compression", "max_size_mb");
  /**
   * Reads numbers with a fraction or exponent as they are written ({@code BigDecimal}), not rounded
   * to a double: 1.0000000000000001 MiB is not a whole number, and 1e-999 is not 0.
   */
  private static final ObjectReader READER =
      JsonBodies.MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  static ExportRequest parse(byte[] body) {
    JsonNode root;
    try {
      root = READER.readTree(body);
    } catch (JsonProcessingException e) {
      String reason = e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source:.*", "");
      throw ApiError.invalid(null, "Malformed JSON" + (e.getLocation() == null ? "" : " at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()) + ": " + reason);
    } catch (IOException e) {
      throw ApiError.invalid(null, "the request body cannot be read: " + e.getMessage());
    } catch (NumberFormatException e) {
      // An exponent no BigDecimal holds, such as 1e-999999999999.
      throw ApiError.invalid(null, "Malformed JSON: a number is out of range ("
          + WireParser.shown(String.valueOf(e.getMessage())) + ")");
    }
    if (root == null || root.isMissingNode()) {
      throw ApiError.invalid(null, "the request body is empty; send a JSON object with 'model', "
          + "'data_interval_start' and 'data_interval_end'");
    }
    if (!root.isObject()) {
      throw ApiError.invalid(null, "the request body must be a JSON object, not " + kind(root));
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw ApiError.invalid(name, "Unknown field '" + WireParser.shown(name) + "'; the fields are " + FIELDS);
      }
    }
    Model model = model(root.get("model"));
    FileFields file = file(root.get("file"));
    List<String> include = names("include", root.get("include"));
    List<String> exclude = names("exclude", root.get("exclude"));
    Instant start = instant("data_interval_start", root.get("data_interval_start"));
    Instant end = instant("data_interval_end", root.get("data_interval_end"));
    // Every field has its shape now; the values check their own rules as they are made.
    FileConfig config = new FileConfig(file.format(), file.compression(), file.maxSizeMb());
    TimeRange interval = new TimeRange(start, end);
    return ExportRequest.builder(model, interval).file(config).include(include).exclude(exclude).build();
  }

  /**
   * The fields of {@code file} once their shapes are checked. The {@link FileConfig} is made from
   * them after the other fields are parsed, so that a problem of shape anywhere in the body is
   * reported before a rule about a value.
   */
  private record FileFields(FileFormat format, Compression compression, long maxSizeMb) {
    static final FileFields DEFAULT = new FileFields(FileFormat.PARQUET, Compression.NONE, 0);
  }

  private static Model model(JsonNode node) {
    if (node == null || node.isNull()) {
      throw ApiError.invalid("model", "'model' is required: one of " + Model.wireNames());
    }
    if (!node.isTextual()) {
      throw ApiError.invalid("model", "'model' must be a string, one of " + Model.wireNames() + ", not " + kind(node));
    }
    return Model.fromWireName(node.textValue()).orElseThrow(() -> ApiError.invalid("model",
        "'model' must be one of " + Model.wireNames() + ", got '" + WireParser.shown(node.textValue()) + "'"));
  }

  private static FileFields file(JsonNode node) {
    if (node == null || node.isNull()) {
      return FileFields.DEFAULT;
    }
    if (!node.isObject()) {
      throw ApiError.invalid("file", "'file' must be an object with 'format', 'compression' and 'max_size_mb', not "
          + kind(node));
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FILE_FIELDS.contains(name)) {
        throw ApiError.invalid("file", "Unknown field 'file." + WireParser.shown(name) + "'; the fields of 'file' are "
            + List.of("format", "compression", "max_size_mb"));
      }
    }
    FileFormat format = FileFormat.PARQUET;
    JsonNode formatNode = node.get("format");
    if (formatNode != null && !formatNode.isNull()) {
      if (!formatNode.isTextual()) {
        throw ApiError.invalid("file", "'file.format' must be a string, one of " + FileFormat.wireNames());
      }
      format = FileFormat.fromWireName(formatNode.textValue()).orElseThrow(() -> ApiError.invalid("file",
          "'file.format' must be one of " + FileFormat.wireNames() + ", got '" + WireParser.shown(formatNode.textValue()) + "'"));
    }
    Compression compression = Compression.NONE;
    JsonNode compressionNode = node.get("compression");
    if (compressionNode != null && !compressionNode.isNull()) {
      if (!compressionNode.isTextual()) {
        throw ApiError.invalid("file", "'file.compression' must be null or one of " + Compression.wireNames());
      }
      compression = Compression.fromWireName(compressionNode.textValue()).orElseThrow(() -> ApiError.invalid("file",
          "'file.compression' must be null or one of " + Compression.wireNames() + ", got '"
              + WireParser.shown(compressionNode.textValue()) + "'"));
    }
    long maxSizeMb = 0;
    JsonNode sizeNode = node.get("max_size_mb");
    if (sizeNode != null && !sizeNode.isNull()) {
      if (!sizeNode.isIntegralNumber() && !(sizeNode.isNumber() && sizeNode.decimalValue().stripTrailingZeros().scale() <= 0)) {
        throw ApiError.invalid("file", "'file.max_size_mb' must be null or a whole number of MiB, not " + kind(sizeNode));
      }
      if (!sizeNode.canConvertToLong() || sizeNode.bigIntegerValue().bitLength() > 62) {
        throw ApiError.invalid("file", "'file.max_size_mb' is out of range: " + sizeNode.asText());
      }
      maxSizeMb = sizeNode.longValue();
    }
    return new FileFields(format, compression, maxSizeMb);
  }

  private static List<String> names(String field, JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw ApiError.invalid(field, "'" + field + "' must be a list of event names, not " + kind(node));
    }
    List<String> names = new ArrayList<>();
    for (JsonNode element : node) {
      if (!element.isTextual()) {
        throw ApiError.invalid(field, "'" + field + "' must hold strings, not " + kind(element));
      }
      names.add(WireParser.checkText(field, element.textValue()));
    }
    return names;
  }

  private static Instant instant(String field, JsonNode node) {
    if (node == null || node.isNull()) {
      throw ApiError.invalid(field, "'" + field + "' is required: an ISO-8601 date-time, "
          + WireParser.DATE_TIME_FORMS);
    }
    if (!node.isTextual()) {
      throw ApiError.invalid(field, "'" + field + "' must be an ISO-8601 date-time string, not " + kind(node));
    }
    return WireParser.dateTime(field, node.textValue());
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private CreateRequestParser() {}
}
