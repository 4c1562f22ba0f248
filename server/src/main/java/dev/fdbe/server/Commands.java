package dev.fdbe.server;

import dev.fdbe.server.Options.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The commands of {@code fdbe-server.jar} and their options: the one table that parsing, the usage
 * text and the environment variables are derived from. Every {@code serve} option has an
 * environment variable ({@link Spec#variable()}); {@code keys} and {@code example-export} read the
 * variables of the options they share with {@code serve} ({@code --data-dir}, {@code --database-url}),
 * so that they find the data of a server configured by its environment.
 */
final class Commands {
  /** A command: the words that name it, what it does, its options and the notes under them. */
  record Command(List<String> words, String summary, List<Spec> options, List<String> notes) {
    String name() {
      return String.join(" ", words);
    }
  }

  /** The default text of an option without a default. */
  private static final String REQUIRED = "required";
  private static final String JAR = "java -jar fdbe-server.jar";
  private static final int WIDTH = 100;

  static final Spec DATA_DIR = Spec.withVariable("data-dir", "DIR", "./fdbe-data",
      "the H2 database file (runs, keys, reference tables) and local storage (files/); private (0700) and held"
          + " by one process at a time");
  static final Spec DATABASE_URL = Spec.withVariable("database-url", "JDBC-URL", "the H2 file in --data-dir",
      "a shared database, e.g. jdbc:postgresql://db:5432/fdbe, to run several instances on one database; user"
          + " and password from the URL or FDBE_DATABASE_USER and FDBE_DATABASE_PASSWORD");

  /** The options of {@code serve}, each with its environment variable. */
  static final List<Spec> SERVE_OPTIONS = List.of(
      DATA_DIR,
      Spec.withVariable("host", "HOST", "127.0.0.1",
          "the interface to listen on; 0.0.0.0 for every interface (then --public-url is required)"),
      Spec.withVariable("port", "N", "8000", "the port to listen on; 0 for any free one"),
      Spec.withVariable("public-url", "URL", "http://<host>:<port> on loopback",
          "the URL clients reach the server at, e.g. https://exports.example.com; the base of every absolute"
              + " link (next, previous, local downloads), never the request's Host; required beyond loopback"),
      Spec.withVariable("link-base-url", "URL", "<public-url>/fdbe/local-downloads",
          "the URL local storage's download links start with, e.g. https://downloads.example.com/fdbe; they are"
              + " served at /fdbe/local-downloads/ here, so a proxy in front maps that URL to this path"),
      Spec.withVariable("auth-failures-per-minute", "N", "20",
          "failed authentications a client address may make a minute before it gets 429; 0 for no limit"),
      Spec.withVariable("request-deadline", "SECONDS", "10",
          "a request's line and headers must arrive within it of its first byte, the whole request within"
              + " twice it, or the connection is closed"),
      Spec.withVariable("max-connections-per-address", "N", "64",
          "connections one client address may have open, of 1024 in all; more are closed at once"),
      Spec.withVariable("demo-rows", "N", "100000",
          "events generated on first start, with persons and sessions; 0 for none"),
      Spec.withVariable("workers", "N", "4", "exports executed at once"),
      Spec.withVariable("shutdown-grace", "SECONDS", "30", "how long a shutdown waits for running exports"),
      Spec.withVariable("storage", "URI", "local files under --data-dir",
          "a blob store: s3://bucket/prefix?region=..., gs://bucket/prefix?..., file:///shared/fdbe"),
      DATABASE_URL,
      Spec.withVariable("max-connections", "N", "workers*3+2", "the bound of the database pool"),
      Spec.withVariable("metrics", "true|false", "true",
          "serve GET /metrics (Prometheus text format, no key needed) on the HTTP port"));

  static final Command SERVE = new Command(List.of("serve"),
      "serve the HTTP API on the embedded defaults (the default command)", SERVE_OPTIONS, List.of(
          "environment only: FDBE_API_KEY registers that key with every scope for the teams in",
          "FDBE_API_KEY_TEAMS (comma-separated, default 1)"));
  private static final List<String> KEYS_NOTES = List.of(
      "while a server holds the data directory, the command asks that server to do it");
  static final Command KEYS_CREATE = new Command(List.of("keys", "create"),
      "create a personal API key and print it as the last line", List.of(
          Spec.flag("team", "1[,2...]", REQUIRED, "the teams the key may act for"),
          Spec.flag("scopes", "SCOPES", REQUIRED, "batch_export:read, batch_export:write, comma-separated, or *"),
          Spec.flag("label", "TEXT", "none", "a note shown by keys list"),
          DATA_DIR, DATABASE_URL), KEYS_NOTES);
  static final Command KEYS_LIST = new Command(List.of("keys", "list"),
      "list keys (prefix, teams, scopes, created, revoked)", List.of(DATA_DIR, DATABASE_URL), KEYS_NOTES);
  static final Command KEYS_REVOKE = new Command(List.of("keys", "revoke"),
      "revoke a key", List.of(
          Spec.flag("id", "ID", REQUIRED, "the key's id or prefix"),
          DATA_DIR, DATABASE_URL), KEYS_NOTES);
  static final Command EXAMPLE_EXPORT = new Command(List.of("example-export"),
      "run one export on the embedded defaults and print where its files are", List.of(
          DATA_DIR,
          Spec.flag("model", "MODEL", "events", "events, persons or sessions"),
          Spec.flag("format", "FORMAT", "JSONLines", "Parquet, JSONLines or CSV"),
          Spec.flag("max-size-mb", "N", "0", "the largest file in MiB; 0 for one file"),
          Spec.flag("demo-rows", "N", "100000", "events generated on first use")), List.of());
  static final Command HELP = new Command(List.of("help"), "print this text, or a command's: help keys create",
      List.of(), List.of());
  static final Command VERSION = new Command(List.of("version"), "print the version", List.of(), List.of());

  static final List<Command> ALL =
      List.of(SERVE, KEYS_CREATE, KEYS_LIST, KEYS_REVOKE, EXAMPLE_EXPORT, HELP, VERSION);

  /** The command whose words the arguments start with, if any. */
  static Optional<Command> find(List<String> args) {
    return ALL.stream()
        .filter(command -> args.size() >= command.words().size()
            && args.subList(0, command.words().size()).equals(command.words()))
        .findFirst();
  }

  /** The version in the jar's manifest ({@code Implementation-Version}), or {@code dev} when run from classes. */
  static String version() {
    String version = Commands.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** The commands, and the options of the default one, {@code serve}. */
  static String usage() {
    StringBuilder text = new StringBuilder("usage: " + JAR + " [command] [options]\n\ncommands:\n");
    for (Command command : ALL) {
      text.append(String.format("  %-16s %s%n", command.name(), command.summary()));
    }
    text.append("\nEvery command takes --help (its options, e.g. " + JAR + " keys create --help) and"
        + " --version.\n\n");
    return text.append(usage(SERVE)).toString();
  }

  /** The usage of a command, or of the {@code keys} commands when {@code command} is null. */
  static String usage(@Nullable Command command) {
    if (command == null) {
      return String.join("\n\n", usage(KEYS_CREATE), usage(KEYS_LIST), usage(KEYS_REVOKE));
    }
    StringBuilder text = new StringBuilder("usage: " + JAR + " " + command.name()
        + (command.options().isEmpty() ? "" : " [options]") + "\n" + command.summary() + "\n");
    if (command.options().stream().anyMatch(Spec::fromEnvironment)) {
      text.append("options (FDBE_... is the option's environment variable; the flag wins over it):\n");
    } else if (!command.options().isEmpty()) {
      text.append("options:\n");
    }
    for (Spec spec : command.options()) {
      text.append("  ").append(spec.flagName()).append(' ').append(spec.value())
          .append(spec.fromEnvironment() ? "  (" + spec.variable() + ")" : "")
          .append(spec.defaultText().equals(REQUIRED) ? "  required" : "  default " + spec.defaultText())
          .append('\n');
      wrap(text, spec.help(), "        ");
    }
    for (String note : command.notes()) {
      text.append(note).append('\n');
    }
    return text.toString().stripTrailing();
  }

  private static void wrap(StringBuilder text, String words, String indent) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder(indent);
    for (String word : words.split(" ")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
        lines.add(line.toString());
        line = new StringBuilder(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    lines.forEach(l -> text.append(l).append('\n'));
  }

  private Commands() {}
}
