package dev.fdbe.server;

import dev.fdbe.RunSnapshot;
import java.io.Console;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * What {@code example-export} shows while its run runs: on a terminal, a progress bar of the
 * records written out of the records the source counted ({@code records_total}; a bare count while
 * the total is unknown) with the time taken and the time left, moved by each snapshot the command
 * reads; anywhere else nothing at all, so
 * that redirected output, CI logs and tests stay plain. Close it before printing after it: closing
 * ends the bar's line.
 *
 * <p>Used by the one thread that polls the run; the bar redraws itself on a thread of its own.
 */
final class ExportProgress implements AutoCloseable {
  /** How often the bar redraws. */
  private static final int REDRAW_MILLIS = 200;

  /** The bar and the consumer it draws on; null when nothing is shown. */
  private final @Nullable Drawing drawing;

  private record Drawing(ProgressBar bar, LineEndingConsumer consumer) {}

  private ExportProgress(@Nullable Drawing drawing) {
    this.drawing = drawing;
  }

  /** A bar on standard output when it is a terminal; otherwise one that shows nothing. */
  static ExportProgress forStandardOutput() {
    return isTerminal(System.console()) ? drawingOn(System.out, 0) : none();
  }

  /**
   * A bar drawn on {@code out}, at most {@code width} characters wide, or as wide as the terminal
   * when {@code width} is 0.
   */
  static ExportProgress drawingOn(PrintStream out, int width) {
    LineEndingConsumer consumer = new LineEndingConsumer(out, width);
    return new ExportProgress(new Drawing(new ProgressBarBuilder()
        .setTaskName("Exporting")
        .setInitialMax(-1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUnit(" records", 1)
        .setUpdateIntervalMillis(REDRAW_MILLIS)
        .setConsumer(consumer)
        .build(), consumer));
  }

  /** Shows nothing. */
  static ExportProgress none() {
    return new ExportProgress(null);
  }

  /**
   * Whether the console stands for a terminal: before Java 22 a console exists only when standard
   * input and output are one; from Java 22 on {@code Console.isTerminal()} says so.
   */
  static boolean isTerminal(@Nullable Console console) {
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException beforeJava22) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** Moves the bar to the run's progress. */
  void show(RunSnapshot run) {
    if (drawing == null) {
      return;
    }
    ProgressBar bar = drawing.bar();
    Long total = run.recordsTotal();
    // Rows that arrived after the count can take the records past the total; the bar then grows with them.
    bar.maxHint(total == null ? -1 : Math.max(total, run.recordsCompleted()));
    bar.stepTo(run.recordsCompleted());
  }

  /**
   * Draws the bar a last time and ends its line. The bar's library ends the line only if its redraw
   * thread drew the bar once before (progressbar 0.10.2): a run that ends before that first redraw
   * would leave the next output on the bar's line, so the line is ended here then.
   */
  @Override
  public void close() {
    if (drawing != null) {
      drawing.bar().close();
      if (!drawing.consumer().closed) {
        drawing.consumer().close();
      }
    }
  }

  /** The console consumer, which knows whether it was closed (its line ended). */
  private static final class LineEndingConsumer extends ConsoleProgressBarConsumer {
    private volatile boolean closed;

    LineEndingConsumer(PrintStream out, int width) {
      super(out, width > 0 ? width : -1); // -1: as wide as the terminal, as ConsoleProgressBarConsumer(out) is
    }

    @Override
    public void close() {
      closed = true;
      super.close();
    }
  }
}
