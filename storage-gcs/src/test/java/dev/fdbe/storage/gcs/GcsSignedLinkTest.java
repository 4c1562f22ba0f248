package dev.fdbe.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.core.ApiClock;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.fdbe.ExportException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V4 signed download links, checked against the V4 signing process as Cloud Storage documents it:
 * the query parameters are read back from the link, the canonical request and the string to sign
 * are rebuilt here from those rules (not by the client library), and the signature is verified
 * with the public half of a key pair made in the test.
 */
class GcsSignedLinkTest {
  private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String KEY = "1/0190a1b2-run/attempt-1/team=1/2026-11-20T000000Z-2026-11-21T000000Z-00003.parquet";
  private static final String FILE_NAME = "2026-11-20T000000Z-2026-11-21T000000Z-00003.parquet";

  /** A client that sends nothing, as signing is local; its clock dates the signatures. */
  private final Storage client = StorageOptions.http()
      .setProjectId(GcsStub.PROJECT)
      .setCredentials(NoCredentials.getInstance())
      .setClock(new ApiClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long millisTime() {
          return CLOCK.millis();
        }
      })
      .build()
      .getService();

  @TempDir
  Path dir;

  private GcsBlobStore store() {
    return GcsBlobStore.create(GcsStorageConfig.builder(GcsStub.BUCKET).keyPrefix("exports").storage(client)
        .linkSigner(SigningKeys.credentials()).clock(CLOCK).build());
  }

  @Test
  void linkIsAV4SignedGetWithTheFileNameWhoseSignatureVerifiesWithThePublicKey() throws Exception {
    URI link = store().signedLink(KEY, FILE_NAME, NOW.plus(Duration.ofMinutes(90)));

    assertThat(link.getScheme()).isEqualTo("https");
    assertThat(link.getRawAuthority()).isEqualTo("storage.googleapis.com");
    assertThat(link.getRawPath()).isEqualTo("/" + GcsStub.BUCKET + "/exports/" + encode(KEY, false));
    Map<String, String> query = query(link.getRawQuery());
    assertThat(query).containsEntry("X-Goog-Algorithm", "GOOG4-RSA-SHA256")
        .containsEntry("X-Goog-Credential", SigningKeys.EMAIL + "/20261120/auto/storage/goog4_request")
        .containsEntry("X-Goog-Date", "20261120T100000Z")
        .containsEntry("X-Goog-Expires", "5400")
        .containsEntry("X-Goog-SignedHeaders", "host")
        .containsEntry("response-content-disposition", "attachment; filename=\"" + FILE_NAME + "\"")
        .containsKey("X-Goog-Signature");
    assertThat(query).hasSize(7);

    assertThat(verifies(link, "storage.googleapis.com", SigningKeys.pair().getPublic())).isTrue();
  }

  @Test
  void aChangedParameterNoLongerVerifies() throws Exception {
    URI link = store().signedLink(KEY, FILE_NAME, NOW.plus(Duration.ofMinutes(90)));
    URI longer = URI.create(link.toString().replace("X-Goog-Expires=5400", "X-Goog-Expires=604800"));
    URI renamed = URI.create(link.toString().replace("00003.parquet%22", "00004.parquet%22"));

    assertThat(verifies(longer, "storage.googleapis.com", SigningKeys.pair().getPublic())).isFalse();
    assertThat(verifies(renamed, "storage.googleapis.com", SigningKeys.pair().getPublic())).isFalse();
  }

  @Test
  void lifetimeIsTheWholeSecondsUntilExpiry() {
    URI link = store().signedLink(KEY, FILE_NAME, NOW.plusMillis(10_999));

    assertThat(query(link.getRawQuery())).containsEntry("X-Goog-Expires", "10");
  }

  @Test
  void lifetimeIsClampedToTheSevenDaysV4Allows() {
    URI link = store().signedLink(KEY, FILE_NAME, NOW.plus(Duration.ofDays(30)));

    assertThat(query(link.getRawQuery())).containsEntry("X-Goog-Expires", "604800");
  }

  @Test
  void anExpiryLessThanASecondAwayIsRefused() {
    assertThatThrownBy(() -> store().signedLink(KEY, FILE_NAME, NOW.plusMillis(999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expiresAt")
        .hasMessageContaining("2026-11-20T10:00:00.999Z");
    assertThatThrownBy(() -> store().signedLink(KEY, FILE_NAME, NOW.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fileNamesThatWouldBreakTheHeaderAreRefused() {
    for (String name : new String[] {"", "a\"b.csv", "a/b.csv", "a\\b.csv", "a\nb.csv"}) {
      assertThatThrownBy(() -> store().signedLink(KEY, name, NOW.plusSeconds(60)))
          .as(name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fileName");
    }
    assertThatThrownBy(() -> store().signedLink("a/../b", FILE_NAME, NOW.plusSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void credentialsThatCannotSignAreANonRetryableErrorNamingTheObject() {
    GcsBlobStore unsigned = GcsBlobStore.create(GcsStorageConfig.builder(GcsStub.BUCKET).storage(client)
        .clock(CLOCK).build());

    assertThatThrownBy(() -> unsigned.signedLink("a/b.csv", "b.csv", NOW.plusSeconds(60)))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("gs://" + GcsStub.BUCKET + "/a/b.csv")
        .hasMessageContaining("cannot sign")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
  }

  @Test
  void aStoreFromAKeyFileAndAnEndpointSignsLinksToTheEndpoint() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("key.json"), SigningKeys.keyFileJson());
    GcsBlobStore fromFile = GcsBlobStore.create(GcsStorageConfig.builder(GcsStub.BUCKET)
        .credentialsFile(keyFile).endpoint(URI.create("http://127.0.0.1:4443")).projectId("fdbe-test").clock(CLOCK)
        .build());

    // The lifetime is measured on the fixed clock: exactly 120 s, however long signing takes.
    URI link = fromFile.signedLink("a/b.csv", "b.csv", NOW.plusSeconds(120));

    assertThat(link.toString()).startsWith("http://127.0.0.1:4443/" + GcsStub.BUCKET + "/a/b.csv?");
    assertThat(query(link.getRawQuery()).get("X-Goog-Expires")).isEqualTo("120");
    assertThat(query(link.getRawQuery())).containsEntry("X-Goog-Credential",
        SigningKeys.EMAIL + "/" + query(link.getRawQuery()).get("X-Goog-Date").substring(0, 8)
            + "/auto/storage/goog4_request");
    assertThat(verifies(link, "127.0.0.1:4443", SigningKeys.pair().getPublic())).isTrue();
  }

  @Test
  void aGivenClientOfAnEmulatorSignsLinksToItsHostAndPort() throws Exception {
    Storage emulatorClient = StorageOptions.http().setHost("http://127.0.0.1:4443").setProjectId(GcsStub.PROJECT)
        .setCredentials(NoCredentials.getInstance()).build().getService();
    GcsBlobStore onEmulator = GcsBlobStore.create(GcsStorageConfig.builder(GcsStub.BUCKET).storage(emulatorClient)
        .linkSigner(SigningKeys.credentials()).clock(CLOCK).build());

    URI link = onEmulator.signedLink("a/b.csv", "b.csv", NOW.plusSeconds(120));

    // The client alone would drop the port.
    assertThat(link.toString()).startsWith("http://127.0.0.1:4443/" + GcsStub.BUCKET + "/a/b.csv?");
    assertThat(verifies(link, "127.0.0.1:4443", SigningKeys.pair().getPublic())).isTrue();
  }

  // ------------------------------------------------------------------ the V4 rules, rebuilt

  /**
   * Whether the link's signature is an RSA-SHA256 signature, by the key, of the string to sign
   * that the V4 process makes from the link: {@code GOOG4-RSA-SHA256}, the request time, the
   * credential scope and the hex SHA-256 of the canonical request, one per line. The canonical
   * request is the method, the percent-encoded path, the sorted and encoded query without the
   * signature, the canonical headers (only {@code host}), an empty line, the signed header names
   * and {@code UNSIGNED-PAYLOAD}, one per line.
   */
  private static boolean verifies(URI link, String host, PublicKey key) throws GeneralSecurityException {
    Map<String, String> query = query(link.getRawQuery());
    String signature = query.remove("X-Goog-Signature");
    TreeMap<String, String> sorted = new TreeMap<>();
    query.forEach((name, value) -> sorted.put(encode(name, true), encode(value, true)));
    StringBuilder canonicalQuery = new StringBuilder();
    sorted.forEach((name, value) -> canonicalQuery.append(canonicalQuery.length() == 0 ? "" : "&")
        .append(name).append('=').append(value));
    String canonicalRequest = String.join("\n",
        "GET",
        link.getRawPath(),
        canonicalQuery,
        "host:" + host + "\n",
        query.get("X-Goog-SignedHeaders"),
        "UNSIGNED-PAYLOAD");
    String date = query.get("X-Goog-Date");
    String scope = date.substring(0, 8) + "/auto/storage/goog4_request";
    assertThat(query.get("X-Goog-Credential")).endsWith("/" + scope);
    String stringToSign = String.join("\n", "GOOG4-RSA-SHA256", date, scope,
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(key);
    rsa.update(stringToSign.getBytes(StandardCharsets.UTF_8));
    return rsa.verify(HexFormat.of().parseHex(signature));
  }

  /** RFC 3986 percent-encoding of UTF-8: everything but unreserved characters, and {@code /} too unless in a path. */
  private static String encode(String text, boolean encodeSlash) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || (c == '/' && !encodeSlash);
      out.append(unreserved ? String.valueOf(c) : String.format("%%%02X", b & 0xff));
    }
    return out.toString();
  }

  /** The query's parameters, percent-decoded, in their order. */
  private static Map<String, String> query(String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String part : rawQuery.split("&")) {
      int equals = part.indexOf('=');
      parameters.put(decode(part.substring(0, equals)), decode(part.substring(equals + 1)));
    }
    return parameters;
  }

  private static String decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
