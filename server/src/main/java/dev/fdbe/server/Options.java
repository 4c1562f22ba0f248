package dev.fdbe.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the form {@code --name value} or {@code --name=value}. Unknown names,
 * repeated names and missing values are errors that name the option.
 */
final class Options {
  private final Map<String, String> values;

  private Options(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses the arguments against the known option names (without the leading dashes).
   *
   * @throws UsageException naming the first argument that is wrong
   */
  static Options parse(List<String> args, Set<String> known) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException("unexpected argument '" + arg + "'; options look like --name value");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!known.contains(name)) {
        throw new UsageException("unknown option '--" + name + "'; known options: --" + String.join(", --", known));
      }
      if (value == null) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new UsageException("option '--" + name + "' needs a value");
        }
        value = args.get(++i);
      }
      if (values.put(name, value) != null) {
        throw new UsageException("option '--" + name + "' is given twice");
      }
    }
    return new Options(values);
  }

  String get(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  int getInt(String name, int defaultValue, int min, int max) {
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new UsageException("option '--" + name + "' must be between " + min + " and " + max + ", got " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException("option '--" + name + "' must be an integer, got '" + value + "'");
    }
  }

  /** A command line that cannot be run; the message says why. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
