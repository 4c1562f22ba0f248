package dev.fdbe.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's CPU time spent so far, all processes together (user, nice, system, irq and softirq
 * time of {@code /proc/stat}'s first line; guest time is inside user and nice already, and steal time
 * is the hypervisor running another machine): two readings around a line give the core-seconds that
 * line kept the machine busy, the database server's share included. Linux counts in USER_HZ, which is
 * 100 per second on every architecture this suite runs on.
 */
final class MachineCpu {
  private static final Path STAT = Path.of("/proc/stat");
  private static final double TICKS_PER_SECOND = 100;

  private MachineCpu() {}

  /** The busy core-seconds since boot, or -1 where {@code /proc/stat} cannot be read. */
  static double busySeconds() {
    try (var lines = Files.lines(STAT)) {
      return lines.findFirst().map(MachineCpu::busySeconds).orElse(-1.0);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** From {@code /proc/stat}'s {@code cpu} line: user nice system idle iowait irq softirq steal …. */
  static double busySeconds(String cpuLine) {
    String[] fields = cpuLine.trim().split("\\s+");
    if (!fields[0].equals("cpu") || fields.length < 8) {
      return -1;
    }
    long busy = 0;
    for (int field : new int[] {1, 2, 3, 6, 7}) {
      busy += Long.parseLong(fields[field]);
    }
    return busy / TICKS_PER_SECOND;
  }

  /** The core-seconds between two readings, to the hundredth that Linux counts in, or -1 when either is unknown. */
  static double between(double before, double after) {
    return before < 0 || after < 0 ? -1 : Math.round((after - before) * TICKS_PER_SECOND) / TICKS_PER_SECOND;
  }
}
