package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rule of {@link LocalDownloadHandler}, on a real store with a fixed clock. */
class LocalDownloadHandlerTest {
  private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
  private static final Instant EXPIRES_AT = NOW.plus(Duration.ofHours(1));
  private static final String KEY = "1/run/attempt/00000.jsonl";
  private static final String BASE_PATH = "/fdbe/local-downloads/";
  /** 100 bytes, each its own index, so that any slice shows where it came from. */
  private static final byte[] CONTENT = new byte[100];
  private static final byte[] SECRET = new byte[32];

  static {
    for (int i = 0; i < CONTENT.length; i++) {
      CONTENT[i] = (byte) i;
    }
    Arrays.fill(SECRET, (byte) 3);
  }

  @TempDir
  Path dir;

  private LocalBlobStore store;
  private LocalDownloadHandler handler;
  private URI link;

  @BeforeEach
  void setUp() {
    store = LocalBlobStore.create(LocalStorageConfig.builder(dir.resolve("files")).signingKey(SECRET).build());
    handler = new LocalDownloadHandler(store, Clock.fixed(NOW, ZoneOffset.UTC));
    put(KEY, CONTENT);
    link = store.signedLink(KEY, "00000.jsonl", EXPIRES_AT);
  }

  private void put(String key, byte[] bytes) {
    try {
      BlobUpload upload = store.beginUpload(key);
      upload.stream().write(bytes);
      upload.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A request for the link, with headers given as name, value, name, value... */
  private DownloadResponse request(String method, URI target, String... headers) {
    Map<String, String> byName = new HashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      byName.put(headers[i], headers[i + 1]);
    }
    assertThat(target.getRawPath()).startsWith(BASE_PATH);
    return handler.handle(method, target.getRawPath().substring(BASE_PATH.length()), target.getRawQuery(),
        byName::get);
  }

  private DownloadResponse get(String... headers) {
    return request("GET", link, headers);
  }

  private static byte[] body(DownloadResponse response) {
    try (response) {
      byte[] bytes = response.body().readAllBytes();
      assertThat(bytes).as("the body yields bodyLength bytes").hasSize((int) response.bodyLength());
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] slice(int first, int last) {
    return Arrays.copyOfRange(CONTENT, first, last + 1);
  }

  // ------------------------------------------------------------------ GET and HEAD

  @Test
  void getAnswersTheFileWithItsHeaders() {
    DownloadResponse response = get();

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.problem()).isNull();
    assertThat(response.headers()).containsExactly(
        Map.entry("Content-Type", "application/x-ndjson"),
        Map.entry("Content-Length", "100"),
        Map.entry("Content-Disposition", "attachment; filename=\"00000.jsonl\""),
        Map.entry("Cache-Control", "private, no-store"),
        Map.entry("ETag", response.headers().get("ETag")),
        Map.entry("Accept-Ranges", "bytes"),
        Map.entry("X-Content-Type-Options", "nosniff"));
    assertThat(response.headers().get("ETag")).matches("\"[A-Za-z0-9_-]{22}\"");
    assertThat(response.bodyLength()).isEqualTo(100);
    assertThat(body(response)).isEqualTo(CONTENT);
  }

  @Test
  void headAnswersTheHeadersOfGetWithoutABody() {
    DownloadResponse get = get();
    body(get);
    DownloadResponse head = request("HEAD", link);

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers()).isEqualTo(get.headers());
    assertThat(head.bodyLength()).isZero();
    assertThat(body(head)).isEmpty();
  }

  @Test
  void headIgnoresRange() {
    DownloadResponse head = request("HEAD", link, "Range", "bytes=0-9");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers()).containsEntry("Content-Length", "100").doesNotContainKey("Content-Range");
    assertThat(body(head)).isEmpty();
  }

  @Test
  void anEmptyFileIsServedWhateverTheRange() {
    put("1/run/attempt/empty.csv", new byte[0]);
    URI empty = store.signedLink("1/run/attempt/empty.csv", "empty.csv", EXPIRES_AT);

    DownloadResponse response = request("GET", empty, "Range", "bytes=-5");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.headers()).containsEntry("Content-Length", "0").containsEntry("Content-Type",
        "text/csv; charset=utf-8");
    assertThat(body(response)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "a.parquet, application/vnd.apache.parquet",
      "a.csv.gz, application/gzip",
      "a.jsonl.zst, application/zstd",
      "a.csv.br, application/x-brotli",
      "a.jsonl.lz4, application/x-lz4",
      "a.csv.sz, application/x-snappy-framed",
      "A.JSONL, application/x-ndjson",
      "a.bin, application/octet-stream",
  })
  void theContentTypeFollowsTheFileName(String fileName, String type) {
    DownloadResponse response = request("GET", store.signedLink(KEY, fileName, EXPIRES_AT));

    assertThat(response.headers()).containsEntry("Content-Type", type);
    body(response);
  }

  @Test
  void aNonAsciiFileNameIsSentAsciiAndExactlyInFilenameStar() {
    DownloadResponse response = request("GET", store.signedLink(KEY, "export é 100%.jsonl", EXPIRES_AT));

    assertThat(response.headers().get("Content-Disposition"))
        .isEqualTo("attachment; filename=\"export _ 100%.jsonl\"; filename*=UTF-8''export%20%C3%A9%20100%25.jsonl");
    body(response);
  }

  // ------------------------------------------------------------------ ranges

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bytes=0-9      | 0  | 9",
      "bytes=10-19    | 10 | 19",
      "bytes=99-99    | 99 | 99",
      "bytes=90-      | 90 | 99",
      "bytes=0-       | 0  | 99",
      "bytes=-10      | 90 | 99",
      "bytes=-1       | 99 | 99",
      "bytes=-500     | 0  | 99",
      "bytes=95-500   | 95 | 99",
      "bytes=5-99999999999999999999999 | 5 | 99",
      "Bytes = 3-4    | 3  | 4",
      "bytes=3-4,     | 3  | 4",
      "bytes= 3-4 , , | 3  | 4",
  })
  void oneRangeIsServedAsPartialContent(String range, int first, int last) {
    DownloadResponse response = get("Range", range);

    assertThat(response.status()).as(range).isEqualTo(206);
    assertThat(response.headers())
        .containsEntry("Content-Range", "bytes " + first + "-" + last + "/100")
        .containsEntry("Content-Length", Integer.toString(last - first + 1))
        .containsEntry("Accept-Ranges", "bytes")
        .containsEntry("Content-Disposition", "attachment; filename=\"00000.jsonl\"")
        .containsKey("ETag");
    assertThat(body(response)).isEqualTo(slice(first, last));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=100-", "bytes=100-200", "bytes=150-160", "bytes=-0", "bytes=99999999999999999999-"})
  void aRangeBeyondTheFileIs416(String range) {
    DownloadResponse response = get("Range", range);

    assertThat(response.status()).as(range).isEqualTo(416);
    assertThat(response.headers()).containsEntry("Content-Range", "bytes */100")
        .containsEntry("Content-Type", "application/json").containsEntry("Cache-Control", "no-store");
    assertThat(response.problem()).isNotNull();
    assertThat(response.problem().type()).isEqualTo("invalid_request");
    assertThat(response.problem().code()).isEqualTo("range_not_satisfiable");
    assertThat(response.problem().detail()).contains(range).contains(KEY).contains("100 bytes");
    assertThat(new String(body(response), StandardCharsets.US_ASCII)).isEqualTo(response.problem().json());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bytes", "bytes=", "bytes=,", "0-9", "items=0-9", "bytes=9-0", "bytes=a-b",
      "bytes=1", "bytes=--1", "bytes=-", "bytes=+1-2", "bytes=1-2-3", "bytes=0x1-2", "bytes=٣-4", "bytes=1 -2",
      "bytes=0-1,5-6", "bytes=0-1,200-300", "bytes=200-300,0-1"})
  void aRangeThatIsInvalidOrMultipleIsIgnored(String range) {
    DownloadResponse response = get("Range", range);

    assertThat(response.status()).as(range).isEqualTo(200);
    assertThat(response.headers()).doesNotContainKey("Content-Range").containsEntry("Content-Length", "100");
    assertThat(body(response)).isEqualTo(CONTENT);
  }

  // ------------------------------------------------------------------ entity tags and conditions

  @Test
  void theEtagIsStableAcrossRequestsHandlersAndStoresOnTheSameFile() {
    String tag = get().headers().get("ETag");
    LocalBlobStore again =
        LocalBlobStore.create(LocalStorageConfig.builder(dir.resolve("files")).signingKey(SECRET).build());
    LocalDownloadHandler other = new LocalDownloadHandler(again, Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(get().headers().get("ETag")).isEqualTo(tag);
    assertThat(get("Range", "bytes=0-0").headers().get("ETag")).isEqualTo(tag);
    assertThat(request("HEAD", link).headers().get("ETag")).isEqualTo(tag);
    assertThat(other.handle("GET", link.getRawPath().substring(BASE_PATH.length()), link.getRawQuery(), name -> null)
        .headers().get("ETag")).isEqualTo(tag);
  }

  @Test
  void theEtagChangesWhenTheObjectIsReplacedOrAnotherObjectIsAsked() {
    String tag = get().headers().get("ETag");
    put("1/run/attempt/00001.jsonl", CONTENT);
    String other = request("GET", store.signedLink("1/run/attempt/00001.jsonl", "00001.jsonl", EXPIRES_AT))
        .headers().get("ETag");

    put(KEY, slice(0, 49));
    DownloadResponse replaced = get();

    assertThat(other).isNotEqualTo(tag);
    assertThat(replaced.headers().get("ETag")).isNotEqualTo(tag).isNotEqualTo(other);
    assertThat(body(replaced)).isEqualTo(slice(0, 49));
  }

  @Test
  void theSameBytesWrittenAgainGetANewEtag() throws IOException {
    assumeTrue(Files.readAttributes(store.resolve(KEY), BasicFileAttributes.class).fileKey() != null,
        "this file system tells files apart by their time and size only");
    String tag = get().headers().get("ETag");
    put(KEY, CONTENT); // a new file renamed over the old one, byte for byte the same

    assertThat(get().headers().get("ETag")).isNotEqualTo(tag);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TAG", "W/TAG", "*", " * ", "\"other\", TAG", "\"other\",W/TAG ,\"more\""})
  void ifNoneMatchWithTheCurrentTagIs304(String header) {
    String tag = get().headers().get("ETag");

    for (String method : List.of("GET", "HEAD")) {
      DownloadResponse response = request(method, link, "If-None-Match", header.replace("TAG", tag));

      assertThat(response.status()).as(method + " " + header).isEqualTo(304);
      assertThat(response.headers()).containsExactly(Map.entry("ETag", tag),
          Map.entry("Cache-Control", "private, no-store"));
      assertThat(body(response)).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"other\"", "W/\"other\"", "TAG-but-not", "", "garbage"})
  void ifNoneMatchWithOtherTagsIsIgnored(String header) {
    String tag = get().headers().get("ETag");
    DownloadResponse response = get("If-None-Match", header.replace("TAG", tag.substring(0, tag.length() - 1)));

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response)).isEqualTo(CONTENT);
  }

  @Test
  void ifRangeServesTheRangeOnlyForTheCurrentStrongTag() {
    String tag = get().headers().get("ETag");

    DownloadResponse same = get("Range", "bytes=10-19", "If-Range", tag);
    assertThat(same.status()).isEqualTo(206);
    assertThat(body(same)).isEqualTo(slice(10, 19));

    for (String other : List.of("\"other\"", "W/" + tag, "Fri, 20 Nov 2026 10:00:00 GMT", "")) {
      DownloadResponse whole = get("Range", "bytes=10-19", "If-Range", other);
      assertThat(whole.status()).as(other).isEqualTo(200);
      assertThat(body(whole)).isEqualTo(CONTENT);
    }
    DownloadResponse withoutRange = get("If-Range", tag);
    assertThat(withoutRange.status()).isEqualTo(200);
    body(withoutRange);
  }

  @Test
  void aResumeAfterTheObjectWasReplacedGetsTheWholeNewFile() {
    String tag = get().headers().get("ETag");
    put(KEY, slice(50, 99));

    DownloadResponse response = get("Range", "bytes=10-", "If-Range", tag);

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response)).isEqualTo(slice(50, 99));
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void aChangedSignatureIs403InvalidLink() {
    URI tampered = URI.create(link.toString().replace("signature=", "signature=A").replaceAll("(signature=.{43}).*", "$1"));

    DownloadResponse response = request("GET", tampered);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.problem()).isEqualTo(new DownloadResponse.Problem("authentication_error", "invalid_link",
        "invalid download link for '" + KEY + "': the signature does not match; the link was changed or made by"
            + " another store"));
    assertThat(response.headers()).containsExactly(Map.entry("Content-Type", "application/json"),
        Map.entry("Content-Length", Long.toString(response.bodyLength())), Map.entry("Cache-Control", "no-store"));
    assertThat(new String(body(response), StandardCharsets.US_ASCII)).isEqualTo("{\"type\": \"authentication_error\","
        + " \"code\": \"invalid_link\", \"detail\": \"invalid download link for '" + KEY + "': the signature does not"
        + " match; the link was changed or made by another store\", \"attr\": null}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"filename=x", "expires=1", "without query", "extra parameter"})
  void aLinkChangedAnywhereIs403InvalidLink(String change) {
    String query = link.getRawQuery();
    String changed = switch (change) {
      case "filename=x" -> query.replaceFirst("filename=[^&]*", "filename=x.jsonl");
      case "expires=1" -> query.replaceFirst("expires=[0-9]+", "expires=" + (EXPIRES_AT.getEpochSecond() + 1));
      case "without query" -> null;
      default -> query + "&x=1";
    };
    DownloadResponse response = handler.handle("GET", KEY, changed, name -> null);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.problem().code()).isEqualTo("invalid_link");
    body(response);
  }

  @Test
  void anExpiredLinkIs403LinkExpired() {
    URI expired = store.signedLink(KEY, "00000.jsonl", NOW);

    DownloadResponse response = request("GET", expired);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.problem().type()).isEqualTo("authentication_error");
    assertThat(response.problem().code()).isEqualTo("link_expired");
    assertThat(response.problem().detail()).contains(KEY).contains("expired at " + NOW);
    assertThat(new String(body(response), StandardCharsets.US_ASCII)).contains("\"code\": \"link_expired\"");
  }

  @Test
  void aLinkToADeletedFileIs404() {
    store.delete(KEY);

    DownloadResponse response = get();

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.problem().type()).isEqualTo("invalid_request");
    assertThat(response.problem().code()).isEqualTo("not_found");
    assertThat(response.problem().detail()).contains(KEY).contains("no longer exists");
    body(response);
  }

  @Test
  void aRefusedHeadHasTheHeadersOfGetAndNoBody() {
    store.delete(KEY);
    DownloadResponse get = get();
    DownloadResponse head = request("HEAD", link);

    assertThat(head.status()).isEqualTo(404);
    assertThat(head.headers()).isEqualTo(get.headers()).containsEntry("Content-Length",
        Long.toString(get.bodyLength()));
    assertThat(head.problem()).isEqualTo(get.problem());
    assertThat(head.bodyLength()).isZero();
    assertThat(body(head)).isEmpty();
    body(get);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "get", "head", "TRACE", "X\u0000Y"})
  void otherMethodsAre405WithAllow(String method) {
    DownloadResponse response = request(method, link);

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.headers()).containsEntry("Allow", "GET, HEAD");
    assertThat(response.problem().code()).isEqualTo("method_not_allowed");
    assertThat(response.problem().detail()).doesNotContain("\u0000").endsWith("use GET, HEAD.");
    body(response);
  }

  @Test
  void theMethodIsCheckedBeforeTheLink() {
    DownloadResponse response = handler.handle("POST", "no/such/key", null, name -> null);

    assertThat(response.status()).isEqualTo(405);
    body(response);
  }

  /** Keys that name nothing of the store's objects, even with a signature made with the store's own secret. */
  @ParameterizedTest
  @ValueSource(strings = {"../outside.txt", "1/../../outside.txt", "..", ".fdbe/link-signing-key", "1/.hidden",
      "%2e%2e/outside.txt", "..%2Foutside.txt", "1//x", "1/x/", "a\\b", "/etc/passwd", "//etc/passwd", ""})
  void pathTraversalIsRefusedEvenWithAValidSignature(String key) throws IOException {
    Files.writeString(dir.resolve("outside.txt"), "outside the store");
    long expires = EXPIRES_AT.getEpochSecond();
    String unprefixed = key.startsWith("/") ? key.substring(1) : key;
    String query = "filename=x.txt&expires=" + expires + "&signature=" + LinkKey.of(SECRET).sign(unprefixed, "x.txt",
        expires);

    DownloadResponse response = handler.handle("GET", key, query, name -> null);

    assertThat(response.status()).as(key).isIn(403, 404);
    assertThat(response.problem()).isNotNull();
    byte[] body = body(response);
    assertThat(new String(body, StandardCharsets.US_ASCII)).doesNotContain("outside the store")
        .doesNotContain(dir.toString());
  }

  @Test
  void aSymbolicLinkWhereTheObjectWasIsAnsweredAsAMissingFile() throws IOException {
    Path outside = Files.writeString(dir.resolve("outside.txt"), "outside the store");
    Path object = store.resolve(KEY);
    Files.delete(object);
    Files.createSymbolicLink(object, outside);

    DownloadResponse response = get();

    assertThat(response.status()).isEqualTo(404);
    assertThat(new String(body(response), StandardCharsets.US_ASCII)).doesNotContain("outside the store");
  }

  @Test
  void aKeyWithAQuoteOrNonAsciiTextComesBackEscapedInAsciiJson() {
    DownloadResponse response = handler.handle("GET", "a\"b/é\u0001", link.getRawQuery(), name -> null);

    String json = new String(body(response), StandardCharsets.US_ASCII);
    assertThat(response.status()).isEqualTo(403);
    assertThat(json).contains("'a\\\"b/\\u00e9\\u0001'").matches("\\p{ASCII}*");
  }

  @Test
  void aBrokenStoreThrowsInsteadOfAnswering() throws IOException {
    Path root = store.root();
    Files.move(root, dir.resolve("away"));

    assertThatThrownBy(this::get).isInstanceOf(ExportException.class).isNotInstanceOf(InvalidLinkException.class)
        .hasMessageContaining("local storage").hasMessageNotContaining(root.toString());
  }

  // ------------------------------------------------------------------ the response value

  @Test
  void aResponseChecksAndCopiesItsComponents() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ETag", "\"x\"");
    DownloadResponse response = new DownloadResponse(304, headers, null, 0, java.io.InputStream.nullInputStream());
    headers.put("Other", "y");
    DownloadResponse.Problem problem = new DownloadResponse.Problem("invalid_request", "not_found", "gone");

    assertThat(response.headers()).containsOnlyKeys("ETag");
    assertThatThrownBy(() -> response.headers().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
    for (int status : new int[] {99, 600}) {
      assertThatThrownBy(() -> new DownloadResponse(status, Map.of(), null, 0, java.io.InputStream.nullInputStream()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Integer.toString(status));
    }
    assertThatThrownBy(() -> new DownloadResponse(200, Map.of(), problem, 0, java.io.InputStream.nullInputStream()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("problem");
    assertThatThrownBy(() -> new DownloadResponse(404, Map.of(), null, 0, java.io.InputStream.nullInputStream()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("problem");
    assertThatThrownBy(() -> new DownloadResponse(200, Map.of(), null, -1, java.io.InputStream.nullInputStream()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bodyLength");
    assertThatThrownBy(() -> new DownloadResponse.Problem("t", null, "d")).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("code");
  }

  @Test
  void closingTheResponseClosesTheFile() throws IOException {
    DownloadResponse response = get("Range", "bytes=0-9");
    response.close();

    assertThatThrownBy(() -> response.body().read()).isInstanceOf(IOException.class);
  }

  @Test
  void theBodyReadsByteByByteToo() throws IOException {
    try (DownloadResponse response = get("Range", "bytes=98-")) {
      assertThat(response.body().read()).isEqualTo(98);
      assertThat(response.body().read()).isEqualTo(99);
      assertThat(response.body().read()).isEqualTo(-1);
    }
  }

  @Test
  void nullArgumentsAreNamed() {
    assertThatThrownBy(() -> new LocalDownloadHandler(null, Clock.systemUTC())).hasMessageContaining("store");
    assertThatThrownBy(() -> new LocalDownloadHandler(store, null)).hasMessageContaining("clock");
    assertThatThrownBy(() -> handler.handle(null, KEY, null, name -> null)).hasMessageContaining("method");
    assertThatThrownBy(() -> handler.handle("GET", null, null, name -> null)).hasMessageContaining("keyPath");
    assertThatThrownBy(() -> handler.handle("GET", KEY, null, null)).hasMessageContaining("requestHeader");
  }
}
