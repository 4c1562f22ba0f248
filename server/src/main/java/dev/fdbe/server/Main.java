package dev.fdbe.server;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of {@code fdbe-server.jar}. Exit codes: 0 success, 1 the command failed, 2 the
 * command line is wrong.
 */
public final class Main {
  private static final String USAGE = String.join("\n",
      "usage: java -jar fdbe-server.jar <command> [options]",
      "",
      "commands:",
      "  example-export   run one export on the embedded defaults and print where its files are",
      "                   --data-dir DIR (default ./fdbe-data)  --model events|persons|sessions",
      "                   --format JSONLines  --max-size-mb N  --demo-rows N (default 100000)",
      "  help             print this text");

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    String command = args.isEmpty() ? "help" : args.get(0);
    List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
    try {
      return switch (command) {
        case "example-export" -> ExampleExport.run(Options.parse(rest, ExampleExport.OPTIONS), out);
        case "help", "--help", "-h" -> {
          out.println(USAGE);
          yield 0;
        }
        default -> throw new Options.UsageException("unknown command '" + command + "'");
      };
    } catch (Options.UsageException e) {
      err.println("fdbe-server: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (Exception e) {
      err.println("fdbe-server: " + e.getMessage());
      return 1;
    }
  }

  private Main() {}
}
