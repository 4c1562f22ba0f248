package dev.fdbe.storage.s3;

import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.format.jsonl.JsonLinesFormat;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.RunStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Does memory stay bounded whatever the file size? Exports one JSON Lines file of at least the
 * given size through the engine and an {@link S3BlobStore} with the default part size (16 MiB)
 * and in-flight parts (4), rows made on the fly, and prints the heap's peak. Run it with a small
 * heap against an S3-compatible endpoint, as {@code LargeExportMemoryIT} does with S3Proxy:
 *
 * <pre>
 * mvn -q -pl storage-s3 test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/test-classpath.txt
 * java -Xmx256m -cp "storage-s3/target/test-classes:storage-s3/target/classes:$(cat storage-s3/target/test-classpath.txt)" \
 *     dev.fdbe.storage.s3.LargeExport http://127.0.0.1:9000 bucket 1073741824 [accessKey secretKey]
 * </pre>
 *
 * <p>Exits 0 when the run completed with a file of at least that size; prints one line starting
 * with {@code RESULT}.
 */
public final class LargeExport {
  private static final int PAYLOAD = 4000;

  private LargeExport() {}

  public static void main(String[] args) {
    if (args.length != 3 && args.length != 5) {
      System.err.println("usage: LargeExport <endpoint> <bucket> <bytes> [accessKey secretKey]");
      System.exit(2);
    }
    URI endpoint = URI.create(args[0]);
    String bucket = args[1];
    long bytes = Long.parseLong(args[2]);
    String accessKey = args.length == 5 ? args[3] : S3ProxyServer.IDENTITY;
    String secretKey = args.length == 5 ? args[4] : S3ProxyServer.CREDENTIAL;
    int rows = (int) (bytes / PAYLOAD + 1);

    // After every collection, the heap still in use: what the export really holds, garbage excluded.
    java.util.concurrent.atomic.AtomicLong liveAfterGc = new java.util.concurrent.atomic.AtomicLong();
    java.util.Set<String> heapPools = new java.util.HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((javax.management.NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
        var info = com.sun.management.GarbageCollectionNotificationInfo.from(
            (javax.management.openmbean.CompositeData) notification.getUserData());
        long live = 0;
        for (var pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
          if (heapPools.contains(pool.getKey())) {
            live += pool.getValue().getUsed();
          }
        }
        liveAfterGc.accumulateAndGet(live, Math::max);
      }, null, null);
    }
    long started = System.nanoTime();
    TeamId team = TeamId.of(1);
    Caller caller = Caller.of(team, Scope.ALL);
    RunStore runStore = RunStores.inMemory();
    S3StorageConfig config = S3StorageConfig.builder(bucket).endpoint(endpoint).region(S3ProxyServer.REGION)
        .pathStyle(true).credentials(accessKey, secretKey).build();
    RunSnapshot run;
    List<FileRecord> files;
    try (S3BlobStore store = S3BlobStore.create(config);
        ExportEngine engine = ExportEngine.builder().runStore(runStore).blobStore(store)
            .recordSource(new GeneratedEvents(rows, PAYLOAD)).formats(List.of(new JsonLinesFormat())).build()) {
      engine.start();
      RunId id = engine.create(caller, ExportRequest.builder(Model.EVENTS, GeneratedEvents.DAY,
          GeneratedEvents.DAY.plus(Duration.ofDays(1))).file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE,
          0)).build());
      run = engine.awaitTerminal(caller, id, Duration.ofMinutes(30));
      files = runStore.files(id);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long stored = files.stream().mapToLong(FileRecord::sizeBytes).sum();
    long peakHeap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    long maxHeap = Runtime.getRuntime().maxMemory();
    // peakHeap sums each pool's peak (an upper bound that includes garbage); liveAfterGc is the most
    // that was still in use right after a collection, i.e. what the export really held.
    System.out.printf("RESULT status=%s records=%d files=%d bytes=%d seconds=%.1f MiBps=%.1f peakHeapMiB=%d "
            + "liveAfterGcMiB=%d maxHeapMiB=%d partSizeMiB=%d inFlightParts=%d error=%s%n", run.status(),
        run.recordsCompleted(), files.size(), stored, seconds, stored / seconds / (1 << 20), peakHeap >> 20,
        liveAfterGc.get() >> 20, maxHeap >> 20, config.partSizeBytes() >> 20, config.inFlightParts(), run.error());
    System.exit(run.status() == RunStatus.COMPLETED && stored >= bytes ? 0 : 1);
  }
}
