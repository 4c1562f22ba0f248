package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalBlobStoreLinkTest {
  private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
  private static final Instant EXPIRES_AT = NOW.plus(Duration.ofHours(1));
  private static final String KEY = "1/run/00000.jsonl";
  private static final String FILE_NAME = "2026-11-20 export é.jsonl";
  private static final String BASE_PATH = "/fdbe/local-downloads/";

  @TempDir
  Path dir;

  private LocalBlobStore store(String root) {
    return LocalBlobStore.create(LocalStorageConfig.builder(dir.resolve(root)).build());
  }

  private static void put(LocalBlobStore store, String key, String text) {
    try {
      BlobUpload upload = store.beginUpload(key);
      upload.stream().write(text.getBytes(StandardCharsets.UTF_8));
      upload.commit();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Verifies a link the way a server does: path after the base, raw query. */
  private static VerifiedDownload verify(LocalBlobStore store, URI link, Instant now) {
    assertThat(link.getRawPath()).startsWith(BASE_PATH);
    return store.verifyLink(link.getRawPath().substring(BASE_PATH.length()), link.getRawQuery(), now);
  }

  private static ThrowingCallable verifying(LocalBlobStore store, String path, String rawQuery) {
    return () -> store.verifyLink(path, rawQuery, NOW);
  }

  private static InvalidLinkException.Reason reasonOf(Throwable e) {
    return ((InvalidLinkException) e).reason();
  }

  // ------------------------------------------------------------------ format

  @Test
  void linkHasTheDocumentedFormatAndSignature() throws Exception {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 7);
    LocalBlobStore store = LocalBlobStore.create(LocalStorageConfig.builder(dir.resolve("s"))
        .linkBaseUrl(URI.create("https://dl.example.com/files/"))
        .signingKey(secret)
        .build());

    URI link = store.signedLink(KEY, FILE_NAME, EXPIRES_AT.plusMillis(999));

    long expires = EXPIRES_AT.getEpochSecond();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(
        mac.doFinal((KEY + "\n" + FILE_NAME + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
    assertThat(link).hasToString("https://dl.example.com/files/1/run/00000.jsonl"
        + "?filename=2026-11-20%20export%20%C3%A9.jsonl&expires=" + expires + "&signature=" + signature);
  }

  @Test
  void linksUseTheServersDefaultBaseUrl() {
    URI link = store("s").signedLink(KEY, "a.jsonl", EXPIRES_AT);

    assertThat(link.toString()).startsWith("http://127.0.0.1:8000/fdbe/local-downloads/1/run/00000.jsonl?filename=");
  }

  @Test
  void signedLinkRefusesBadArguments() {
    LocalBlobStore store = store("s");

    for (String fileName : List.of("", "a\nb.csv", "a\r.csv", "dir/a.csv", "a\\b.csv", "a\"b.csv")) {
      assertThatThrownBy(() -> store.signedLink(KEY, fileName, EXPIRES_AT)).as(fileName)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fileName");
    }
    assertThatThrownBy(() -> store.signedLink(KEY, "a.csv", Instant.parse("1969-12-31T23:59:59Z")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1969-12-31T23:59:59Z");
    assertThatThrownBy(() -> store.signedLink("../x", "a.csv", EXPIRES_AT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ valid links

  @Test
  void validLinkVerifiesWithItsFileNamePathAndSize() {
    LocalBlobStore store = store("s");
    put(store, KEY, "hello");
    URI link = store.signedLink(KEY, FILE_NAME, EXPIRES_AT);

    VerifiedDownload download = verify(store, link, NOW);

    assertThat(download).isEqualTo(new VerifiedDownload(KEY, store.root().resolve(KEY), FILE_NAME, 5));
    assertThat(download.file()).hasContent("hello");
    assertThat(store.verifyLink("/" + KEY, link.getRawQuery(), NOW)).as("leading slash").isEqualTo(download);
  }

  @Test
  void decodedPartsVerifyToo() {
    LocalBlobStore store = store("s");
    put(store, KEY, "hello");
    URI link = store.signedLink(KEY, FILE_NAME, EXPIRES_AT);
    String signature = link.getRawQuery().replaceAll(".*signature=", "");

    VerifiedDownload download = store.verifyLink(KEY, FILE_NAME, Long.toString(EXPIRES_AT.getEpochSecond()),
        signature, NOW);

    assertThat(download.fileName()).isEqualTo(FILE_NAME);
    assertThat(download.sizeBytes()).isEqualTo(5);
  }

  @Test
  void plusInTheQueryMeansASpace() {
    LocalBlobStore store = store("s");
    put(store, KEY, "x");
    URI link = store.signedLink(KEY, "a b.csv", EXPIRES_AT);

    VerifiedDownload download = store.verifyLink(KEY, link.getRawQuery().replace("%20", "+"), NOW);

    assertThat(download.fileName()).isEqualTo("a b.csv");
  }

  // ------------------------------------------------------------------ tampering

  @Test
  void changingAnyPartOfTheLinkIsRefusedAsTampered() {
    LocalBlobStore store = store("s");
    put(store, KEY, "a");
    put(store, "1/run/00001.jsonl", "b");
    URI link = store.signedLink(KEY, "00000.jsonl", EXPIRES_AT);
    String path = KEY;
    String query = link.getRawQuery();
    String signature = query.replaceAll(".*signature=", "");
    long expires = EXPIRES_AT.getEpochSecond();
    char first = signature.charAt(0);

    List<UnaryOperator<String>> queryChanges = List.of(
        q -> q.replace("filename=00000.jsonl", "filename=00001.jsonl"),
        q -> q.replace("expires=" + expires, "expires=" + (expires + 3600)),
        q -> q.replace("signature=" + signature, "signature=" + (first == 'A' ? 'B' : 'A') + signature.substring(1)));
    for (UnaryOperator<String> change : queryChanges) {
      String changed = change.apply(query);
      assertThat(changed).isNotEqualTo(query);
      assertThatThrownBy(verifying(store, path, changed)).as(changed)
          .isInstanceOf(InvalidLinkException.class)
          .hasMessageContaining("signature does not match")
          .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.TAMPERED));
    }
    assertThatThrownBy(verifying(store, "1/run/00001.jsonl", query))
        .isInstanceOf(InvalidLinkException.class)
        .hasMessageContaining("signature does not match")
        .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.TAMPERED));
    assertThat(verify(store, link, NOW).key()).as("the unchanged link still works").isEqualTo(KEY);
  }

  @Test
  void aSignatureWithANonCanonicalLastCharacterIsRefused() {
    LocalBlobStore store = store("s");
    put(store, KEY, "a");
    URI link = store.signedLink(KEY, "a.csv", EXPIRES_AT);
    String query = link.getRawQuery();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = query.charAt(query.length() - 1);
    // The last of 43 characters carries 4 bits of the 32 bytes and 2 unused bits; setting an unused
    // bit gives text that Java's decoder maps to the very same bytes.
    char sibling = alphabet.charAt(alphabet.indexOf(last) | 1);
    String changed = query.substring(0, query.length() - 1) + sibling;
    String decoded = Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(changed.replaceAll(".*=", "")));
    String original = Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(query.replaceAll(".*=", "")));
    assertThat(decoded).as("the changed signature decodes to the same bytes").isEqualTo(original);

    assertThatThrownBy(verifying(store, KEY, changed))
        .isInstanceOf(InvalidLinkException.class)
        .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.TAMPERED));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-5", "01", "", "1.5", "99999999999999999999"})
  void malformedExpiresIsRefusedAsTampered(String expires) {
    LocalBlobStore store = store("s");
    put(store, KEY, "a");
    String query = store.signedLink(KEY, "a.csv", EXPIRES_AT).getRawQuery()
        .replaceAll("expires=[0-9]+", "expires=" + expires);

    assertThatThrownBy(verifying(store, KEY, query))
        .isInstanceOf(InvalidLinkException.class)
        .hasMessageContaining("malformed expires")
        .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.TAMPERED));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "short", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D", "a!"})
  void malformedSignatureIsRefusedAsTampered(String signature) {
    LocalBlobStore store = store("s");
    put(store, KEY, "a");
    String query = store.signedLink(KEY, "a.csv", EXPIRES_AT).getRawQuery()
        .replaceAll("signature=.*", "signature=" + signature);

    assertThatThrownBy(verifying(store, KEY, query))
        .isInstanceOf(InvalidLinkException.class)
        .hasMessageContaining("malformed signature")
        .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.TAMPERED));
  }

  @Test
  void queriesThatAreNotStrictlyWellFormedAreRefusedAsTampered() {
    LocalBlobStore store = store("s");
    put(store, KEY, "a");
    String query = store.signedLink(KEY, "a.csv", EXPIRES_AT).getRawQuery();
    String expires = "expires=" + EXPIRES_AT.getEpochSecond();

    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {query + "&" + expires, "repeated"});
    cases.add(new String[] {query + "&extra=1", "unexpected query parameter 'extra'"});
    cases.add(new String[] {query.replaceAll("&signature=.*", ""), "missing query parameter 'signature'"});
    cases.add(new String[] {query.replace("filename=a.csv", "filename=a%zz.csv"), "'%' not followed by two hex"});
    cases.add(new String[] {query.replace("filename=a.csv", "filename=a b.csv"), "must be percent-encoded"});
    cases.add(new String[] {query.replace("filename=a.csv", "filename=%C3"), "UTF-8"});
    cases.add(new String[] {query + "&", "is not name=value"});
    cases.add(new String[] {query.replace("filename=a.csv", "filename=a=b.csv"), "must be percent-encoded"});
    for (String[] c : cases) {
      assertThatThrownBy(verifying(store, KEY, c[0])).as(c[0])
          .isInstanceOf(InvalidLinkException.class)
          .hasMessageContaining(c[1])
          .hasMessageContaining(KEY)
          .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.TAMPERED));
    }
    assertThatThrownBy(() -> store.verifyLink(KEY, null, NOW))
        .isInstanceOf(InvalidLinkException.class).hasMessageContaining("no query");
  }

  @Test
  void aPathThatIsNotAKeyIsRefusedAsTampered() {
    LocalBlobStore store = store("s");
    String query = store.signedLink(KEY, "a.csv", EXPIRES_AT).getRawQuery();

    for (String path : List.of("../s/" + KEY, ".fdbe/link-signing-key", "1/run/%30.jsonl", "", "1//x")) {
      assertThatThrownBy(verifying(store, path, query)).as(path)
          .isInstanceOf(InvalidLinkException.class)
          .hasMessageContaining("not a valid object key")
          .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.TAMPERED));
    }
  }

  // ------------------------------------------------------------------ expiry and deletion

  @Test
  void aLinkIsValidUntilItsExpiryAndRefusedAsExpiredFromThen() {
    LocalBlobStore store = store("s");
    put(store, KEY, "a");
    URI link = store.signedLink(KEY, "a.csv", EXPIRES_AT);

    assertThat(verify(store, link, EXPIRES_AT.minusNanos(1)).key()).isEqualTo(KEY);
    for (Instant now : List.of(EXPIRES_AT, EXPIRES_AT.plus(Duration.ofDays(400)))) {
      assertThatThrownBy(() -> verify(store, link, now)).as(now.toString())
          .isInstanceOf(InvalidLinkException.class)
          .hasMessage("download link for '" + KEY + "' expired at " + EXPIRES_AT)
          .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.EXPIRED));
    }
  }

  @Test
  void tamperingIsReportedBeforeExpiry() {
    LocalBlobStore store = store("s");
    put(store, KEY, "a");
    String query = store.signedLink(KEY, "a.csv", EXPIRES_AT).getRawQuery().replace("a.csv", "b.csv");

    assertThatThrownBy(() -> store.verifyLink(KEY, query, EXPIRES_AT.plusSeconds(1)))
        .isInstanceOf(InvalidLinkException.class)
        .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.TAMPERED));
  }

  @Test
  void aLinkToADeletedObjectIsRefusedAsGone() {
    LocalBlobStore store = store("s");
    put(store, KEY, "a");
    URI link = store.signedLink(KEY, "a.csv", EXPIRES_AT);
    store.delete(KEY);

    assertThatThrownBy(() -> verify(store, link, NOW))
        .isInstanceOf(InvalidLinkException.class)
        .hasMessage("download link for '" + KEY + "' points to an object that no longer exists")
        .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.GONE));
  }

  @Test
  void refusalsNameTheKeyAndNeverAPath() {
    LocalBlobStore store = store("s");
    put(store, KEY, "a");
    put(store, "1/file", "a");
    String query = store.signedLink(KEY, "a.csv", EXPIRES_AT).getRawQuery();
    List<ThrowingCallable> refused = List.of(
        verifying(store, KEY, query.replace("a.csv", "b.csv")),
        verifying(store, KEY, null),
        () -> store.verifyLink(KEY, query, EXPIRES_AT),
        () -> verify(store, store.signedLink("1/run", "run", EXPIRES_AT), NOW),
        () -> verify(store, store.signedLink("1/file/x.csv", "x.csv", EXPIRES_AT), NOW));

    for (ThrowingCallable call : refused) {
      assertThatThrownBy(call).isInstanceOf(InvalidLinkException.class)
          .satisfies(e -> assertThat(e.getMessage()).contains("'1/").doesNotContain(dir.toString())
              .doesNotContain(store.root().toString()));
    }
  }

  // ------------------------------------------------------------------ the secret

  @Test
  void theSecretPersistsSoAnotherStoreOnTheSameRootAcceptsTheLink() throws IOException {
    LocalBlobStore first = store("s");
    put(first, KEY, "a");
    URI link = first.signedLink(KEY, "a.csv", EXPIRES_AT);

    LocalBlobStore second = store("s");

    assertThat(verify(second, link, NOW).key()).isEqualTo(KEY);
    Path keyFile = first.root().resolve(".fdbe/link-signing-key");
    assertThat(Files.size(keyFile)).isEqualTo(32);
    if (keyFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent())))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void storesWithDifferentSecretsRefuseEachOthersLinks() {
    LocalBlobStore a = store("a");
    LocalBlobStore b = store("b");
    put(a, KEY, "a");
    put(b, KEY, "b");

    assertThatThrownBy(() -> verify(b, a.signedLink(KEY, "a.csv", EXPIRES_AT), NOW))
        .isInstanceOf(InvalidLinkException.class)
        .hasMessageContaining("signature does not match")
        .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(InvalidLinkException.Reason.TAMPERED));
    assertThatThrownBy(() -> verify(a, b.signedLink(KEY, "a.csv", EXPIRES_AT), NOW))
        .isInstanceOf(InvalidLinkException.class);
  }

  @Test
  void aConfiguredSecretIsSharedAcrossRootsAndNoKeyFileIsMade() {
    byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    LocalBlobStore a = LocalBlobStore.create(LocalStorageConfig.builder(dir.resolve("a")).signingKey(secret).build());
    LocalBlobStore b = LocalBlobStore.create(LocalStorageConfig.builder(dir.resolve("b")).signingKey(secret).build());
    put(b, KEY, "b");

    assertThat(verify(b, a.signedLink(KEY, "a.csv", EXPIRES_AT), NOW).key()).isEqualTo(KEY);
    assertThat(a.root().resolve(".fdbe")).doesNotExist();
    assertThatThrownBy(() -> verify(store("c"), a.signedLink(KEY, "a.csv", EXPIRES_AT), NOW))
        .isInstanceOf(InvalidLinkException.class);
  }

  @Test
  void storesStartingTogetherOnAFreshRootAgreeOnTheSecret() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      startTogether(threads);
    } finally {
      threads.shutdownNow();
    }
  }

  private void startTogether(ExecutorService threads) throws Exception {
    for (int round = 0; round < 20; round++) {
      String root = "r" + round;
      CyclicBarrier start = new CyclicBarrier(4);
      List<CompletableFuture<LocalBlobStore>> starting = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        starting.add(CompletableFuture.supplyAsync(() -> {
          try {
            start.await(30, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return store(root);
        }, threads));
      }
      List<LocalBlobStore> stores = new ArrayList<>();
      for (CompletableFuture<LocalBlobStore> s : starting) {
        stores.add(s.get(30, TimeUnit.SECONDS));
      }
      put(stores.get(0), KEY, "a");
      URI link = stores.get(0).signedLink(KEY, "a.csv", EXPIRES_AT);
      for (LocalBlobStore other : stores) {
        assertThat(verify(other, link, NOW).key()).isEqualTo(KEY);
      }
      try (var entries = Files.list(stores.get(0).root().resolve(".fdbe"))) {
        assertThat(entries).as("no temporary key files are left").hasSize(1);
      }
    }
  }

  @Test
  void aKeyFileThatIsTooShortIsANonRetryableError() throws IOException {
    Path keyFile = dir.resolve("s/.fdbe/link-signing-key");
    Files.createDirectories(keyFile.getParent());
    Files.write(keyFile, new byte[5]);

    assertThatThrownBy(() -> store("s"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining(".fdbe/link-signing-key under its root")
        .hasMessageContaining("5 bytes")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(dir.toString()))
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
  }
}
