package dev.fdbe.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.BlobStores;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreProvider;
import dev.fdbe.spi.BlobUpload;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class S3BlobStoreProviderTest {
  @Test
  void isRegisteredForTheS3Scheme() {
    assertThat(ServiceLoader.load(BlobStoreProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(S3BlobStoreProvider.class);
    assertThat(new S3BlobStoreProvider().scheme()).isEqualTo("s3");
  }

  @Test
  void theLocationCarriesTheWholeConfig() {
    S3StorageConfig config = S3BlobStoreProvider.config(URI.create("s3://acme-exports/fdbe/prod?region=eu-west-1"
        + "&endpoint=http://127.0.0.1:9000&pathStyle=true&sse=aws:kms&kmsKeyId=alias%2Ffdbe&partSizeMb=8"
        + "&inFlightParts=2&profile=exporter"));

    assertThat(config).isEqualTo(S3StorageConfig.builder("acme-exports").keyPrefix("fdbe/prod").region("eu-west-1")
        .endpoint(URI.create("http://127.0.0.1:9000")).pathStyle(true)
        .serverSideEncryption(ServerSideEncryption.SSE_KMS).kmsKeyId("alias/fdbe").partSizeBytes(8L << 20)
        .inFlightParts(2).profile("exporter").build());
    assertThat(S3BlobStoreProvider.config(URI.create("s3://acme-exports"))).isEqualTo(
        S3StorageConfig.builder("acme-exports").build());
    assertThat(S3BlobStoreProvider.config(URI.create("s3://acme-exports/")).keyPrefix()).isEmpty();
    assertThat(S3BlobStoreProvider.config(URI.create("s3://acme-exports/a%2Db/year=2026")).keyPrefix())
        .as("the path is decoded as a path: '=' is a key character there, as in gs: and file: locations")
        .isEqualTo("a-b/year=2026");
    assertThat(S3BlobStoreProvider.config(URI.create("s3://acme-exports?sse=AES256")).serverSideEncryption())
        .hasValue(ServerSideEncryption.SSE_S3);
  }

  @Test
  void badLocationsAreRefusedNamingTheProblem() {
    List<String[]> cases = List.of(
        new String[] {"file:///tmp/x", "the scheme must be 's3'"},
        new String[] {"s3:opaque", "it must name a bucket"},
        new String[] {"s3:///prefix", "it must name a bucket"},
        new String[] {"s3://AKIA:secret@bucket/x", "credentials do not belong in the location"},
        new String[] {"s3://bucket?secretAccessKey=x", "credentials do not belong in the location"},
        new String[] {"s3://bucket?accessKeyId=x", "credentials do not belong in the location"},
        new String[] {"s3://Bad_Bucket/x", "invalid bucket name"},
        new String[] {"s3://bucket/a/../b", "invalid keyPrefix"},
        new String[] {"s3://bucket#frag", "a fragment is not supported"},
        new String[] {"s3://bucket?regoin=eu-west-1", "unknown query parameter 'regoin'; known: region, endpoint"},
        new String[] {"s3://bucket?region=a&region=b", "repeated"},
        new String[] {"s3://bucket?region", "is not name=value"},
        new String[] {"s3://bucket?pathStyle=yes", "pathStyle must be true or false, got 'yes'"},
        new String[] {"s3://bucket?partSizeMb=4", "partSizeMb must be from 5 to 5120, got 4"},
        new String[] {"s3://bucket?partSizeMb=big", "partSizeMb must be a whole number"},
        new String[] {"s3://bucket?inFlightParts=0", "inFlightParts must be from 1 to 64"},
        new String[] {"s3://bucket?sse=kms", "unknown server-side encryption 'kms'"},
        new String[] {"s3://bucket?kmsKeyId=k", "needs serverSideEncryption SSE_KMS"},
        new String[] {"s3://bucket?endpoint=ftp://h", "invalid endpoint 'ftp://h'"},
        new String[] {"s3://bucket?endpoint=http://minio_1:9000", "'minio_1:9000' is not a valid host name"},
        new String[] {"s3://bucket?partSizeMb=9999999999", "partSizeMb is out of range, got '9999999999'"},
        new String[] {"s3://bucket?profile=a&region=eu-west-1&profile=b", "repeated"});
    for (String[] c : cases) {
      URI location = URI.create(c[0]);
      assertThatThrownBy(() -> new S3BlobStoreProvider().create(location)).as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid S3 storage location '" + location + "'")
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void blobStoresFindsAWorkingStoreWithCredentialsFromTheDefaultChain() throws Exception {
    String oldKey = System.getProperty("aws.accessKeyId");
    String oldSecret = System.getProperty("aws.secretAccessKey");
    try (S3ProxyServer server = S3ProxyServer.inMemory()) {
      String bucket = server.newBucket();
      // The SDK's default chain reads these system properties first, as it reads AWS_ACCESS_KEY_ID.
      System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
      System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);

      BlobStore store = BlobStores.fromUri(URI.create("s3://" + bucket + "/fdbe?region=us-east-1&endpoint="
          + server.endpoint + "&pathStyle=true&partSizeMb=5&inFlightParts=2"));

      assertThat(store).isInstanceOf(S3BlobStore.class);
      assertThat(store.describe()).as("what run logs show names no host")
          .isEqualTo("S3 bucket s3://" + bucket + "/fdbe/ (region us-east-1)");
      assertThat(store.toString()).isEqualTo("S3 bucket s3://" + bucket + "/fdbe/ (region us-east-1, endpoint "
          + server.endpoint + ")");
      BlobUpload upload = store.beginUpload("a/b.csv");
      upload.stream().write("x,y".getBytes(StandardCharsets.UTF_8));
      assertThat(upload.commit()).isEqualTo(new BlobInfo("a/b.csv", 3));
      try (InputStream in = store.open("a/b.csv")) {
        assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("x,y");
      }
      assertThat(server.objects(bucket)).extracting(o -> o.key()).containsExactly("fdbe/a/b.csv");
      ((S3BlobStore) store).close();
    } finally {
      restore("aws.accessKeyId", oldKey);
      restore("aws.secretAccessKey", oldSecret);
    }
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }

  @Test
  void withoutARegionAnywhereTheLocationIsRefused() {
    // The build hides the machine's AWS settings from the tests (see the surefire configuration).
    assertThat(System.getenv("AWS_REGION")).isNull();
    assertThat(System.getenv("AWS_EC2_METADATA_DISABLED")).isEqualTo("true");

    assertThatThrownBy(() -> new S3BlobStoreProvider().create(URI.create("s3://bucket")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no region");
  }

}
