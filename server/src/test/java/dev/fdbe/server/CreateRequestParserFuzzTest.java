package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileFormat;
import dev.fdbe.InvalidRequestException;
import dev.fdbe.internal.RequestValidator;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Coverage-guided fuzzing of the create request's body: any bytes either make an
 * {@link ExportRequest} or a 400 ({@link ApiError}, or the core's {@link InvalidRequestException},
 * which {@link ErrorMapping} answers with a 400). No NPE, arithmetic or Jackson exception may
 * escape, and what the engine's validation then does with an accepted request is again a 400 at
 * worst.
 *
 * <p>{@code mvn verify} replays the corpus in {@code CreateRequestParserFuzzTestInputs/anyBody};
 * with {@code JAZZER_FUZZ=1} Jazzer fuzzes (see docs/building.md).
 */
class CreateRequestParserFuzzTest {
  /** The engine's rules, with every format and compression available and a clock after any year-9999 end. */
  private static final RequestValidator VALIDATOR = new RequestValidator(
      Clock.fixed(Instant.parse("9999-12-31T23:59:59Z").plusSeconds(86_400), ZoneOffset.UTC),
      ExportEngine.DEFAULT_MAX_INTERVAL_LENGTH,
      Arrays.stream(FileFormat.values()).collect(Collectors.toMap(Function.identity(),
          format -> (Set<Compression>) EnumSet.allOf(Compression.class))));

  @FuzzTest(maxDuration = "60s")
  void anyBody(byte[] body) {
    ExportRequest request;
    try {
      request = CreateRequestParser.parse(body);
    } catch (ApiError e) {
      assertThat(e.status()).as(e.getMessage()).isEqualTo(400);
      assertThat(e.getMessage()).isNotBlank();
      return;
    } catch (InvalidRequestException e) {
      assertThat(ErrorMapping.toApiError(e).status()).isEqualTo(400);
      return;
    }
    assertMatchesBody(request, body);
    try {
      VALIDATOR.validate(request);
      // What the engine computes from a request it accepted.
      assertThat(request.file().maxPartBytes()).isNotNegative();
    } catch (InvalidRequestException e) {
      assertThat(ErrorMapping.toApiError(e).status()).isEqualTo(400);
    }
  }

  /** An accepted body is one strict JSON object, and the request holds what it says. */
  private static void assertMatchesBody(ExportRequest request, byte[] body) {
    JsonNode root;
    try {
      root = JsonBodies.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("accepted a body that does not parse: " + e.getMessage(), e);
    }
    assertThat(root.isObject()).isTrue();
    assertThat(request.model().wireName()).isEqualTo(root.get("model").textValue());
    // The interval holds the date-times at the microseconds that are stored.
    assertThat(request.dataInterval().start()).isEqualTo(WireParser.dateTime("start",
        root.get("data_interval_start").textValue()).truncatedTo(ChronoUnit.MICROS));
    assertThat(request.dataInterval().end()).isEqualTo(WireParser.dateTime("end",
        root.get("data_interval_end").textValue()).truncatedTo(ChronoUnit.MICROS));
    assertThat(request.include()).isEqualTo(texts(root.get("include")));
    assertThat(request.exclude()).isEqualTo(texts(root.get("exclude")));
    JsonNode file = root.get("file");
    JsonNode format = file == null ? null : file.get("format");
    JsonNode compression = file == null ? null : file.get("compression");
    JsonNode size = file == null ? null : file.get("max_size_mb");
    assertThat(request.file().format().wireName())
        .isEqualTo(format == null || format.isNull() ? "Parquet" : format.textValue());
    assertThat(request.file().compression().wireName())
        .isEqualTo(compression == null || compression.isNull() ? null : compression.textValue());
    assertThat(request.file().maxSizeMb()).isEqualTo(size == null || size.isNull() ? 0 : size.longValue());
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    if (array != null) {
      array.forEach(element -> texts.add(element.textValue()));
    }
    return texts;
  }
}
