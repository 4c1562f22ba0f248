package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.testing.ConnectionSource;
import dev.fdbe.testing.LinesFormat;
import dev.fdbe.testing.TestDatabases;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import dev.fdbe.internal.source.InMemoryRecordSource;

/** The run store borrows connections per statement: none is held while an export writes rows. */
class ConnectionUseTest {
  private static final TeamId TEAM = TeamId.of(1);
  private static final Caller CALLER = Caller.of(TEAM, Scope.ALL);
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");

  /** A data source that counts the connections open at this moment and at most. */
  private static final class CountingDataSource extends ConnectionSource {
    private final DataSource delegate;
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();

    CountingDataSource(DataSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection connection = delegate.getConnection();
      most.accumulateAndGet(open.incrementAndGet(), Math::max);
      AtomicInteger closed = new AtomicInteger();
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            if (method.getName().equals("close") && closed.getAndIncrement() == 0) {
              open.decrementAndGet();
            }
            try {
              return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }

  @Test
  void noRunStoreConnectionIsHeldWhileRowsAreWritten() throws Exception {
    CountingDataSource database = new CountingDataSource(TestDatabases.h2());
    InMemoryRecordSource rows = new InMemoryRecordSource();
    for (int i = 0; i < 100; i++) {
      rows.add(TEAM, Model.EVENTS, Map.of("uuid", UUID.randomUUID().toString(), "event", "e",
          "timestamp", DAY.plusSeconds(i)));
    }
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    RecordSource paused = new RecordSource() {
      @Override
      public RecordCursor open(SourceQuery query) {
        RecordCursor cursor = rows.open(query);
        AtomicInteger read = new AtomicInteger();
        return (RecordCursor) Proxy.newProxyInstance(RecordCursor.class.getClassLoader(),
            new Class<?>[] {RecordCursor.class}, (proxy, method, args) -> {
              if (method.getName().equals("next") && read.incrementAndGet() == 50) {
                writing.countDown();
                // Only a safety net against a hung test: the test resumes the export itself.
                resume.await(5, TimeUnit.MINUTES);
              }
              try {
                return method.invoke(cursor, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }

      @Override
      public String describe() {
        return "paused source";
      }
    };
    // Long poll and lease: no periodic run-store call falls into the pause.
    try (ExportEngine engine = ExportEngine.builder().runStore(RunStores.jdbc(database)).recordSource(paused)
        .blobStore(BlobStores.inMemory()).formats(List.of(new LinesFormat()))
        .pollInterval(Duration.ofSeconds(30)).leaseDuration(Duration.ofSeconds(90)).workers(2).build()) {
      engine.start();
      RunId id = engine.create(CALLER, ExportRequest.builder(Model.EVENTS, DAY, DAY.plus(Duration.ofDays(1)))
          .file(FileConfig.of(FileFormat.JSON_LINES)).build());
      assertThat(writing.await(60, TimeUnit.SECONDS)).as("the export reached its 50th row").isTrue();

      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(60)).until(() -> database.open.get() == 0);
      assertThat(engine.retrieve(CALLER, id).status()).isEqualTo(RunStatus.RUNNING);

      resume.countDown();
      assertThat(engine.awaitTerminal(CALLER, id, Duration.ofSeconds(60)).status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(database.most.get()).as("connections open at once").isLessThanOrEqualTo(2 * 2 + 2);
    }
  }
}
