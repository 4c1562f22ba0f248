package dev.fdbe.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.Compression;
import dev.fdbe.ExportEngine;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * One engine process of {@link ScaleOutIT}: an engine on a shared PostgreSQL run store and shared
 * local storage, driven by commands on standard input, one per line, each answered on standard
 * output by a line starting with its number. Commands run concurrently, so several creates sent
 * together race as they would from several request threads.
 *
 * <pre>
 * n START                                   start the workers      -> n OK
 * n CREATE team start end maxSizeMb         create an events run   -> n OK id | n ERR Exception message
 * n CANCEL team id                          cancel                 -> n OK | n ERR ...
 * n ACTIVE                                  runs executing here    -> n OK id,id,...
 * </pre>
 *
 * <p>Arguments: JDBC URL, storage URI, instance name, workers, rows between pauses of 10 ms (0 for
 * no pause; -n to read n rows of each run and then stay stuck until the run is stopped), slice
 * length in minutes (0 for none), runs allowed per team, lease in seconds.
 */
public final class EngineNode {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    URI storage = URI.create(args[1]);
    String instance = args[2];
    int workers = Integer.parseInt(args[3]);
    int rowsPerPause = Integer.parseInt(args[4]);
    int sliceMinutes = Integer.parseInt(args[5]);
    int perTeam = Integer.parseInt(args[6]);
    int leaseSeconds = Integer.parseInt(args[7]);

    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(url);
    pool.setPoolName(instance);
    pool.setMaximumPoolSize(workers * 3 + 2);
    HikariDataSource dataSource = new HikariDataSource(pool);
    RecordSource rows = RecordSources.jdbcBuilder(dataSource).fetchSize(100).build();
    ExportEngine.Builder builder = ExportEngine.builder()
        .runStore(RunStores.jdbc(dataSource))
        .blobStore(BlobStores.fromUri(storage))
        .recordSource(rowsPerPause > 0 ? Sources.slow(rows, rowsPerPause, Duration.ofMillis(10))
            : rowsPerPause < 0 ? Sources.stuck(rows, -rowsPerPause, new CountDownLatch(1)) : rows)
        .instanceName(instance)
        .workers(workers)
        .maxActiveRunsPerTeam(perTeam)
        .pollInterval(Duration.ofMillis(100))
        .leaseDuration(Duration.ofSeconds(leaseSeconds))
        .shutdownGrace(Duration.ofSeconds(1));
    if (sliceMinutes > 0) {
      builder.sliceLength(Duration.ofMinutes(sliceMinutes));
    }
    ExportEngine engine = builder.build();

    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ExecutorService commands = Executors.newCachedThreadPool();
    out.println("READY");
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String command = line;
        commands.execute(() -> {
          String[] words = command.trim().split(" ");
          String answer;
          try {
            answer = words[0] + " OK" + execute(engine, words);
          } catch (RuntimeException e) {
            answer = words[0] + " ERR " + e.getClass().getSimpleName() + " " + e.getMessage();
          }
          synchronized (out) {
            out.println(answer);
          }
        });
      }
    }
    // Standard input closed: the test is done with this engine.
    engine.close();
    dataSource.close();
    System.exit(0);
  }

  private static String execute(ExportEngine engine, String[] words) {
    return switch (words[1]) {
      case "START" -> {
        engine.start();
        yield "";
      }
      case "CREATE" -> {
        Caller caller = Caller.of(TeamId.of(Long.parseLong(words[2])), Scope.ALL);
        RunId id = engine.create(caller, ExportRequest.builder(Model.EVENTS, Instant.parse(words[3]),
                Instant.parse(words[4]))
            .file(new FileConfig(FileFormat.JSON_LINES, Compression.NONE, Integer.parseInt(words[5])))
            .build());
        yield " " + id;
      }
      case "CANCEL" -> {
        engine.cancel(Caller.of(TeamId.of(Long.parseLong(words[2])), Scope.ALL), RunId.parse(words[3]));
        yield "";
      }
      case "ACTIVE" -> " " + engine.executingRuns().stream().map(RunId::toString).collect(Collectors.joining(","));
      default -> throw new IllegalArgumentException("unknown command " + words[1]);
    };
  }

  private EngineNode() {}
}
