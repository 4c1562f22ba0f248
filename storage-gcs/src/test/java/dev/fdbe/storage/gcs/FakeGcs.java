package dev.fdbe.storage.gcs;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.services.storage.model.StorageObject;
import com.google.cloud.NoCredentials;
import com.google.cloud.RestorableState;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.cloud.storage.spi.v1.RpcBatch;
import com.google.cloud.storage.spi.v1.StorageRpc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

/**
 * Google's in-memory Cloud Storage double for one test: a fresh {@code FakeStorageRpc} from
 * {@code LocalStorageHelper} behind a client built as a store would build one (uniform retry
 * strategy), with fast retries and no credentials. No request leaves the process.
 *
 * <p>Between the client and the double sit two recorders, where tests also inject failures below
 * the client, so that its own retries apply: one for RPC calls ({@link #failRpc}) and one for the
 * HTTP requests of resumable uploads ({@link #failUploadRequest}, {@link #uploadRequests}). The
 * RPC layer also adds what the double lacks: batch requests, run one call after another.
 *
 * <p>{@link #storage(UploadHook)} wraps the client itself, above its retries, to see and disturb
 * what the store does with write channels.
 */
final class FakeGcs {
  static final String BUCKET = "fdbe-test-bucket";

  /** What an upload request of a resumable session carried. */
  record UploadRequest(String method, String contentRange, long bodyBytes) {}

  final Storage storage;
  final List<UploadRequest> uploadRequests = new CopyOnWriteArrayList<>();
  private final StorageRpc fake;
  private final Map<String, Queue<RuntimeException>> rpcFaults = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> rpcCalls = new ConcurrentHashMap<>();
  private final Queue<Integer> uploadFaults = new ConcurrentLinkedQueue<>();
  private final AtomicInteger batchDeletes = new AtomicInteger();
  private volatile com.google.api.services.storage.model.Bucket bucketSettings;

  FakeGcs() {
    this(java.time.Clock.systemUTC());
  }

  /** A double whose client takes the time (e.g. of signed URLs) from the clock. */
  FakeGcs(java.time.Clock clock) {
    // LocalStorageHelper's options carry a project id, so building them looks up nothing; the
    // tests run with NO_GCE_CHECK=true besides (see the pom), so no credential lookup ever probes
    // the network.
    this.fake = (StorageRpc) LocalStorageHelper.customOptions(false).getRpc();
    StorageRpc rpc = (StorageRpc) Proxy.newProxyInstance(StorageRpc.class.getClassLoader(),
        new Class<?>[] {StorageRpc.class}, this::invokeRpc);
    this.storage = StorageOptions.http()
        .setProjectId("fdbe-test")
        .setCredentials(NoCredentials.getInstance())
        .setClock(new com.google.api.core.ApiClock() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public long millisTime() {
            return clock.millis();
          }
        })
        .setServiceRpcFactory(options -> rpc)
        .setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy())
        .setRetrySettings(RetrySettings.newBuilder()
            .setMaxAttempts(4)
            .setInitialRetryDelayDuration(Duration.ofMillis(1))
            .setMaxRetryDelayDuration(Duration.ofMillis(5))
            .setRetryDelayMultiplier(2.0)
            .setTotalTimeoutDuration(Duration.ofSeconds(30))
            .build())
        .build()
        .getService();
  }

  /** Makes the next call of the named {@link StorageRpc} method (e.g. {@code open}) throw. */
  void failRpc(String method, RuntimeException failure) {
    rpcFaults.computeIfAbsent(method, m -> new ConcurrentLinkedQueue<>()).add(failure);
  }

  /** How often the named {@link StorageRpc} method was called. */
  int rpcCalls(String method) {
    AtomicInteger calls = rpcCalls.get(method);
    return calls == null ? 0 : calls.get();
  }

  /** Makes the next upload request (a chunk or the final one) of any session answer with this status. */
  void failUploadRequest(int status) {
    uploadFaults.add(status);
  }

  /**
   * Gives the bucket a lifecycle rule deleting objects at the age, in days, as the JSON API would
   * report it (the double itself knows no buckets).
   */
  void deleteAfterDays(int age) {
    com.google.api.services.storage.model.Bucket.Lifecycle.Rule rule =
        new com.google.api.services.storage.model.Bucket.Lifecycle.Rule()
            .setAction(new com.google.api.services.storage.model.Bucket.Lifecycle.Rule.Action().setType("Delete"))
            .setCondition(new com.google.api.services.storage.model.Bucket.Lifecycle.Rule.Condition().setAge(age));
    bucketSettings = new com.google.api.services.storage.model.Bucket().setName(BUCKET)
        .setLifecycle(new com.google.api.services.storage.model.Bucket.Lifecycle().setRule(List.of(rule)));
  }

  /** How many objects were deleted through batch requests. */
  int batchDeletes() {
    return batchDeletes.get();
  }

  /** A service exception with this HTTP status, as the client makes them. */
  static com.google.cloud.storage.StorageException serviceError(int code, String message) {
    return new com.google.cloud.storage.StorageException(code, message);
  }

  /** The names of the finished objects in the bucket, sorted; uploads in progress are not objects. */
  List<String> objectNames() {
    List<String> names = new ArrayList<>();
    for (Blob blob : storage.list(BUCKET).iterateAll()) {
      if (blob.getSize() != null) {
        names.add(blob.getName());
      }
    }
    Collections.sort(names);
    return names;
  }

  /** Stores an object directly, bypassing the store. */
  void putRaw(String name, byte[] data) {
    storage.create(BlobInfo.newBuilder(BUCKET, name).build(), data);
  }

  // ------------------------------------------------------------------ client wrapper

  /** Sees, and may disturb, the write channels the store asks the client for. */
  interface UploadHook {
    /** Before the client starts a session for the object; may throw. */
    default void beforeStart(String name) {}

    /** Before the bytes go to the client's channel, with how many went before; may throw or block. */
    default void beforeWrite(String name, long writtenBefore, int length) throws IOException {}

    /** Before the session is finalized; may throw. */
    default void beforeFinish(String name) throws IOException {}
  }

  /** What the wrapped client saw. */
  static final class Uploads {
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<String> finished = new CopyOnWriteArrayList<>();
    final List<Integer> chunkSizes = new CopyOnWriteArrayList<>();
    final Map<String, Long> bytes = new ConcurrentHashMap<>();
  }

  final Uploads uploads = new Uploads();

  /** The client, with every write channel it makes passing through the hook. */
  Storage storage(UploadHook hook) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("writer") && args.length == 2 && args[0] instanceof BlobInfo info) {
        hook.beforeStart(info.getName());
        WriteChannel channel = (WriteChannel) invoke(method, storage, args);
        uploads.started.add(info.getName());
        return new HookedChannel(info.getName(), channel, hook);
      }
      return invoke(method, storage, args);
    };
    return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, handler);
  }

  private final class HookedChannel implements WriteChannel {
    private final String name;
    private final WriteChannel delegate;
    private final UploadHook hook;
    private long written;

    HookedChannel(String name, WriteChannel delegate, UploadHook hook) {
      this.name = name;
      this.delegate = delegate;
      this.hook = hook;
    }

    @Override
    public void setChunkSize(int chunkSize) {
      uploads.chunkSizes.add(chunkSize);
      delegate.setChunkSize(chunkSize);
    }

    @Override
    public RestorableState<WriteChannel> capture() {
      return delegate.capture();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      hook.beforeWrite(name, written, src.remaining());
      int n = delegate.write(src);
      written += n;
      uploads.bytes.put(name, written);
      return n;
    }

    @Override
    public boolean isOpen() {
      return delegate.isOpen();
    }

    @Override
    public void close() throws IOException {
      hook.beforeFinish(name);
      delegate.close();
      uploads.finished.add(name);
    }
  }

  // ------------------------------------------------------------------ RPC layer

  private Object invokeRpc(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    rpcCalls.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    Queue<RuntimeException> faults = rpcFaults.get(name);
    RuntimeException fault = faults == null ? null : faults.poll();
    if (fault != null) {
      throw fault;
    }
    if (name.equals("get") && args[0] instanceof com.google.api.services.storage.model.Bucket) {
      return bucketSettings;
    }
    return switch (name) {
      case "createBatch" -> new SequentialBatch();
      case "getStorage" -> {
        com.google.api.services.storage.Storage apiary = fake.getStorage();
        yield new com.google.api.services.storage.Storage(
            new RecordingTransport((MockHttpTransport) apiary.getRequestFactory().getTransport()),
            apiary.getJsonFactory(), request -> {});
      }
      default -> invoke(method, fake, args);
    };
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Runs the calls of a batch one after another against the double, as Cloud Storage would answer them. */
  private final class SequentialBatch implements RpcBatch {
    private final List<Runnable> calls = new ArrayList<>();

    @Override
    public void addDelete(StorageObject object, Callback<Void> callback, Map<StorageRpc.Option, ?> options) {
      calls.add(() -> {
        Queue<RuntimeException> faults = rpcFaults.get("batchDelete");
        RuntimeException fault = faults == null ? null : faults.poll();
        if (fault instanceof com.google.cloud.storage.StorageException e) {
          callback.onFailure(error(e.getCode(), e.getMessage()));
        } else if (fake.delete(object, options)) {
          batchDeletes.incrementAndGet();
          callback.onSuccess(null);
        } else {
          callback.onFailure(error(404, "No such object: " + object.getBucket() + "/" + object.getName()));
        }
      });
    }

    @Override
    public void addPatch(StorageObject object, Callback<StorageObject> callback, Map<StorageRpc.Option, ?> options) {
      throw new UnsupportedOperationException("patch in a batch");
    }

    @Override
    public void addGet(StorageObject object, Callback<StorageObject> callback, Map<StorageRpc.Option, ?> options) {
      throw new UnsupportedOperationException("get in a batch");
    }

    @Override
    public void submit() {
      calls.forEach(Runnable::run);
      calls.clear();
    }

    private GoogleJsonError error(int code, String message) {
      GoogleJsonError error = new GoogleJsonError();
      error.setCode(code);
      error.setMessage(message);
      return error;
    }
  }

  // ------------------------------------------------------------------ HTTP layer of uploads

  /** Records the requests of resumable sessions and answers the ones to fail with their status. */
  private final class RecordingTransport extends HttpTransport {
    private final MockHttpTransport delegate;

    RecordingTransport(MockHttpTransport delegate) {
      this.delegate = delegate;
    }

    @Override
    protected LowLevelHttpRequest buildRequest(String method, String url) throws IOException {
      return new RecordingRequest(method, delegate.buildRequest(method, url));
    }
  }

  private final class RecordingRequest extends LowLevelHttpRequest {
    private final String method;
    private final LowLevelHttpRequest delegate;
    private String contentRange = "";

    RecordingRequest(String method, LowLevelHttpRequest delegate) {
      this.method = method;
      this.delegate = delegate;
    }

    @Override
    public void addHeader(String name, String value) throws IOException {
      if (name.equalsIgnoreCase("Content-Range")) {
        contentRange = value;
      }
      delegate.addHeader(name, value);
    }

    @Override
    public LowLevelHttpResponse execute() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (getStreamingContent() != null) {
        getStreamingContent().writeTo(body);
      }
      Integer status = method.equals("PUT") && !contentRange.startsWith("bytes */") ? uploadFaults.poll() : null;
      if (status != null) {
        uploadRequests.add(new UploadRequest(method + " failed " + status, contentRange, body.size()));
        return new MockLowLevelHttpResponse().setStatusCode(status).setContent("{\"error\":{\"code\":" + status + "}}");
      }
      uploadRequests.add(new UploadRequest(method, contentRange, body.size()));
      byte[] bytes = body.toByteArray();
      delegate.setStreamingContent(out -> out.write(bytes));
      delegate.setContentLength(bytes.length);
      delegate.setContentType(getContentType());
      delegate.setContentEncoding(getContentEncoding());
      return delegate.execute();
    }
  }

  /** Every stored object's name in the bucket under the prefix, uploads in progress included. */
  List<String> rawNames(String prefix) {
    return StreamSupport.stream(storage.list(BUCKET, Storage.BlobListOption.prefix(prefix)).iterateAll().spliterator(),
        false).map(Blob::getName).sorted().toList();
  }
}
