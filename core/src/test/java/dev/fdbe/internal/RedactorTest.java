package dev.fdbe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactorTest {
  private static final String KEY = "1/6f0c3c2e-2b1a-4c53-9a55-0e1b2c3d4e5f/attempt-3/"
      + "2026-11-20T000000Z-2026-11-21T000000Z-00003.parquet";
  private static final Redactor REDACTOR = new Redactor(List.of("build-7/4242/1a2b3c4d"));

  /** Each row: a text, then what users see of it. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      # what users configured or may see: kept
      Wrote part 3 (KEY): 12 records, 3456 bytes | Wrote part 3 (KEY): 12 records, 3456 bytes
      to S3 bucket s3://acme-exports/fdbe/ (region eu-west-1) | to S3 bucket s3://acme-exports/fdbe/ (region eu-west-1)
      cannot upload gs://bucket/prefix/KEY: HTTP 503 | cannot upload gs://bucket/prefix/KEY: HTTP 503
      from 2026-11-20T00:00:00Z to 2026-11-21T00:00:00.1234Z | from 2026-11-20T00:00:00Z to 2026-11-21T00:00:00.1234Z
      expired at 2026-11-20T05:00:00+01:00 | expired at 2026-11-20T05:00:00+01:00
      run 6f0c3c2e-2b1a-4c53-9a55-0e1b2c3d4e5f | run 6f0c3c2e-2b1a-4c53-9a55-0e1b2c3d4e5f
      after 10:20:30, 3/4 done, and/or 50 MiB/s | after 10:20:30, 3/4 done, and/or 50 MiB/s
      Column 'person_properties' is not valid JSON | Column 'person_properties' is not valid JSON
      # file system paths
      cannot write /tmp/junit123/store/1/x.parquet: access denied | cannot write <path>: access denied
      java.nio.file.AccessDeniedException: /var/fdbe/files/.x.tmp | java.nio.file.AccessDeniedException: <path>
      Database may be in use: "/home/me/fdbe.mv.db". Close it | Database may be in use: "<path>". Close it
      no key file (/etc/fdbe/key). | no key file (<path>).
      read ~/.fdbe/link-signing-key | read <path>
      cannot open C:\\Users\\me\\files\\x.csv: denied | cannot open <path>: denied
      on \\\\fileserver\\share\\fdbe | on <path>
      store file:///var/fdbe/files?linkBaseUrl=x | store <path>
      jdbc:h2:file:/srv/fdbe/db;MODE=PostgreSQL failed | jdbc:h2:<path> failed
      # hosts
      Connection to 127.0.0.1:5432 refused. Check the hostname | Connection to <host> refused. Check the hostname
      Connect to minio:9000 [minio/172.18.0.2] failed | Connect to <host> [<host>] failed
      Failed to connect to localhost/127.0.0.1:4443 | Failed to connect to <host>
      no route to db.internal.example.com:5432. | no route to <host>.
      peer 10.0.3.17 reset the connection | peer <host> reset the connection
      listening on [::1]:8080 and fe80::1%eth0 | listening on <host> and <host>
      at 2001:db8:0:0:0:0:2:1 now | at <host> now
      request https://minio.internal:9000/bucket/key?uploadId=abc | request https://<host>/bucket/key?<query>
      url jdbc:postgresql://db:5432/fdbe?user=fdbe&password=secret | url jdbc:postgresql://<host>/fdbe?<query>
      s3://bucket/prefix/?endpoint=http://127.0.0.1:9000 | s3://bucket/prefix/?endpoint=http://<host>
      # processes and this engine
      locked by pid 31337 elsewhere | locked by pid <pid> elsewhere
      held by process id: 31337 | held by process id: <pid>
      JVM 31337@build-7 holds the lock | JVM <pid> holds the lock
      attempt 1 on build-7/4242/1a2b3c4d) | attempt 1 on <engine>)
      """)
  void replacesInternalDetailAndKeepsWhatUsersConfigured(String text, String expected) {
    assertThat(REDACTOR.redact(text.replace("KEY", KEY))).isEqualTo(expected.replace("KEY", KEY));
  }

  @Test
  void identifiersThatReadAsWordsAreNotReplaced() {
    Redactor redactor = new Redactor(List.of("engine", "node-a"));

    assertThat(redactor.redact("The engine node-a stopped; node-ab and xnode-a did not"))
        .isEqualTo("The engine <engine> stopped; node-ab and xnode-a did not");
  }

  @Test
  void textWithoutInternalDetailIsReturnedAsItIs() {
    String text = "Export completed: 2 records in 1 file (345 bytes)";

    Redactor patternsOnly = new Redactor(List.of());

    assertThat(patternsOnly.redact(text)).isEqualTo(text);
    assertThat(patternsOnly.redact("")).isEmpty();
  }
}
