package dev.fdbe.storage.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3Proxy started in this process on 127.0.0.1 (a free port), checking AWS SigV4 signatures, with
 * an admin S3 client for the assertions of tests. Each test takes a bucket of its own.
 */
final class S3ProxyServer implements AutoCloseable {
  static final String IDENTITY = "fdbe-test-key";
  static final String CREDENTIAL = "fdbe-test-secret";
  static final String REGION = "us-east-1";

  final FaultyBackend backend;
  final URI endpoint;
  final S3Client admin;
  private final S3Proxy proxy;

  private S3ProxyServer(org.gaul.s3proxy.blobstore.BlobStore storage) throws Exception {
    this.backend = new FaultyBackend(storage);
    this.proxy = S3Proxy.builder()
        .blobStore(backend)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V4, IDENTITY, CREDENTIAL)
        .build();
    proxy.start();
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    this.admin = S3Client.builder()
        .region(Region.of(REGION))
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
        .httpClientBuilder(Apache5HttpClient.builder())
        .build();
  }

  /** S3Proxy keeping objects in memory. */
  static S3ProxyServer inMemory() throws Exception {
    return new S3ProxyServer(new TransientNio2BlobStore());
  }

  /** S3Proxy keeping objects in files under the directory. */
  static S3ProxyServer onDisk(Path directory) throws Exception {
    return new S3ProxyServer(new FilesystemNio2BlobStore(directory.toString()));
  }

  /** A new, empty bucket. */
  String newBucket() {
    String bucket = "fdbe-" + UUID.randomUUID().toString().substring(0, 8);
    admin.createBucket(b -> b.bucket(bucket));
    return bucket;
  }

  /** A config for the bucket through this S3Proxy, with 5 MiB parts. */
  S3StorageConfig.Builder config(String bucket) {
    return S3StorageConfig.builder(bucket)
        .endpoint(endpoint)
        .region(REGION)
        .pathStyle(true)
        .credentials(IDENTITY, CREDENTIAL)
        .partSizeBytes(S3StorageConfig.MIN_PART_BYTES);
  }

  /** Every multipart upload open in the bucket, as ListMultipartUploads answers. */
  List<MultipartUpload> openUploads(String bucket) {
    return admin.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads().stream().toList();
  }

  /** Every object in the bucket. */
  List<S3Object> objects(String bucket) {
    return admin.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().toList();
  }

  byte[] read(String bucket, String objectName) {
    return admin.getObject(b -> b.bucket(bucket).key(objectName), ResponseTransformer.toBytes()).asByteArray();
  }

  @Override
  public void close() {
    backend.reset();
    admin.close();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy", e);
    }
  }
}
