package dev.fdbe.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.HttpStorageOptions;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The module's tests run with the trimmed class path a user of the module gets (see the pom): what
 * only the gRPC transport, its metrics export and the XML multipart client need is absent, so every
 * test of this module that talks to {@link GcsStub} proves that the HTTP transport works without it.
 * If a test dependency brought any of it back, this fails first.
 */
class HttpTransportOnlyTest {
  @Test
  void whatTheHttpTransportNeverNeedsIsNotOnTheClassPath() {
    List<String> absent = List.of(
        "io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder", // grpc-netty-shaded
        "io.grpc.xds.XdsNameResolverProvider", // grpc-xds
        "io.grpc.alts.GoogleDefaultChannelCredentials", // grpc-alts
        "io.grpc.internal.ManagedChannelImplBuilder", // grpc-core
        "org.conscrypt.Conscrypt", // conscrypt
        "com.google.storage.v2.StorageClient", // gapic-google-cloud-storage-v2
        "io.opentelemetry.sdk.OpenTelemetrySdk", // opentelemetry-sdk
        "com.google.cloud.monitoring.v3.MetricServiceClient", // google-cloud-monitoring
        "com.fasterxml.jackson.dataformat.xml.XmlMapper"); // jackson-dataformat-xml
    for (String name : absent) {
      assertThatThrownBy(() -> Class.forName(name, false, getClass().getClassLoader())).as(name)
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void aStoreFromSettingsBuildsTheHttpTransport() {
    GcsBlobStore store = GcsBlobStore.create(GcsStorageConfig.builder(GcsStub.BUCKET)
        .endpoint(URI.create("http://127.0.0.1:9")).projectId(GcsStub.PROJECT).build());

    assertThat(store.storage().getOptions()).isInstanceOf(HttpStorageOptions.class);
  }
}
