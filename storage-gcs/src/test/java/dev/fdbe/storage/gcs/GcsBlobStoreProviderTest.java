package dev.fdbe.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.BlobStores;
import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.DownloadLinkSigner;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcsBlobStoreProviderTest {
  @TempDir
  Path dir;

  private static GcsStorageConfig config(String uri) {
    return GcsBlobStoreProvider.config(URI.create(uri));
  }

  @Test
  void theLocationCarriesBucketPrefixAndSettings() {
    GcsStorageConfig config = config("gs://my-exports/fdbe/runs?projectId=my-project"
        + "&credentialsFile=/etc/fdbe/key%20file.json&endpoint=http://127.0.0.1:4443&chunkSizeMb=8");

    assertThat(config.bucket()).isEqualTo("my-exports");
    assertThat(config.keyPrefix()).isEqualTo("fdbe/runs");
    assertThat(config.projectId()).contains("my-project");
    assertThat(config.credentialsFile()).contains(Path.of("/etc/fdbe/key file.json"));
    assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:4443"));
    assertThat(config.chunkSizeBytes()).isEqualTo(8 << 20);
  }

  @Test
  void valuesAreDecodedAsEveryStoreLocationDecodesThem() {
    GcsStorageConfig config = config("gs://my-exports?credentialsFile=/etc/fdbe/k%C3%A9y+1.json");

    assertThat(config.credentialsFile()).contains(Path.of("/etc/fdbe/k\u00e9y 1.json"));
  }

  @Test
  void aBareBucketHasNoPrefixAndDefaults() {
    assertThat(config("gs://my_bucket").keyPrefix()).isEmpty();
    assertThat(config("gs://my_bucket/").keyPrefix()).isEmpty();
    assertThat(config("gs://b-1/p/").keyPrefix()).isEqualTo("p");
    assertThat(config("gs://b-1").chunkSizeBytes()).isEqualTo(GcsStorageConfig.DEFAULT_CHUNK_SIZE_BYTES);
  }

  @Test
  void badLocationsAreRefusedNamingTheProblem() {
    String[][] cases = {
        {"s3://b/p", "the scheme must be 'gs'"},
        {"gs:b", "must name a bucket"},
        {"gs:///p", "must name a bucket"},
        {"gs://UPPER/p", "invalid bucket name 'UPPER'"},
        {"gs://b-1/a//b", "invalid keyPrefix"},
        {"gs://b-1/p#frag", "fragment"},
        {"gs://b-1/p?region=eu", "unknown query parameter 'region'; known: projectId, credentialsFile, endpoint, "
            + "chunkSizeMb"},
        {"gs://b-1/p?chunkSizeMb=0", "chunkSizeMb must be a whole number of MiB from 1 to 1024, got '0'"},
        {"gs://b-1/p?chunkSizeMb=1.5", "got '1.5'"},
        {"gs://b-1/p?chunkSizeMb=2048", "got '2048'"},
        {"gs://b-1/p?projectId=a&projectId=b", "'projectId' is repeated"},
        {"gs://b-1/p?projectId=", "'projectId' is empty"},
        {"gs://b-1/p?projectId", "is not name=value"},
        {"gs://b-1/p?endpoint=ftp://h", "invalid endpoint 'ftp://h'"},
        {"gs://b-1/p?endpoint=http://gcs_emulator:4443", "'gcs_emulator:4443' is not a valid host name"},
        {"gs://b-1/p?=x", "query part '=x' has no name"},
        {"gs://b-1/p?projectId=caf\u00e9", "has a character that must be percent-encoded: '\u00e9'"},
        {"gs://b-1/p?projectId=a=b", "has a character that must be percent-encoded: '='"},
        {"gs://b-1/p?projectId=%FF", "'%FF' does not decode to UTF-8 text"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> config(c[0])).as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid Google Cloud Storage location '" + c[0] + "'")
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void blobStoresFindTheProviderForGs() throws Exception {
    Path key = Files.writeString(dir.resolve("key.json"), SigningKeys.keyFileJson());

    BlobStore store = BlobStores.fromUri(URI.create("gs://my-exports/fdbe?credentialsFile=" + key
        + "&endpoint=http://127.0.0.1:4443&projectId=fdbe-test"));

    assertThat(store).isInstanceOf(GcsBlobStore.class);
    assertThat(store.describe()).isEqualTo("Google Cloud Storage gs://my-exports/fdbe/");
    assertThat(new GcsBlobStoreProvider().scheme()).isEqualTo("gs");
  }

  @Test
  void aStoreFromALocationWritesReadsAndSignsThroughTheEndpoint() throws Exception {
    try (GcsStub gcs = GcsStub.start()) {
      Path key = Files.writeString(dir.resolve("key.json"), SigningKeys.keyFileJson(gcs.tokenUri().toString()));
      BlobStore store = BlobStores.fromUri(URI.create("gs://" + GcsStub.BUCKET + "/fdbe?credentialsFile=" + key
          + "&endpoint=" + gcs.endpoint() + "&projectId=" + GcsStub.PROJECT + "&chunkSizeMb=1"));
      byte[] data = new byte[3 * 1024 * 1024 + 5];
      new java.util.Random(7).nextBytes(data);

      BlobUpload upload = store.beginUpload("1/run/a.csv");
      upload.stream().write(data);
      assertThat(upload.commit().sizeBytes()).isEqualTo(data.length);

      assertThat(gcs.objectNames()).containsExactly("fdbe/1/run/a.csv");
      assertThat(gcs.uploadRequests()).as("1 MiB chunks").hasSize(4);
      try (InputStream in = store.open("1/run/a.csv")) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      URI link = ((DownloadLinkSigner) store).signedLink("1/run/a.csv", "a.csv", Instant.now().plusSeconds(60));
      HttpResponse<byte[]> followed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(link).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(followed.statusCode()).isEqualTo(200);
      assertThat(followed.body()).isEqualTo(data);
      assertThat(gcs.calls(GcsStub.Call.TOKEN)).as("the key's token endpoint").isPositive();
      assertThat(gcs.authorizations()).containsExactly("Bearer " + GcsStub.ACCESS_TOKEN);
    }
  }

  @Test
  void anUnreadableKeyFileIsANonRetryableErrorNamingIt() {
    Path missing = dir.resolve("missing.json");

    assertThatThrownBy(() -> BlobStores.fromUri(URI.create("gs://my-exports?credentialsFile=" + missing)))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("gs://my-exports")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
  }

  @Test
  void aKeyItsTokenEndpointRefusesIsANonRetryableError() throws Exception {
    try (GcsStub gcs = GcsStub.start()) {
      Path key = Files.writeString(dir.resolve("revoked.json"), SigningKeys.keyFileJson(gcs.tokenUri().toString()));
      BlobStore store = BlobStores.fromUri(URI.create("gs://" + GcsStub.BUCKET + "/fdbe?credentialsFile=" + key
          + "&endpoint=" + gcs.endpoint() + "&projectId=" + GcsStub.PROJECT));
      gcs.fail(GcsStub.Call.TOKEN, 400, "{\"error\": \"invalid_grant\", \"error_description\": \"Invalid JWT\"}", 50);

      assertThatThrownBy(() -> put(store, "1/run/a.csv"))
          .isExactlyInstanceOf(ExportException.class)
          .satisfies(e -> assertThat(((ExportException) e).isRetryable()).as("a revoked key never heals").isFalse());
    }
  }

  private static void put(BlobStore store, String key) throws java.io.IOException {
    BlobUpload upload = store.beginUpload(key);
    upload.stream().write(new byte[10]);
    upload.commit();
  }
}
