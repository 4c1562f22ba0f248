package dev.fdbe.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.BlobStores;
import dev.fdbe.Caller;
import dev.fdbe.ExportEngine;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.RunId;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStores;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.format.ExportFiles;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.RunStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * One embedded installation for a test: an H2 database file holding the reference tables and the
 * run store, a local storage directory, and engines built on them.
 */
final class Harness implements AutoCloseable {
  static final TeamId TEAM = TeamId.of(1);
  static final TeamId OTHER_TEAM = TeamId.of(2);
  static final Caller CALLER = Caller.of(TEAM, Scope.ALL);

  final Path directory;
  final Path storageRoot;
  final String databaseUrl;
  final DataSource dataSource;
  final RunStore runStore;
  final BlobStore blobStore;
  private final List<ExportEngine> engines = new ArrayList<>();

  /** An installation on an H2 database file in the directory. */
  Harness(Path directory) throws IOException {
    this(directory, "jdbc:h2:" + directory.resolve("db").toAbsolutePath(), null);
  }

  /** An installation on the given database (run store and reference tables), storage in the directory. */
  Harness(Path directory, DataSource database) throws IOException {
    this(directory, database.toString(), database);
  }

  private Harness(Path directory, String databaseUrl, DataSource database) throws IOException {
    this.directory = directory;
    this.storageRoot = Files.createDirectories(directory.resolve("files"));
    this.databaseUrl = databaseUrl;
    this.dataSource = database != null ? database : RunStores.h2DataSource(databaseUrl);
    RecordSources.createReferenceTables(dataSource);
    this.runStore = RunStores.jdbc(dataSource);
    this.blobStore = BlobStores.fromUri(storageRoot.toUri());
  }

  /**
   * An engine on this installation with test-friendly timings; closed with the harness. Its lease
   * is far longer than any stall of a busy machine, so that engines sharing the run store never
   * take a run over from a live one; a test of a takeover gives the engine that stops (is killed,
   * stalls, shuts down) its own short lease, or has it release the run.
   */
  ExportEngine.Builder engine() {
    return ExportEngine.builder()
        .runStore(runStore)
        .blobStore(blobStore)
        .pollInterval(Duration.ofMillis(50))
        .leaseDuration(Duration.ofSeconds(60))
        .shutdownGrace(Duration.ofSeconds(5));
  }

  ExportEngine started(ExportEngine engine) {
    engines.add(engine);
    engine.start();
    return engine;
  }

  void insert(TeamId team, Model model, List<Map<String, Object>> rows) {
    RecordSources.insertReferenceRows(dataSource, team, model, rows);
  }

  RunSnapshot await(ExportEngine engine, RunId id) {
    RunSnapshot run = engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60));
    assertThat(run.status().isTerminal()).as("run %s ended, but is %s", id, run.status()).isTrue();
    return run;
  }

  /** Every row of a completed run, reading its files in key order. */
  List<Map<String, Object>> read(RunSnapshot run) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FileRecord file : runStore.files(run.id())) {
      try (InputStream in = blobStore.open(file.key())) {
        rows.addAll(ExportFiles.readAll(in, run.request().file().format(), run.request().file().compression(),
            run.request().model().schema()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return rows;
  }

  /** The bytes of each file of a completed run, in key order. */
  List<byte[]> bytes(RunId id) {
    List<byte[]> files = new ArrayList<>();
    for (FileRecord file : runStore.files(id)) {
      try (InputStream in = blobStore.open(file.key())) {
        files.add(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  /** The keys of every stored object. */
  List<String> storedKeys() {
    return blobStore.list("").stream().map(BlobInfo::key).toList();
  }

  /** Every regular file under the storage root, temporary ones included, except the store's own settings. */
  List<Path> filesOnDisk() {
    try (Stream<Path> walk = Files.walk(storageRoot)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !storageRoot.relativize(p).startsWith(".fdbe"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes the embedded database so another process can open its file. */
  void shutdownDatabase() {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot shut the database down", e);
    }
  }

  @Override
  public void close() {
    for (ExportEngine engine : engines) {
      engine.close();
    }
  }
}
