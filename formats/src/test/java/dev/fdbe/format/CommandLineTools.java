package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The compression tools installed on this machine ({@code gzip}, {@code zstd}, ...), run on files. */
public final class CommandLineTools {
  private CommandLineTools() {}

  /** The executable of that name on the {@code PATH}, if installed. */
  public static Optional<Path> find(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** What {@code tool -dc file} prints, checking that it ends with exit code 0. */
  public static byte[] decode(Path tool, Path file) throws Exception {
    Process process = new ProcessBuilder(tool.toString(), "-dc", file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("%s ended", tool).isTrue();
    assertThat(process.exitValue()).as("%s -dc %s exit code", tool, file).isZero();
    return output;
  }
}
