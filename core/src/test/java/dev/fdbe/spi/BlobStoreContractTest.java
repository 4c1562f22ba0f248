package dev.fdbe.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.ExportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BlobStore} must have. Each storage module runs it against its store by
 * extending this class; nothing here is specific to one backend.
 */
public abstract class BlobStoreContractTest {
  /** A new, empty store for one test. */
  protected abstract BlobStore newStore() throws Exception;

  protected BlobStore store;

  @BeforeEach
  void createStore() throws Exception {
    store = newStore();
  }

  protected static byte[] bytes(int size) {
    byte[] data = new byte[size];
    ThreadLocalRandom.current().nextBytes(data);
    return data;
  }

  protected static BlobInfo put(BlobStore store, String key, byte[] data) {
    BlobUpload upload = store.beginUpload(key);
    try {
      OutputStream out = upload.stream();
      out.write(data);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return upload.commit();
  }

  protected static byte[] read(BlobStore store, String key) {
    try (InputStream in = store.open(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void committedObjectCanBeReadBackWithItsSize() {
    byte[] data = bytes(100_000);
    BlobInfo info = put(store, "1/run/attempt-1/a.jsonl", data);

    assertThat(info).isEqualTo(new BlobInfo("1/run/attempt-1/a.jsonl", data.length));
    assertThat(read(store, "1/run/attempt-1/a.jsonl")).isEqualTo(data);
    assertThat(store.stat("1/run/attempt-1/a.jsonl")).contains(info);
  }

  @Test
  void emptyObjectIsStored() {
    BlobInfo info = put(store, "empty.jsonl", new byte[0]);

    assertThat(info.sizeBytes()).isZero();
    assertThat(read(store, "empty.jsonl")).isEmpty();
  }

  @Test
  void objectIsInvisibleUntilCommitted() throws IOException {
    BlobUpload upload = store.beginUpload("pending/x.csv");
    upload.stream().write("partial".getBytes(StandardCharsets.UTF_8));
    upload.stream().flush();

    assertThat(store.stat("pending/x.csv")).isEmpty();
    assertThat(store.list("pending/")).isEmpty();

    upload.commit();
    assertThat(store.stat("pending/x.csv")).isPresent();
  }

  @Test
  void abortLeavesNothingBehind() throws IOException {
    BlobUpload upload = store.beginUpload("aborted/x.csv");
    upload.stream().write(bytes(10_000));
    upload.stream().flush();
    upload.abort();
    upload.abort(); // idempotent

    assertThat(store.stat("aborted/x.csv")).isEmpty();
    assertThat(store.list("")).isEmpty();
    store.deleteByPrefix("aborted/");
    assertThat(store.list("")).isEmpty();
  }

  @Test
  void commitReplacesAnExistingObject() {
    put(store, "k/x.csv", bytes(10));
    byte[] second = bytes(20);
    put(store, "k/x.csv", second);

    assertThat(read(store, "k/x.csv")).isEqualTo(second);
    assertThat(store.list("k/")).hasSize(1);
  }

  @Test
  void listReturnsObjectsUnderThePrefixSortedByKey() {
    put(store, "1/r/attempt-1/00002.csv", bytes(2));
    put(store, "1/r/attempt-1/00000.csv", bytes(3));
    put(store, "1/r/attempt-1/00001.csv", bytes(4));
    put(store, "1/r/attempt-2/00000.csv", bytes(5));
    put(store, "1/rx/attempt-1/00000.csv", bytes(6));

    List<BlobInfo> listed = store.list("1/r/attempt-1/");

    assertThat(listed).extracting(BlobInfo::key).containsExactly(
        "1/r/attempt-1/00000.csv", "1/r/attempt-1/00001.csv", "1/r/attempt-1/00002.csv");
    assertThat(listed).extracting(BlobInfo::sizeBytes).containsExactly(3L, 4L, 2L);
    assertThat(store.list("1/r/")).hasSize(4);
    assertThat(store.list("")).hasSize(5);
    assertThat(store.list("2/")).isEmpty();
  }

  @Test
  void deleteByPrefixDeletesOnlyUnderThePrefix() {
    put(store, "1/r/attempt-1/a.csv", bytes(2));
    put(store, "1/r/attempt-2/a.csv", bytes(2));
    put(store, "1/rx/attempt-1/a.csv", bytes(2));

    store.deleteByPrefix("1/r/");
    store.deleteByPrefix("1/r/"); // idempotent

    assertThat(store.list("")).extracting(BlobInfo::key).containsExactly("1/rx/attempt-1/a.csv");
  }

  @Test
  void deleteIsIdempotent() {
    put(store, "d/a.csv", bytes(2));
    store.delete("d/a.csv");
    store.delete("d/a.csv");

    assertThat(store.stat("d/a.csv")).isEmpty();
  }

  @Test
  void openingAMissingObjectIsANonRetryableStorageError() {
    assertThatThrownBy(() -> store.open("missing/a.csv"))
        .isExactlyInstanceOf(ExportException.class)
        .hasMessageContaining("missing/a.csv")
        .satisfies(e -> assertThat(((ExportException) e).isRetryable()).isFalse());
  }

  @Test
  void invalidKeysAreRefused() {
    for (String key : List.of("", "/abs", "a/../b", "a//b", "a/", "..", "a b", "a:b", "a\\b")) {
      assertThatThrownBy(() -> store.beginUpload(key)).as(key).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> store.deleteByPrefix("../")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesItself() {
    assertThat(store.describe()).isNotBlank();
  }
}
