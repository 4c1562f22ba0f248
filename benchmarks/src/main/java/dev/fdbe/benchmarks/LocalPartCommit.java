package dev.fdbe.benchmarks;

import dev.fdbe.BlobStores;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobUpload;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * How long the commit of a large part waits for the disk in local storage: a part of
 * {@code --megabytes} (default 900, about a 1M-row JSON Lines part) written through the store's
 * upload stream in 64 KiB writes at {@code --rate} MB/s (default 150, the uncompressed text writers'
 * output rate; the writing thread spins between writes as a writer computing rows would), then
 * committed. Prints per round the seconds spent writing and the seconds of {@code commit()}, which
 * syncs the file, renames it and syncs its directory. The writes go to {@code --dir} (default
 * {@code benchmarks/target/local-part-commit}), on the disk whose sync is measured.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.fdbe.benchmarks.LocalPartCommit --rounds 3}
 */
public final class LocalPartCommit {
  private static final int WRITE_BYTES = 64 * 1024;

  private LocalPartCommit() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of("benchmarks", "target", "local-part-commit");
    long megabytes = 900;
    double rate = 150;
    int rounds = 3;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--megabytes" -> megabytes = Long.parseLong(args[i + 1]);
        case "--rate" -> rate = Double.parseDouble(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "'; options: --dir DIR --megabytes N --rate MB_PER_S --rounds N");
      }
    }
    BlobStore store = BlobStores.fromUri(URI.create(Files.createDirectories(dir).toAbsolutePath().toUri().toString()));
    byte[] block = new byte[WRITE_BYTES];
    new Random(7).nextBytes(block);
    long bytes = megabytes << 20;
    for (int round = 1; round <= rounds; round++) {
      long started = System.nanoTime();
      BlobUpload upload = store.beginUpload("parts/round-" + round);
      OutputStream stream = upload.stream();
      for (long written = 0; written < bytes; written += block.length) {
        block[(int) (written % block.length)]++; // no two blocks alike
        stream.write(block);
        long due = started + (long) ((written + block.length) / (rate * 1e6) * 1e9);
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
      }
      long writtenAt = System.nanoTime();
      upload.commit();
      long committed = System.nanoTime();
      System.out.printf(Locale.ROOT, "round %d: %,d MB written in %.2f s, commit %.3f s%n", round, megabytes,
          (writtenAt - started) / 1e9, (committed - writtenAt) / 1e9);
      store.deleteByPrefix("parts/");
    }
  }
}
