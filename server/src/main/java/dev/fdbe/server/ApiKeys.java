package dev.fdbe.server;

import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Personal API keys, kept in the table {@code fdbe_api_keys} of the server's database. Only the
 * SHA-256 of a key is stored (keys are 238 random bits, so a fast hash is enough); a presented key
 * is hashed and compared with the stored hash in constant time. Thread-safe.
 */
final class ApiKeys implements KeyAdmin {
  /** Every key starts with this, so that scanners and people recognise one. */
  static final String KEY_PREFIX = "fdbe_";
  private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int RANDOM_CHARS = 40;
  /** The longest label: its column's width. */
  static final int MAX_LABEL_LENGTH = 200;
  /** The longest list of teams, written as {@code 1,2,3}: its column's width. */
  static final int MAX_TEAMS_LENGTH = 4000;

  private final DataSource dataSource;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  ApiKeys(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS fdbe_api_keys ("
          + "id UUID PRIMARY KEY, "
          + "key_hash VARCHAR(64) NOT NULL UNIQUE, "
          + "key_prefix VARCHAR(16) NOT NULL, "
          + "label VARCHAR(200) NOT NULL, "
          + "teams VARCHAR(4000) NOT NULL, "
          + "scopes VARCHAR(200) NOT NULL, "
          + "created_at_us BIGINT NOT NULL, "
          + "revoked_at_us BIGINT)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the API key table: " + e.getMessage(), e);
    }
  }

  /** A new key; the secret is returned once and cannot be read back later. */
  record Created(ApiKey key, String secret) {}

  @Override
  public Created create(Set<TeamId> teams, Set<Scope> scopes, String label) {
    StringBuilder secret = new StringBuilder(KEY_PREFIX);
    for (int i = 0; i < RANDOM_CHARS; i++) {
      secret.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return new Created(insert(secret.toString(), teams, scopes, label), secret.toString());
  }

  /**
   * Checks a key an operator chose ({@code FDBE_API_KEY}): at least 16 printable ASCII characters
   * without spaces, so that it is long enough to be safe and travels in a header unchanged.
   *
   * @throws IllegalArgumentException saying so otherwise
   */
  static String checkChosenSecret(String secret) {
    if (secret.length() < 16 || !secret.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IllegalArgumentException("an API key must be at least 16 printable ASCII characters without spaces");
    }
    return secret;
  }

  /**
   * Registers a key chosen by an operator (e.g. {@code FDBE_API_KEY}); if the same key is already
   * registered and not revoked, its teams and scopes are replaced.
   *
   * @throws IllegalArgumentException when the key is too short to be safe
   */
  ApiKey register(String secret, Set<TeamId> teams, Set<Scope> scopes, String label) {
    checkChosenSecret(secret);
    checkFits(teams, label);
    Optional<ApiKey> existing = authenticate(secret);
    if (existing.isPresent()) {
      try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
          "UPDATE fdbe_api_keys SET teams = ?, scopes = ?, label = ? WHERE id = ?")) {
        update.setString(1, joinTeams(teams));
        update.setString(2, joinScopes(scopes));
        update.setString(3, label);
        update.setObject(4, existing.get().id());
        update.executeUpdate();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot update API key " + existing.get().prefix() + ": " + e.getMessage(), e);
      }
      return authenticate(secret).orElseThrow();
    }
    return insert(secret, teams, scopes, label);
  }

  private ApiKey insert(String secret, Set<TeamId> teams, Set<Scope> scopes, String label) {
    if (teams.isEmpty()) {
      throw new IllegalArgumentException("an API key needs at least one team");
    }
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("an API key needs at least one scope");
    }
    checkFits(teams, label);
    ApiKey key = new ApiKey(UUID.randomUUID(), secret.substring(0, Math.min(12, secret.length())), label, teams, scopes,
        clock.instant().truncatedTo(ChronoUnit.MICROS), null);
    try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO fdbe_api_keys (id, key_hash, key_prefix, label, teams, scopes, created_at_us, revoked_at_us) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setObject(1, key.id());
      insert.setString(2, hash(secret));
      insert.setString(3, key.prefix());
      insert.setString(4, label);
      insert.setString(5, joinTeams(teams));
      insert.setString(6, joinScopes(scopes));
      insert.setLong(7, micros(key.createdAt()));
      insert.setNull(8, Types.BIGINT);
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store the API key: " + e.getMessage(), e);
    }
    return key;
  }

  /** Refuses a label or teams wider than their columns, which the database would refuse with an error. */
  private static void checkFits(Set<TeamId> teams, String label) {
    if (label.length() > MAX_LABEL_LENGTH) {
      throw new IllegalArgumentException("a key's label must be at most " + MAX_LABEL_LENGTH + " characters, got "
          + label.length());
    }
    int teamsLength = joinTeams(teams).length();
    if (teamsLength > MAX_TEAMS_LENGTH) {
      throw new IllegalArgumentException("a key's teams, written as 1,2,3, must be at most " + MAX_TEAMS_LENGTH
          + " characters, got " + teamsLength);
    }
  }

  /** The key the secret belongs to, if it exists and is not revoked. */
  Optional<ApiKey> authenticate(String secret) {
    String presented = hash(secret);
    try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
        "SELECT id, key_prefix, label, teams, scopes, created_at_us, revoked_at_us, key_hash FROM fdbe_api_keys "
            + "WHERE key_hash = ?")) {
      select.setString(1, presented);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        boolean equal = MessageDigest.isEqual(rs.getString(8).getBytes(StandardCharsets.US_ASCII),
            presented.getBytes(StandardCharsets.US_ASCII));
        ApiKey key = read(rs);
        return equal && key.revokedAt() == null ? Optional.of(key) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read API keys: " + e.getMessage(), e);
    }
  }

  @Override
  public List<ApiKey> list() {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT id, key_prefix, label, teams, scopes, created_at_us, "
            + "revoked_at_us FROM fdbe_api_keys ORDER BY created_at_us DESC, id")) {
      List<ApiKey> keys = new ArrayList<>();
      while (rs.next()) {
        keys.add(read(rs));
      }
      return keys;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read API keys: " + e.getMessage(), e);
    }
  }

  /** Whether any key that is not revoked exists. */
  boolean hasActiveKey() {
    return list().stream().anyMatch(k -> k.revokedAt() == null);
  }

  /**
   * Revokes the key with the id, or the only key whose prefix starts with the text.
   *
   * @return the revoked key
   * @throws IllegalArgumentException when no key or several keys match
   */
  @Override
  public ApiKey revoke(String idOrPrefix) {
    List<ApiKey> matching = list().stream()
        .filter(k -> k.id().toString().equals(idOrPrefix) || (idOrPrefix.length() >= 6 && k.prefix().startsWith(idOrPrefix)))
        .filter(k -> k.revokedAt() == null)
        .toList();
    if (matching.isEmpty()) {
      throw new IllegalArgumentException("no active API key has the id or prefix '" + idOrPrefix + "'");
    }
    if (matching.size() > 1) {
      throw new IllegalArgumentException("several API keys start with '" + idOrPrefix + "'; give the key's id");
    }
    ApiKey key = matching.get(0);
    try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
        "UPDATE fdbe_api_keys SET revoked_at_us = ? WHERE id = ? AND revoked_at_us IS NULL")) {
      update.setLong(1, micros(clock.instant()));
      update.setObject(2, key.id());
      update.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot revoke API key " + key.prefix() + ": " + e.getMessage(), e);
    }
    return key;
  }

  private static ApiKey read(ResultSet rs) throws SQLException {
    long revoked = rs.getLong(7);
    Instant revokedAt = rs.wasNull() ? null : instant(revoked);
    return new ApiKey(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), parseTeams(rs.getString(4)),
        parseScopes(rs.getString(5)), instant(rs.getLong(6)), revokedAt);
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  private static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static String joinTeams(Set<TeamId> teams) {
    return teams.stream().map(TeamId::toString).sorted().collect(Collectors.joining(","));
  }

  private static String joinScopes(Set<Scope> scopes) {
    return scopes.stream().map(Scope::wireName).sorted().collect(Collectors.joining(","));
  }

  /**
   * Team ids written as {@code 1,2,3}.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  static Set<TeamId> parseTeams(String text) {
    Set<TeamId> teams = new LinkedHashSet<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        teams.add(WireParser.teamOption(part.strip()));
      }
    }
    return teams;
  }

  /**
   * Scopes written as {@code batch_export:read,batch_export:write} or {@code *}.
   *
   * @throws IllegalArgumentException naming the unknown scope
   */
  static Set<Scope> parseScopes(String text) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      scopes.add(Scope.fromWireName(part.strip()).orElseThrow(() -> new IllegalArgumentException("unknown scope '"
          + part.strip() + "'; scopes are " + Arrays.stream(Scope.values()).map(Scope::wireName).toList())));
    }
    return scopes;
  }
}
