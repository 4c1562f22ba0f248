package dev.fdbe;

import static dev.fdbe.internal.SettingChecks.LONGEST;
import static dev.fdbe.internal.SettingChecks.atLeast;
import static dev.fdbe.internal.SettingChecks.atLeastOne;
import static dev.fdbe.internal.SettingChecks.notNegative;
import static dev.fdbe.internal.SettingChecks.once;
import static dev.fdbe.internal.SettingChecks.positive;
import static dev.fdbe.internal.SettingChecks.required;

import com.google.errorprone.annotations.CheckReturnValue;
import dev.fdbe.internal.EngineSettings;
import dev.fdbe.internal.Formats;
import dev.fdbe.internal.Redactor;
import dev.fdbe.internal.RetryPolicy;
import dev.fdbe.internal.RunCreation;
import dev.fdbe.internal.RunLog;
import dev.fdbe.internal.RunViews;
import dev.fdbe.internal.Transitions;
import dev.fdbe.internal.Workers;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.QuotaCheck;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Runs file download batch exports: the operations of the API (create, list, retrieve, cancel,
 * download, logs, manifest) and the workers that execute runs.
 *
 * <pre>{@code
 * try (ExportEngine engine = ExportEngine.builder()
 *     .runStore(RunStores.h2(Path.of("fdbe-data")))
 *     .recordSource(RecordSources.jdbc(dataSource))
 *     .blobStore(BlobStores.fromUri(URI.create("file:///var/fdbe/files")))
 *     .build()) {
 *   engine.start();
 *   Caller caller = Caller.of(TeamId.of(1), Scope.ALL);
 *   RunId id = engine.create(caller, ExportRequest.builder(Model.EVENTS, start, end)
 *       .file(FileConfig.of(FileFormat.JSON_LINES)).build());
 *   RunSnapshot run = engine.awaitTerminal(caller, id, Duration.ofMinutes(5));
 * }
 * }</pre>
 *
 * <p>Every operation names a {@link Caller}: another team's run is "not found"
 * ({@link NotFoundException}) and a missing scope throws {@link PermissionDeniedException}.
 * Operations work whether or not the engine's workers are started, so a process may serve the API
 * while others execute runs on the same run store.
 *
 * <p>Thread-safe. Configuring has no side effects: nothing starts until {@link #start()}.
 */
public final class ExportEngine implements AutoCloseable {
  /** The per-team limit of runs starting or running, unless configured. */
  public static final int DEFAULT_MAX_ACTIVE_RUNS_PER_TEAM = 10;
  /** The longest data interval, unless configured. */
  public static final Duration DEFAULT_MAX_INTERVAL_LENGTH = Duration.ofDays(7);
  /** How long a run may take, unless configured. */
  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofHours(1);
  /** How long file downloads stay downloadable, unless configured. */
  public static final Duration DEFAULT_FILE_RETENTION = Duration.ofDays(7);
  /** The longest lifetime of a download link, unless configured. */
  public static final Duration DEFAULT_LINK_LIFETIME = Duration.ofHours(1);
  /** How long a claim lasts without a heartbeat, unless configured. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);
  /** How often the engine claims runs and checks running ones, unless configured. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  /** How often expired files and leftovers are swept, unless configured. */
  public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofMinutes(1);
  /** How long {@link #close()} waits for running exports, unless configured. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  /** Attempts of a run in all unless {@link Builder#retries} says otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** The largest page {@link #list} returns; larger limits are capped to it. */
  public static final int MAX_PAGE_LIMIT = 1000;
  /** Runs executed at once by one engine, unless configured. */
  public static final int DEFAULT_WORKERS = 4;
  /** The most slices a run is cut into; with a short slice length, slices are lengthened to this count. */
  public static final int MAX_SLICES = 1000;

  private final EngineSettings settings;
  private final RunStore store;
  private final RunCreation creation;
  private final RunLog log;
  private final Workers workers;
  private final RunViews views;

  private ExportEngine(EngineSettings settings) {
    this.settings = settings;
    this.store = settings.runStore();
    this.log = new RunLog(store, settings.clock(), new Redactor(List.of(settings.instanceName())));
    this.workers = new Workers(settings, log);
    this.creation = new RunCreation(settings, log);
    this.views = new RunViews(settings);
  }

  /** A builder; the run store, record source and blob store are required. */
  @CheckReturnValue
  public static Builder builder() {
    return new Builder();
  }

  /** Starts the workers that execute runs; idempotent. */
  public void start() {
    workers.start();
  }

  /** Whether the workers are started and not shut down. */
  public boolean isStarted() {
    return workers.isRunning();
  }

  /**
   * Shuts down gracefully: stops claiming runs, lets running exports finish for up to the
   * configured grace period, then stops the rest and releases them so that another engine (or this
   * one, restarted) takes them over from the start. Nothing is lost. An interrupt of the closing
   * thread ends the grace period at once; the thread stays interrupted. Idempotent.
   */
  @Override
  public void close() {
    workers.shutdown(settings.shutdownGrace());
  }

  // ---------------------------------------------------------------- operations

  /**
   * Creates a run. It is stored as {@code Starting} before this returns, so nothing is lost if the
   * process dies right after.
   *
   * @throws PermissionDeniedException without {@link Scope#WRITE}
   * @throws InvalidRequestException when the request breaks a rule of the API, with its message
   * @throws TooManyRunsException when the team already has its limit of runs starting or running
   */
  public RunId create(Caller caller, ExportRequest request) {
    caller.require(Scope.WRITE);
    Objects.requireNonNull(request, "request");
    RunId id = creation.create(caller.team(), request);
    workers.wakeUp();
    return id;
  }

  /**
   * A page of the caller's team's runs, newest first (by creation, then id), with the number of all
   * its runs.
   *
   * @param limit the most runs to return; values above {@value #MAX_PAGE_LIMIT} are capped to it
   * @param offset how many of the newest runs to skip
   * @throws PermissionDeniedException without {@link Scope#READ}
   * @throws InvalidRequestException naming {@code limit} or {@code offset} when it is negative
   */
  public Page<RunSnapshot> list(Caller caller, int limit, long offset) {
    caller.require(Scope.READ);
    if (limit < 0) {
      throw new InvalidRequestException("limit", "'limit' must be a non-negative integer, got " + limit);
    }
    if (offset < 0) {
      throw new InvalidRequestException("offset", "'offset' must be a non-negative integer, got " + offset);
    }
    Page<RunRecord> runs = store.list(caller.team(), Math.min(limit, MAX_PAGE_LIMIT), offset);
    List<RunSnapshot> snapshots = new ArrayList<>(runs.items().size());
    for (RunRecord run : runs.items()) {
      snapshots.add(views.snapshot(run));
    }
    return new Page<>(runs.count(), runs.offset(), runs.limit(), snapshots);
  }

  /**
   * One run: its status, its files once completed, its error once failed, and its progress.
   *
   * @throws PermissionDeniedException without {@link Scope#READ}
   * @throws NotFoundException when no run of the caller's team has the id
   */
  public RunSnapshot retrieve(Caller caller, RunId id) {
    caller.require(Scope.READ);
    return views.snapshot(find(caller, id));
  }

  /**
   * Cancels a run that is {@code Starting} or {@code Running}: its work stops within a poll
   * interval (at once when it executes in this engine), the upload in flight is aborted, files
   * already written are deleted and none is listed.
   *
   * @return the run after the cancel; its status is {@code Cancelled}, or the terminal status the
   *     run reached first
   * @throws PermissionDeniedException without {@link Scope#WRITE}
   * @throws NotFoundException when no run of the caller's team has the id
   * @throws InvalidRequestException when the run had already finished
   */
  public RunSnapshot cancel(Caller caller, RunId id) {
    caller.require(Scope.WRITE);
    RunRecord run = find(caller, id);
    Transitions.check(run.status(), RunStatus.CANCELLED);
    if (store.stop(id, RunStatus.CANCELLED, null, settings.clock().instant())) {
      log.log(id, run.attemptId() == null ? RunLog.NO_ATTEMPT : run.attemptId(), LogLevel.INFO,
          "Cancellation requested by the user");
      stopLocal(run, RunStatus.CANCELLED);
    }
    return views.snapshot(find(caller, id));
  }

  /**
   * Stops a run as the operator: it ends {@code Terminated} with the reason as its error, whoever
   * executes it. For administration; no caller is checked. Users read the reason, so write it for
   * them: like every run error and log line, it is stored without file system paths, host names
   * or process ids (see {@link RunLogEntry}).
   *
   * @return whether the run was starting or running and is now terminated
   */
  public boolean terminate(RunId id, String reason) {
    Objects.requireNonNull(reason, "reason");
    RunRecord run = store.find(id).filter(r -> !r.isSlice())
        .orElseThrow(() -> NotFoundException.run(id.toString()));
    if (!store.stop(id, RunStatus.TERMINATED, log.forUsers(reason), settings.clock().instant())) {
      return false;
    }
    log.log(id, run.attemptId() == null ? RunLog.NO_ATTEMPT : run.attemptId(), LogLevel.INFO,
        "Termination requested by the operator: " + reason);
    stopLocal(run, RunStatus.TERMINATED);
    return true;
  }

  /** Stops the run, or every slice of it, where this engine executes it; other engines see it at their poll. */
  private void stopLocal(RunRecord run, RunStatus status) {
    workers.stopLocal(run.id(), status);
    if (run.isSliced()) {
      for (RunRecord slice : store.slices(run.id())) {
        workers.stopLocal(slice.id(), status);
      }
    }
  }

  /**
   * A time-limited link to the file at a 0-based index in key order of a completed run (0 for the
   * first). The link expires after the engine's link lifetime or with the file, whichever is first.
   *
   * @throws PermissionDeniedException without {@link Scope#READ}
   * @throws NotFoundException when no run of the caller's team has the id, or the run has no file at
   *     the index (any index out of range, negative ones included)
   * @throws InvalidRequestException when the run is not completed, or the file expired
   * @throws ExportException when the blob store cannot make links
   */
  public DownloadLink download(Caller caller, RunId id, long index) {
    caller.require(Scope.READ);
    return views.link(views.downloadable(find(caller, id), RunViews.byIndex(index)));
  }

  /**
   * A time-limited link to the file with the given id of a completed run; otherwise as
   * {@link #download(Caller, RunId, long)}.
   *
   * @throws NotFoundException when no run of the caller's team has the id, or the run has no file
   *     with that id
   */
  public DownloadLink download(Caller caller, RunId id, FileId file) {
    caller.require(Scope.READ);
    return views.link(views.downloadable(find(caller, id), RunViews.byId(file)));
  }

  /**
   * Opens the file at a 0-based index in key order of a completed run for reading, with the same
   * checks as {@link #download(Caller, RunId, long)}: for a service that streams files itself, or to
   * read an export back in tests. The caller closes the stream.
   *
   * @throws PermissionDeniedException without {@link Scope#READ}
   * @throws NotFoundException when no run of the caller's team has the id, or no file the index
   * @throws InvalidRequestException when the run is not completed, or the file expired
   */
  public InputStream openFile(Caller caller, RunId id, long index) {
    caller.require(Scope.READ);
    return settings.blobStore().open(views.downloadable(find(caller, id), RunViews.byIndex(index)).key());
  }

  /**
   * Opens the file with the given id of a completed run for reading; otherwise as
   * {@link #openFile(Caller, RunId, long)}.
   */
  public InputStream openFile(Caller caller, RunId id, FileId file) {
    caller.require(Scope.READ);
    return settings.blobStore().open(views.downloadable(find(caller, id), RunViews.byId(file)).key());
  }

  /**
   * The run's log entries matching the query, newest first, with the number of all that match.
   *
   * @throws PermissionDeniedException without {@link Scope#READ}
   * @throws NotFoundException when no run of the caller's team has the id
   */
  public Page<RunLogEntry> logs(Caller caller, RunId id, LogQuery query) {
    caller.require(Scope.READ);
    Objects.requireNonNull(query, "query");
    find(caller, id);
    return store.logs(id, query);
  }

  /**
   * What a consumer checks to know it has every file of a completed run and that each is intact.
   *
   * @throws PermissionDeniedException without {@link Scope#READ}
   * @throws NotFoundException when no run of the caller's team has the id
   * @throws InvalidRequestException when the run is not completed
   */
  public RunManifest manifest(Caller caller, RunId id) {
    caller.require(Scope.READ);
    return views.manifest(find(caller, id));
  }

  /**
   * Waits until the run reaches a terminal status or the timeout passes. While this engine's workers
   * execute the run, the run ends with them, so this waits for them to finish and reads the run
   * store only once a second meanwhile; otherwise (a run executed elsewhere, or cut into slices) it
   * reads the run store every 50 ms, and sooner when this engine claims a run. When the workers here
   * execute the run or one of its slices, it also waits until they have finished with it, so that
   * the run's last log line (written just after the terminal status) is there when this returns.
   *
   * @param timeout how long to wait at most; one beyond 100 years waits 100 years
   * @return the run when it ended, or as it was when the timeout passed
   * @throws PermissionDeniedException without {@link Scope#READ}
   * @throws NotFoundException when no run of the caller's team has the id
   */
  public RunSnapshot awaitTerminal(Caller caller, RunId id, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + (timeout.compareTo(LONGEST) > 0 ? LONGEST : timeout).toNanos();
    while (true) {
      long since = workers.changes();
      RunSnapshot run = retrieve(caller, id);
      if ((run.status().isTerminal() && !workers.finishing(id)) || System.nanoTime() >= deadline) {
        return run;
      }
      try {
        workers.awaitChange(since, id, deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return retrieve(caller, id);
      }
    }
  }

  /** The runs this engine's workers execute right now. */
  public List<RunId> executingRuns() {
    return workers.activeRuns();
  }

  // ---------------------------------------------------------------- helpers

  private RunRecord find(Caller caller, RunId id) {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(id, "id");
    return store.find(id)
        .filter(run -> run.team().equals(caller.team()) && !run.isSlice())
        .orElseThrow(() -> NotFoundException.run(id.toString()));
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds an {@link ExportEngine}. Each option may be set once; setting it again is an
   * {@link IllegalStateException} naming the earlier value. Setters reject bad values at once, with an
   * {@link IllegalArgumentException} naming the option: among them any duration longer than 100
   * years, from which a deadline or expiry could not be computed.
   * {@link #build()} connects nothing and starts nothing.
   */
  public static final class Builder {
    private @Nullable RunStore runStore;
    private @Nullable RecordSource recordSource;
    private @Nullable BlobStore blobStore;
    private @Nullable List<FormatProvider> formats;
    private @Nullable Clock clock;
    private @Nullable Integer workers;
    private @Nullable Integer maxActiveRunsPerTeam;
    private @Nullable Duration maxIntervalLength;
    private @Nullable Duration timeLimit;
    private @Nullable Duration leaseDuration;
    private @Nullable Duration pollInterval;
    private @Nullable RetryPolicy retryPolicy;
    private @Nullable RandomGenerator random;
    private @Nullable Duration fileRetention;
    private @Nullable Duration linkLifetime;
    private @Nullable Duration maintenanceInterval;
    private @Nullable Duration shutdownGrace;
    private @Nullable String instanceName;
    private @Nullable QuotaCheck quotaCheck;
    private @Nullable Duration sliceLength;

    private Builder() {}

    /** Where runs are kept (required): {@link RunStores#h2}, {@link RunStores#jdbc} or {@link RunStores#inMemory}. */
    public Builder runStore(RunStore value) {
      runStore = once(runStore, value, "runStore");
      return this;
    }

    /** Where rows come from (required): one of {@link RecordSources}, or your own. */
    public Builder recordSource(RecordSource value) {
      recordSource = once(recordSource, value, "recordSource");
      return this;
    }

    /** Where files go (required): {@link BlobStores#fromUri} or {@link BlobStores#inMemory}. */
    public Builder blobStore(BlobStore value) {
      blobStore = once(blobStore, value, "blobStore");
      return this;
    }

    /**
     * The format writers to use; they win over those found with {@link java.util.ServiceLoader},
     * which supply any format not given here. Default: only discovery.
     */
    public Builder formats(List<FormatProvider> value) {
      formats = once(formats, List.copyOf(value), "formats");
      return this;
    }

    /** The clock for timestamps, deadlines and expiry; default the system UTC clock. */
    public Builder clock(Clock value) {
      clock = once(clock, value, "clock");
      return this;
    }

    /**
     * The source of the random part of retry waits (see {@link #retries}); default a fresh unseeded
     * generator. A seeded one makes tests repeatable.
     * The engine uses it from its worker threads one call at a time.
     */
    public Builder random(RandomGenerator value) {
      random = once(random, Objects.requireNonNull(value, "random"), "random");
      return this;
    }

    /** Runs this engine executes at once; default {@value ExportEngine#DEFAULT_WORKERS}. */
    public Builder workers(int value) {
      workers = once(workers, atLeastOne("workers", value), "workers");
      return this;
    }

    /** Runs a team may have starting or running at once; default {@value ExportEngine#DEFAULT_MAX_ACTIVE_RUNS_PER_TEAM}. */
    public Builder maxActiveRunsPerTeam(int value) {
      maxActiveRunsPerTeam = once(maxActiveRunsPerTeam, atLeastOne("maxActiveRunsPerTeam", value),
          "maxActiveRunsPerTeam");
      return this;
    }

    /** The longest data interval a request may ask for; default 7 days. */
    public Builder maxIntervalLength(Duration value) {
      maxIntervalLength = once(maxIntervalLength, positive("maxIntervalLength", value), "maxIntervalLength");
      return this;
    }

    /** How long a run may take from its first start before it ends {@code TimedOut}; default 1 hour. */
    public Builder timeLimit(Duration value) {
      timeLimit = once(timeLimit, positive("timeLimit", value), "timeLimit");
      return this;
    }

    /**
     * How long a claim on a run lasts without a heartbeat; default 30 s. A crashed engine's runs are
     * taken over this long after its last heartbeat. Heartbeats go every third of it.
     */
    public Builder leaseDuration(Duration value) {
      leaseDuration = once(leaseDuration, positive("leaseDuration", value), "leaseDuration");
      return this;
    }

    /** How often the engine claims runs and checks running ones for cancellation; default 500 ms, at least 1 ms. */
    public Builder pollInterval(Duration value) {
      pollInterval = once(pollInterval, atLeast("pollInterval", value, Duration.ofMillis(1), "1 ms"), "pollInterval");
      return this;
    }

    /**
     * How transient failures are retried: up to {@code maxAttempts} attempts in all, with exponential
     * backoff and full jitter. The ceiling of the wait is {@code initialBackoff} after the first
     * failure and doubles after each further one, never above {@code maxBackoff}; the wait itself is
     * drawn uniformly between zero and that ceiling, so that engines on several machines that failed
     * together do not retry in lockstep. When the attempts are used up the run ends
     * {@link RunStatus#FAILED_RETRYABLE}. Default {@value #DEFAULT_MAX_ATTEMPTS} attempts, from 1 s up
     * to 30 s; {@code retries(1, Duration.ZERO, Duration.ZERO)} never retries.
     *
     * @throws IllegalArgumentException when {@code maxAttempts} is below 1, a backoff is negative or
     *     longer than 100 years, or {@code maxBackoff} is shorter than {@code initialBackoff}
     */
    public Builder retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
      retryPolicy = once(retryPolicy, new RetryPolicy(maxAttempts, initialBackoff, maxBackoff), "retries");
      return this;
    }

    /** How long file downloads stay downloadable; default 7 days. Expired files are deleted. */
    public Builder fileRetention(Duration value) {
      fileRetention = once(fileRetention, positive("fileRetention", value), "fileRetention");
      return this;
    }

    /** The longest lifetime of a download link; default 1 hour. */
    public Builder linkLifetime(Duration value) {
      linkLifetime = once(linkLifetime, positive("linkLifetime", value), "linkLifetime");
      return this;
    }

    /** How often expired files and leftovers of failed attempts are deleted; default 1 minute, at least 1 ms. */
    public Builder maintenanceInterval(Duration value) {
      maintenanceInterval = once(maintenanceInterval,
          atLeast("maintenanceInterval", value, Duration.ofMillis(1), "1 ms"), "maintenanceInterval");
      return this;
    }

    /** How long {@link ExportEngine#close()} waits for running exports; default 30 s. */
    public Builder shutdownGrace(Duration value) {
      shutdownGrace = once(shutdownGrace, notNegative("shutdownGrace", value), "shutdownGrace");
      return this;
    }

    /**
     * This engine's name in leases, operator logs (SLF4J) and metrics; default host name, process id
     * and a random suffix. Run logs and errors, which users read, never show it.
     */
    public Builder instanceName(String value) {
      Objects.requireNonNull(value, "instanceName");
      if (value.isBlank() || value.length() > 200) {
        throw new IllegalArgumentException("instanceName must be 1 to 200 characters, got '" + value + "'");
      }
      instanceName = once(instanceName, value, "instanceName");
      return this;
    }

    /**
     * Cuts runs whose interval is longer than this into consecutive slices of this length, which
     * engines (in this and other processes sharing the run store) export in parallel; the run's files
     * are the slices' files in time order. A slice that fails transiently is retried alone. Default:
     * runs are not sliced. At least one minute; a run is cut into at most {@value ExportEngine#MAX_SLICES}
     * slices (longer ones when needed). A sliced run exports exactly what the whole run would: an
     * event whose uuid an earlier slice exported is not exported again.
     */
    public Builder sliceLength(Duration value) {
      sliceLength = once(sliceLength, atLeast("sliceLength", value, Duration.ofMinutes(1), "1 minute"), "sliceLength");
      return this;
    }

    /** The host's quota check, asked before every attempt of a run; default allows every run. */
    public Builder quotaCheck(QuotaCheck value) {
      quotaCheck = once(quotaCheck, value, "quotaCheck");
      return this;
    }

    /**
     * The engine.
     *
     * @throws IllegalStateException when a required part is missing, or the lease is too short for
     *     the poll interval
     */
    @CheckReturnValue
    public ExportEngine build() {
      required(runStore, "runStore", "RunStores.h2(dir), RunStores.jdbc(dataSource) or RunStores.inMemory()");
      required(recordSource, "recordSource", "RecordSources.jdbc(dataSource) or RecordSources.inMemory()...build()");
      required(blobStore, "blobStore", "BlobStores.fromUri(uri) or BlobStores.inMemory()");
      Duration lease = leaseDuration == null ? DEFAULT_LEASE_DURATION : leaseDuration;
      Duration poll = pollInterval == null ? DEFAULT_POLL_INTERVAL : pollInterval;
      if (lease.compareTo(poll.multipliedBy(3)) < 0) {
        throw new IllegalStateException("leaseDuration " + lease + " must be at least three poll intervals ("
            + poll + ") so that heartbeats keep leases alive");
      }
      Formats resolved = Formats.resolve(formats == null ? List.of() : formats, ExportEngine.class.getClassLoader());
      EngineSettings settings = new EngineSettings(
          runStore,
          recordSource,
          blobStore,
          resolved,
          clock == null ? Clock.systemUTC() : clock,
          workers == null ? DEFAULT_WORKERS : workers,
          maxActiveRunsPerTeam == null ? DEFAULT_MAX_ACTIVE_RUNS_PER_TEAM : maxActiveRunsPerTeam,
          maxIntervalLength == null ? DEFAULT_MAX_INTERVAL_LENGTH : maxIntervalLength,
          timeLimit == null ? DEFAULT_TIME_LIMIT : timeLimit,
          lease,
          poll,
          retryPolicy == null ? RetryPolicy.DEFAULT : retryPolicy,
          fileRetention == null ? DEFAULT_FILE_RETENTION : fileRetention,
          linkLifetime == null ? DEFAULT_LINK_LIFETIME : linkLifetime,
          maintenanceInterval == null ? DEFAULT_MAINTENANCE_INTERVAL : maintenanceInterval,
          shutdownGrace == null ? DEFAULT_SHUTDOWN_GRACE : shutdownGrace,
          instanceName == null ? EngineSettings.defaultInstanceName() : instanceName,
          quotaCheck == null ? QuotaCheck.ALLOW_ALL : quotaCheck,
          sliceLength,
          random == null ? new SplittableRandom() : random);
      return new ExportEngine(settings);
    }
  }
}
