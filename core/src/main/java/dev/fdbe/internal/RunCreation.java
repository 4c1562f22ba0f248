package dev.fdbe.internal;

import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.LogLevel;
import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates runs for the engine: checks the request against the engine's settings, cuts a long
 * interval into slices when slicing is configured, stores the run (and its slices) as
 * {@code Starting} under the team limit, and writes the run's first log line. The engine checks the
 * caller's scope first and wakes its workers after.
 *
 * <p>Slices are consecutive, of the configured length except the last; a run is cut into at most
 * {@link ExportEngine#MAX_SLICES} slices, longer ones when needed.
 */
public final class RunCreation {
  private final EngineSettings settings;
  private final RunStore store;
  private final RunLog log;
  private final RequestValidator validator;

  public RunCreation(EngineSettings settings, RunLog log) {
    this.settings = settings;
    this.store = settings.runStore();
    this.log = log;
    this.validator = new RequestValidator(settings.clock(), settings.maxIntervalLength(),
        settings.formats().available());
  }

  /**
   * Stores a new run of the team; see {@link ExportEngine#create}.
   *
   * @return its id
   */
  public RunId create(TeamId team, ExportRequest request) {
    validator.validate(request);
    RunId id = RunId.random();
    Instant now = Micros.truncate(settings.clock().instant());
    List<ExportRequest> slices = slices(request);
    String sliced = "";
    if (slices.size() > 1) {
      RunRecord run = RunRecord.sliced(id, team, request, now, slices.size());
      List<RunRecord> records = new ArrayList<>(slices.size());
      for (int i = 0; i < slices.size(); i++) {
        records.add(RunRecord.slice(RunId.random(), run, i, slices.get(i)));
      }
      store.insertSliced(run, records, settings.maxActiveRunsPerTeam());
      sliced = ", in " + slices.size() + " slices of " + settings.sliceLength() + " that engines export in parallel";
    } else {
      store.insert(RunRecord.starting(id, team, request, now), settings.maxActiveRunsPerTeam());
    }
    log.log(id, RunLog.NO_ATTEMPT, LogLevel.INFO, "Export created: " + request.model().wireName() + " from "
        + request.dataInterval().start() + " to " + request.dataInterval().end() + " as "
        + request.file().format().wireName() + sliced);
    return id;
  }

  /** The request cut into consecutive slices of the configured length; one slice when not sliced. */
  private List<ExportRequest> slices(ExportRequest request) {
    Duration configured = settings.sliceLength();
    Instant start = request.dataInterval().start();
    Instant end = request.dataInterval().end();
    if (configured == null || Duration.between(start, end).compareTo(configured) <= 0) {
      return List.of(request);
    }
    long totalMicros = Micros.of(end) - Micros.of(start);
    long sliceMicros = Math.max(configured.toNanos() / 1000,
        (totalMicros + ExportEngine.MAX_SLICES - 1) / ExportEngine.MAX_SLICES);
    Duration length = Duration.ofNanos(sliceMicros * 1000);
    List<ExportRequest> slices = new ArrayList<>();
    for (Instant from = start; from.isBefore(end); from = from.plus(length)) {
      Instant to = from.plus(length).isBefore(end) ? from.plus(length) : end;
      slices.add(new ExportRequest(request.model(), request.file(), request.include(), request.exclude(),
          new TimeRange(from, to)));
    }
    return slices;
  }
}
