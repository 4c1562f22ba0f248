package dev.fdbe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.ExportException;
import dev.fdbe.internal.source.JdbcCursor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import org.junit.jupiter.api.Test;

/** How failures are described to users: what a foreign exception says, without the machine's names. */
class FailuresTest {
  @Test
  void ourOwnMessagesAreTakenAsTheyAre() {
    assertThat(Failures.describe(new ExportException("connection to the source reset by peer", true)))
        .isEqualTo("connection to the source reset by peer");
  }

  @Test
  void aFileSystemExceptionSaysItsReasonNotItsFiles() {
    FileSystemException full = new FileSystemException("/srv/fdbe files/1/.x.tmp", "/srv/fdbe files/1/x",
        "No space left on device");

    assertThat(Failures.describe(full)).isEqualTo("FileSystemException: No space left on device");
    assertThat(Failures.describe(new UncheckedIOException(new AccessDeniedException("/srv/fdbe/1/x"))))
        .isEqualTo("AccessDeniedException");
  }

  @Test
  void filesAndHostsTheChainNamesAreTakenOutOfAnyMessageThatRepeatsThem() {
    IOException wrapped = new IOException("cannot write /srv/fdbe files/1/x.tmp: No space left on device",
        new FileSystemException("/srv/fdbe files/1/x.tmp", null, "No space left on device"));
    RuntimeException sdk = new RuntimeException("Unable to execute HTTP request: minio.internal",
        new UnknownHostException("minio.internal: Name or service not known"));

    assertThat(Failures.describe(wrapped)).isEqualTo("IOException: cannot write <path>: No space left on device");
    assertThat(Failures.describe(sdk)).isEqualTo("RuntimeException: Unable to execute HTTP request: <host>");
  }

  @Test
  void sqlErrorsAreDescribedWithoutTheDriversHostsAndStatements() {
    SQLException refused = new SQLException("Connection to 127.0.0.1:5432 refused. Check that the hostname and "
        + "port are correct and that the postmaster is accepting TCP/IP connections.", "08001");
    SQLException missing = new SQLSyntaxErrorException("Table \"NO_SUCH_EVENTS\" not found; SQL statement:\n"
        + "SELECT e.uuid FROM no_such_events e [42104-232]", "42S04");

    assertThat(Failures.describe(refused)).isEqualTo("SQLException: the database connection failed (SQLSTATE 08001)");
    assertThat(JdbcCursor.sourceFailure("cannot query the table events", refused))
        .hasMessage("cannot query the table events: the database connection failed (SQLSTATE 08001)")
        .hasCause(refused);
    assertThat(JdbcCursor.sourceFailure("cannot query the table no_such_events", missing))
        .hasMessage("cannot query the table no_such_events: Table \"NO_SUCH_EVENTS\" not found (SQLSTATE 42S04)");
  }
}
