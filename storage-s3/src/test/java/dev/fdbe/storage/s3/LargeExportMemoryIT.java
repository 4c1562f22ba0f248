package dev.fdbe.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB export through the S3 store in a JVM with a 256 MiB heap. S3Proxy runs here, on a
 * directory, so that the child's heap holds only the export's own memory.
 */
class LargeExportMemoryIT {
  private static final long GIB = 1L << 30;

  @TempDir
  Path directory;

  @Test
  void aOneGibExportRunsInA256MibHeap() throws Exception {
    Path storage = Files.createDirectories(directory.resolve("s3"));
    try (S3ProxyServer server = S3ProxyServer.onDisk(storage)) {
      String bucket = server.newBucket();
      String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Path output = directory.resolve("child.log");
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", classPath, LargeExport.class.getName(),
          server.endpoint.toString(), bucket, Long.toString(GIB))
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      boolean ended = child.waitFor(10, TimeUnit.MINUTES);
      if (!ended) {
        child.destroyForcibly();
      }
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      String result = lines.stream().filter(l -> l.startsWith("RESULT")).findFirst().orElse("no RESULT line");
      System.out.println(result);

      assertThat(ended).as("the child ended; its output: %s", lines).isTrue();
      assertThat(child.exitValue()).as("exit code; output: %s", lines).isZero();
      assertThat(result).contains("status=Completed").contains("files=1").contains("maxHeapMiB=256");
      List<software.amazon.awssdk.services.s3.model.S3Object> objects = server.objects(bucket);
      assertThat(objects).hasSize(1);
      assertThat(objects.get(0).size()).isGreaterThanOrEqualTo(GIB);
      assertThat(server.openUploads(bucket)).isEmpty();
      server.admin.deleteObject(b -> b.bucket(bucket).key(objects.get(0).key()));
    }
  }

}
