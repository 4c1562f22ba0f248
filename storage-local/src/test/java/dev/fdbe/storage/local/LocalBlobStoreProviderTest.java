package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.BlobStores;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreProvider;
import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreProviderTest {
  @TempDir
  Path dir;

  @Test
  void isRegisteredForTheFileScheme() {
    assertThat(ServiceLoader.load(BlobStoreProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(LocalBlobStoreProvider.class);
    assertThat(new LocalBlobStoreProvider().scheme()).isEqualTo("file");
  }

  @Test
  void blobStoresFindsAWorkingLocalStoreForAFileUri() throws IOException {
    Path root = dir.resolve("files");

    BlobStore store = BlobStores.fromUri(URI.create(root.toUri().toString()));

    assertThat(store).isInstanceOf(LocalBlobStore.class);
    assertThat(((LocalBlobStore) store).root()).isEqualTo(root.toRealPath());
    BlobUpload upload = store.beginUpload("a/b.csv");
    upload.stream().write("x,y".getBytes(StandardCharsets.UTF_8));
    upload.commit();
    try (InputStream in = store.open("a/b.csv")) {
      assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("x,y");
    }
    assertThat(root.resolve("a/b.csv")).hasContent("x,y");
  }

  @Test
  void linkBaseUrlComesFromTheQuery() {
    URI location = URI.create(dir.toUri() + "?linkBaseUrl="
        + URLEncoder.encode("https://dl.example.com/downloads/", StandardCharsets.UTF_8));

    LocalBlobStore store = (LocalBlobStore) BlobStores.fromUri(location);

    assertThat(store.linkBaseUrl()).isEqualTo(URI.create("https://dl.example.com/downloads"));
    assertThat(store.signedLink("a.csv", "a.csv", java.time.Instant.parse("2030-01-01T00:00:00Z")).toString())
        .startsWith("https://dl.example.com/downloads/a.csv?filename=a.csv&expires=1893456000&signature=");
  }

  @Test
  void aPathWithEncodedCharactersIsDecoded() {
    Path root = dir.resolve("with space");

    LocalBlobStore store = (LocalBlobStore) new LocalBlobStoreProvider().create(root.toUri());

    assertThat(store.root().getFileName().toString()).isEqualTo("with space");
  }

  @Test
  void badLocationsAreRefusedNamingTheProblemAndCreateNothing() {
    String base = dir.resolve("x").toUri().toString();
    List<String[]> cases = List.of(
        new String[] {"file:relative/dir", "absolute"},
        new String[] {"file://host/dir", "a host ('host') is not supported"},
        new String[] {base + "#part", "fragment"},
        new String[] {"file:///", "a directory below '/'"},
        new String[] {base + "?other=1", "unknown query parameter 'other'; known: linkBaseUrl"},
        new String[] {base + "?linkBaseUrl=http%3A%2F%2Fa&linkBaseUrl=http%3A%2F%2Fb", "repeated"},
        new String[] {base + "?linkBaseUrl=ftp%3A%2F%2Fh%2Fx", "invalid linkBaseUrl 'ftp://h/x'"},
        new String[] {base + "?linkBaseUrl=http%3A%2F%2Ffiles_1%2Fx", "'files_1' is not a valid host name"},
        new String[] {base + "?linkBaseUrl=http%3A%2F%2Fh%2F%25zz", "is not a URI"},
        new String[] {base + "?linkBaseUrl", "is not name=value"},
        new String[] {"s3://bucket/x", "the scheme must be 'file'"});
    for (String[] c : cases) {
      URI location = URI.create(c[0]);
      assertThatThrownBy(() -> new LocalBlobStoreProvider().create(location)).as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid local storage location '" + location + "'")
          .hasMessageContaining(c[1]);
    }
    assertThat(dir.resolve("x")).doesNotExist();
  }
}
