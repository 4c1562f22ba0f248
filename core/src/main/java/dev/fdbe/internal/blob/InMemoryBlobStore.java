package dev.fdbe.internal.blob;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.DownloadLinkSigner;
import dev.fdbe.spi.MultipartUploads;
import dev.fdbe.spi.UploadJournal;
import dev.fdbe.spi.support.AtomicUpload;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BlobStore} in memory, for tests and offline use. Objects become visible atomically on
 * commit. Uploads behave like multipart uploads: each is open in the store from its beginning until
 * it is committed or aborted, and is reported to an {@link UploadJournal}, so that engines exercise
 * the same bookkeeping as on S3. Its download links use the {@code memory:} scheme and can only be
 * resolved by this store ({@link #open}); they carry no signature.
 */
public final class InMemoryBlobStore implements BlobStore, DownloadLinkSigner, MultipartUploads {
  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
  /** The keys of the open uploads by upload id. */
  private final Map<String, String> open = new ConcurrentHashMap<>();
  private final AtomicLong uploadIds = new AtomicLong();

  @Override
  public BlobUpload beginUpload(String key) {
    return beginUpload(key, UploadJournal.NONE);
  }

  @Override
  public BlobUpload beginUpload(String key, UploadJournal journal) {
    BlobStore.requireValidKey(key);
    String uploadId = "memory-upload-" + uploadIds.incrementAndGet();
    open.put(uploadId, key);
    try {
      journal.opened(key, uploadId);
    } catch (RuntimeException e) {
      open.remove(uploadId);
      throw e;
    }
    return new AtomicUpload(key) {
      private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

      @Override
      public OutputStream stream() {
        return buffer;
      }

      @Override
      protected BlobInfo complete() {
        return new BlobInfo(key, buffer.size());
      }

      /** Fails when the store aborted the upload meanwhile (abortUploads), as S3 would. */
      @Override
      protected void publish(BlobInfo completed) {
        if (open.remove(uploadId) == null) {
          throw new ExportException("upload " + uploadId + " of " + key + " was aborted in the store", false);
        }
        objects.put(key, buffer.toByteArray());
        journal.closed(key, uploadId);
      }

      @Override
      protected void discard() {
        open.remove(uploadId);
        journal.closed(key, uploadId);
      }
    };
  }

  @Override
  public int abortUploads(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    int aborted = 0;
    for (Map.Entry<String, String> upload : open.entrySet()) {
      if (upload.getValue().startsWith(prefix) && open.remove(upload.getKey(), upload.getValue())) {
        aborted++;
      }
    }
    return aborted;
  }

  /** How many uploads are open under the prefix now, for tests that watch the janitor. */
  public int openUploadCount(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    return (int) open.values().stream().filter(key -> key.startsWith(prefix)).count();
  }

  @Override
  public void abortUpload(String key, String uploadId) {
    open.remove(uploadId);
  }

  @Override
  public Optional<BlobInfo> stat(String key) {
    byte[] bytes = objects.get(BlobStore.requireValidKey(key));
    return bytes == null ? Optional.empty() : Optional.of(new BlobInfo(key, bytes.length));
  }

  @Override
  public InputStream open(String key) {
    byte[] bytes = objects.get(BlobStore.requireValidKey(key));
    if (bytes == null) {
      throw new ExportException("no object '" + key + "' in memory storage", false);
    }
    return new ByteArrayInputStream(bytes);
  }

  @Override
  public List<BlobInfo> list(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    List<BlobInfo> found = new ArrayList<>();
    for (Map.Entry<String, byte[]> entry : objects.tailMap(prefix, true).entrySet()) {
      if (!entry.getKey().startsWith(prefix)) {
        break;
      }
      found.add(new BlobInfo(entry.getKey(), entry.getValue().length));
    }
    return found;
  }

  @Override
  public void delete(String key) {
    objects.remove(BlobStore.requireValidKey(key));
  }

  @Override
  public void deleteByPrefix(String prefix) {
    for (BlobInfo blob : list(prefix)) {
      objects.remove(blob.key());
    }
  }

  @Override
  public String describe() {
    return "in-memory storage";
  }

  @Override
  public URI signedLink(String key, String fileName, Instant expiresAt) {
    BlobStore.requireValidKey(key);
    return URI.create("memory:/" + key + "?filename=" + URLEncoder.encode(fileName, StandardCharsets.UTF_8)
        + "&expires=" + expiresAt.getEpochSecond());
  }
}
