package dev.fdbe.server;

import dev.fdbe.RecordSources;
import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.LogQuery;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.spi.FileRecord;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code example-export}: runs one export on the embedded defaults (demo data generated on first
 * use) and prints where its files are; on a terminal, a progress bar shows the run's progress while
 * it runs ({@link ExportProgress}).
 */
final class ExampleExport {
  /** How long the command waits for its export. */
  private static final Duration LIMIT = Duration.ofMinutes(30);
  /** How often it reads the run's progress. */
  private static final Duration POLL = Duration.ofMillis(250);

  static int run(Options options, PrintStream out) throws SQLException {
    Path dataDir = Path.of(options.get("data-dir", "fdbe-data"));
    Model model = Model.fromWireName(options.get("model", "events")).orElseThrow(() ->
        new Options.UsageException("--model must be one of " + Model.wireNames()));
    FileFormat format = FileFormat.fromWireName(options.get("format", "JSONLines")).orElseThrow(() ->
        new Options.UsageException("--format must be one of " + FileFormat.wireNames()));
    int maxSizeMb = options.getInt("max-size-mb", 0, 0, 1_048_576);
    int demoRows = options.getInt("demo-rows", 100_000, 1, 100_000_000);

    try (DataDirectory claim = DataDirectory.claim(dataDir, "example-export", out)) {
      return export(claim, model, format, maxSizeMb, demoRows, out);
    }
  }

  private static int export(DataDirectory claim, Model model, FileFormat format, int maxSizeMb, int demoRows,
      PrintStream out) throws SQLException {
    EmbeddedDefaults defaults = new EmbeddedDefaults(claim.path, URI.create("http://127.0.0.1:8000/fdbe/local-downloads"));
    Instant now = Clock.systemUTC().instant();
    RecordSources.createReferenceTables(defaults.dataSource);
    if (!DemoData.present(defaults.dataSource)) {
      out.println("Generating demo data (" + demoRows + " events for teams 1 and 2 over the last 7 days) in "
          + defaults.dataDir + " ...");
      DemoData.generate(defaults.dataSource, demoRows, now, 2026);
    }
    Instant end = now.truncatedTo(ChronoUnit.DAYS);
    Instant start = end.minus(Duration.ofDays(1));
    Caller caller = Caller.of(TeamId.of(1), Scope.ALL);
    try (ExportEngine engine = defaults.engine().build()) {
      engine.start();
      RunId id = engine.create(caller, ExportRequest.builder(model, start, end)
          .file(new FileConfig(format, Compression.NONE, maxSizeMb)).build());
      out.println("Exporting " + model + " of team 1 from " + start + " to " + end + " as " + format.wireName()
          + " (run " + id + ") ...");
      RunSnapshot run = follow(engine, caller, id, out == System.out ? ExportProgress.forStandardOutput()
          : ExportProgress.none());
      if (run.status() != RunStatus.COMPLETED) {
        out.println("The export ended " + run.status() + (run.error() == null ? "" : ": " + run.error()));
        List<RunLogEntry> log = engine.logs(caller, id, LogQuery.builder().limit(20).build()).items();
        log.forEach(entry -> out.println("  " + entry.level() + " " + entry.message()));
        return 1;
      }
      List<FileRecord> files = defaults.runStore.files(id);
      out.println("Completed: " + run.recordsCompleted() + " records in " + files.size()
          + (files.size() == 1 ? " file" : " files") + " (" + run.bytesExported() + " bytes) under "
          + defaults.storageRoot + ":");
      for (FileRecord file : files) {
        out.println("  " + defaults.storageRoot.resolve(file.key()) + "  (" + file.records() + " records, "
            + file.sizeBytes() + " bytes, sha256 " + file.sha256() + ")");
      }
      return 0;
    } finally {
      defaults.close();
    }
  }

  /**
   * Waits for the run to end, at most {@link #LIMIT}, showing its progress as it goes: retrieve
   * every {@link #POLL} until the status is terminal, then until this engine has finished with it.
   */
  static RunSnapshot follow(ExportEngine engine, Caller caller, RunId id, ExportProgress progress) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    RunSnapshot run;
    try (progress) {
      do {
        run = engine.awaitTerminal(caller, id, POLL);
        progress.show(run);
      } while (!run.status().isTerminal() && System.nanoTime() < deadline);
    }
    return engine.awaitTerminal(caller, id, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  private ExampleExport() {}
}
