package dev.fdbe.internal;

import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.QuotaCheck;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.RunStore;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Everything an engine runs with, resolved and checked by {@code ExportEngine.Builder}.
 *
 * @param runStore where runs are kept
 * @param source where rows come from
 * @param blobStore where files go
 * @param formats the writers by format
 * @param clock the time
 * @param workers how many runs execute at once in this engine
 * @param maxActiveRunsPerTeam how many runs a team may have starting or running
 * @param maxIntervalLength the longest data interval a request may ask for
 * @param timeLimit how long a run may take from its first start
 * @param leaseDuration how long a claim lasts without a heartbeat
 * @param pollInterval how often the engine claims runs and checks its running ones
 * @param retryPolicy how transient failures are retried
 * @param fileRetention how long file downloads stay downloadable
 * @param linkLifetime the longest lifetime of a download link
 * @param maintenanceInterval how often expired files and leftovers are deleted
 * @param shutdownGrace how long closing waits for running exports
 * @param instanceName this engine's name in leases
 * @param quotaCheck the host's quota check
 * @param sliceLength runs with a longer interval are executed in slices of this length, or null
 * @param random the source of retry jitter
 */
public record EngineSettings(
    RunStore runStore,
    RecordSource source,
    BlobStore blobStore,
    Formats formats,
    Clock clock,
    int workers,
    int maxActiveRunsPerTeam,
    Duration maxIntervalLength,
    Duration timeLimit,
    Duration leaseDuration,
    Duration pollInterval,
    RetryPolicy retryPolicy,
    Duration fileRetention,
    Duration linkLifetime,
    Duration maintenanceInterval,
    Duration shutdownGrace,
    String instanceName,
    QuotaCheck quotaCheck,
    @Nullable Duration sliceLength,
    RandomGenerator random) {

  /**
   * The instance name when none is configured: the host name (from {@code HOSTNAME}), the process
   * id and a random suffix, so that two engines in one process differ. Operators read it in the
   * SLF4J log; run logs never show it.
   */
  public static String defaultInstanceName() {
    String host = System.getenv("HOSTNAME");
    long pid = ProcessHandle.current().pid();
    return (host == null || host.isBlank() ? "engine" : host) + "/" + pid + "/"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
