package dev.fdbe.internal;

import java.util.Collection;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line of defence between internal detail and text an API user reads (run log lines and
 * a run's error): replaces what names the machine the engine runs on rather than the export.
 * Messages should already be written for users; this catches what slips through, above all the
 * messages of foreign exceptions (I/O, JDBC, SDKs).
 *
 * <p>Replaced: absolute file system paths, Unix ({@code /var/x}, {@code ~/x}) and Windows
 * ({@code C:\x}, {@code \\server\share}), and {@code file:} URIs, by {@code <path>}; IPv4 and IPv6
 * addresses and {@code host:port}, by {@code <host>}; the host, user info and query of other URLs
 * ({@code https://<host>/path?<query>}, also in JDBC URLs); process ids where the text names them
 * as such ({@code pid 123}, {@code 123@host}), by {@code <pid>}; and this engine's identifiers (its
 * instance name), by {@code <engine>}. Kept: storage locations as users configure them
 * ({@code s3://bucket/prefix}, {@code gs://bucket/prefix}), relative keys and file names, ISO-8601
 * timestamps, UUIDs and plain numbers.
 *
 * <p>Limits: a path with a space is replaced only up to the space; a bare host name without a port
 * or scheme is not recognised. Thread-safe.
 */
public final class Redactor {
  private static final String KEEP_STORE_URI = "(?<![\\w+.-])(?:s3|gs)://[^\\s'\"<>?]*";
  private static final String KEEP_TIMESTAMP =
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:\\d{2})?";
  private static final String FILE_URI = "(?<![\\w+.-])(?i:file):/[^\\s'\"<>]*";
  private static final String URL =
      "(?<![\\w+.-])(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^\\s'\"<>/?#]*(?<urlpath>[^\\s'\"<>()?#]*)"
      + "(?<query>\\?[^\\s'\"<>#]*)?";
  private static final String WINDOWS_PATH = "(?<!\\w)(?:[A-Za-z]:[\\\\/]|\\\\\\\\)[^\\s'\"<>|]*";
  private static final String IPV6 = "\\[[0-9A-Fa-f:.%\\w]*:[0-9A-Fa-f:.%\\w]*\\](?::\\d{1,5})?"
      + "|(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]{0,15}(?:%[\\w.]+)?(?![\\w:])";
  private static final String IPV4 =
      "(?<![\\w.-])(?:(?:[A-Za-z][\\w.-]*)?/)?\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?(?![\\w.]*\\w)";
  private static final String HOST_PORT = "(?<![\\w.-])(?=[\\w.-]*[A-Za-z][\\w.-]*:\\d)"
      + "[A-Za-z0-9](?:[\\w-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[\\w-]*[A-Za-z0-9])?)*:\\d{1,5}(?![\\w:])";
  private static final String PROCESS = "(?i:\\b(?<label>pid|process id)(?<separator>[\\s:=#]*))\\d+\\b"
      + "|(?<![\\w.-])\\d+@[A-Za-z0-9][\\w.-]*";
  private static final String UNIX_PATH = "(?<![\\w.~/-])~?/(?![\\s/*])[^\\s'\"<>|,;()\\[\\]{}]+";

  private final Pattern pattern;

  /**
   * A redactor that also replaces the given identifiers of this engine (e.g. its instance name)
   * wherever they stand as a token. An identifier made of letters only is skipped, since it could
   * not be told from a word of the message.
   */
  public Redactor(Collection<String> identifiers) {
    StringBuilder own = new StringBuilder();
    for (String identifier : identifiers) {
      Objects.requireNonNull(identifier, "identifier");
      if (identifier.isBlank() || identifier.chars().allMatch(Character::isLetter)) {
        continue;
      }
      own.append(own.length() == 0 ? "" : "|").append(Pattern.quote(identifier));
    }
    String identifierGroup = own.length() == 0 ? "(?!)" : "(?<![\\w.-])(?:" + own + ")(?![\\w-])";
    this.pattern = Pattern.compile(String.join("|",
        "(?<engine>" + identifierGroup + ")",
        "(?<keep>" + KEEP_STORE_URI + "|" + KEEP_TIMESTAMP + ")",
        "(?<file>" + FILE_URI + ")",
        "(?<url>" + URL + ")",
        "(?<windows>" + WINDOWS_PATH + ")",
        "(?<ipv6>" + IPV6 + ")",
        "(?<ipv4>" + IPV4 + ")",
        "(?<hostport>" + HOST_PORT + ")",
        "(?<process>" + PROCESS + ")",
        "(?<unix>" + UNIX_PATH + ")"));
  }

  /** The text with internal detail replaced; null stays null. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replacement(m)));
    }
    return m.appendTail(out).toString();
  }

  private static String replacement(Matcher m) {
    String match = m.group();
    if (m.group("engine") != null) {
      return "<engine>";
    }
    if (m.group("keep") != null) {
      return match;
    }
    if (m.group("url") != null) {
      return m.group("scheme") + "<host>" + m.group("urlpath") + (m.group("query") == null ? "" : "?<query>");
    }
    if (m.group("ipv6") != null) {
      // Times such as 10:20:30 look alike: an address has "::" or eight groups.
      boolean address = match.startsWith("[") || match.contains("::")
          || match.chars().filter(c -> c == ':').count() >= 7;
      return address ? "<host>" : match;
    }
    if (m.group("ipv4") != null || m.group("hostport") != null) {
      return "<host>";
    }
    if (m.group("process") != null) {
      return m.group("label") == null ? "<pid>" : m.group("label") + m.group("separator") + "<pid>";
    }
    // A path: the punctuation that ends a sentence is not part of it.
    int end = match.length();
    while (end > 1 && ".:".indexOf(match.charAt(end - 1)) >= 0) {
      end--;
    }
    return "<path>" + match.substring(end);
  }
}
