package dev.fdbe.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Command-line options of the form {@code --name value} or {@code --name=value}, and the
 * environment variables that stand in for them. Unknown names, repeated names and missing values
 * are errors that name the option. An option whose {@link Spec} has a variable takes the
 * variable's value when the command line does not give it: a flag wins over its variable, and an
 * empty variable counts as unset. A bad value is an error naming where it came from, the flag or
 * the variable.
 */
final class Options {
  /**
   * One option: its name without the dashes, what its value looks like ({@code N}, {@code DIR}),
   * its default as the usage shows it, what it does, and whether the environment variable
   * {@link #variable()} may give it.
   */
  record Spec(String name, String value, String defaultText, String help, boolean fromEnvironment) {
    /** An option that only the command line gives. */
    static Spec flag(String name, String value, String defaultText, String help) {
      return new Spec(name, value, defaultText, help, false);
    }

    /** An option that the command line or its environment variable gives, the flag winning. */
    static Spec withVariable(String name, String value, String defaultText, String help) {
      return new Spec(name, value, defaultText, help, true);
    }

    /** {@code --name}. */
    String flagName() {
      return "--" + name;
    }

    /** {@code FDBE_} and the name upper-cased with {@code -} as {@code _}, e.g. {@code FDBE_DATA_DIR}. */
    String variable() {
      return "FDBE_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  /** A value and where it came from: the flag or the environment variable. */
  private record Value(String text, boolean fromVariable, String variable) {}

  private final Map<String, Value> values;

  private Options(Map<String, Value> values) {
    this.values = values;
  }

  /**
   * Parses the arguments against the known options, then takes the value of each option not given
   * from its environment variable, if it has one and it is set.
   *
   * @throws UsageException naming the first argument that is wrong
   */
  static Options parse(List<String> args, List<Spec> known, Map<String, String> env) {
    Map<String, Spec> byName = known.stream().collect(Collectors.toMap(Spec::name, spec -> spec, (a, b) -> {
      throw new IllegalArgumentException("option --" + a.name() + " is defined twice");
    }, LinkedHashMap::new));
    Map<String, Value> values = new LinkedHashMap<>();
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
      Spec spec = byName.get(name);
      if (spec == null) {
        throw new UsageException("unknown option '--" + name + "'; known options: --"
            + String.join(", --", byName.keySet()));
      }
      if (value == null) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new UsageException("option '--" + name + "' needs a value");
        }
        value = args.get(++i);
      }
      if (values.put(name, new Value(value, false, spec.variable())) != null) {
        throw new UsageException("option '--" + name + "' is given twice");
      }
    }
    for (Spec spec : known) {
      String value = spec.fromEnvironment() ? env.get(spec.variable()) : null;
      if (value != null && !value.isEmpty() && !values.containsKey(spec.name())) {
        values.put(spec.name(), new Value(value, true, spec.variable()));
      }
    }
    return new Options(values);
  }

  /** The option's value, from its flag or its variable, or the default. */
  @Nullable String get(String name, @Nullable String defaultValue) {
    Value value = values.get(name);
    return value == null ? defaultValue : value.text();
  }

  /** Where the option's value came from, for messages: {@code --name}, or its variable when that gave it. */
  String source(String name) {
    Value value = values.get(name);
    return value != null && value.fromVariable() ? value.variable() : "--" + name;
  }

  int getInt(String name, int defaultValue, int min, int max) {
    Value value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value.text());
    } catch (NumberFormatException e) {
      throw value.fromVariable()
          ? badVariable(value, "an integer between " + min + " and " + max)
          : new UsageException("option '--" + name + "' must be an integer, got '" + value.text() + "'");
    }
    if (parsed < min || parsed > max) {
      throw value.fromVariable()
          ? badVariable(value, "an integer between " + min + " and " + max)
          : new UsageException("option '--" + name + "' must be between " + min + " and " + max + ", got "
              + value.text());
    }
    return parsed;
  }

  /** {@code true} or {@code false}, in any case; anything else is an error. */
  boolean getBoolean(String name, boolean defaultValue) {
    Value value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.text().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw value.fromVariable() ? badVariable(value, "true or false")
          : new UsageException("option '--" + name + "' must be true or false, got '" + value.text() + "'");
    };
  }

  private static UsageException badVariable(Value value, String expected) {
    return new UsageException(value.variable() + ": '" + value.text() + "' is not " + expected);
  }

  /** A command line that cannot be run; the message says why. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
