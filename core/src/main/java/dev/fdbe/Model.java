package dev.fdbe;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import dev.fdbe.schema.Schema;

/** What a run exports. Each model has a fixed {@link Schema} of exported columns. */
public enum Model {
  /** Events, exported once per {@code uuid}, timed by {@code timestamp}. */
  EVENTS("events", Schemas.EVENTS, "timestamp", List.of("uuid")),
  /** Persons, timed by {@code _inserted_at}. */
  PERSONS("persons", Schemas.PERSONS, "_inserted_at", List.of("distinct_id", "person_id")),
  /** Sessions, timed by {@code _inserted_at}. */
  SESSIONS("sessions", Schemas.SESSIONS, "_inserted_at", List.of("session_id"));

  private final String wireName;
  private final Schema schema;
  private final String defaultTimeColumn;
  private final List<String> keyColumns;

  Model(String wireName, Schema schema, String defaultTimeColumn, List<String> keyColumns) {
    this.wireName = wireName;
    this.schema = schema;
    this.defaultTimeColumn = defaultTimeColumn;
    this.keyColumns = keyColumns;
  }

  /**
   * The column whose value must lie in a run's interval, unless a source is configured otherwise:
   * {@code timestamp} for events, {@code _inserted_at} for persons and sessions.
   */
  public String defaultTimeColumn() {
    return defaultTimeColumn;
  }

  /** The columns that order rows with the same time: {@code uuid}, {@code distinct_id, person_id}, {@code session_id}. */
  public List<String> keyColumns() {
    return keyColumns;
  }

  /** The spelling used by the HTTP API, e.g. {@code "events"}. */
  public String wireName() {
    return wireName;
  }

  /** The exported columns, in file order. */
  public Schema schema() {
    return schema;
  }

  /** The model with the given wire name, if any; the match is exact. */
  public static Optional<Model> fromWireName(String wireName) {
    for (Model model : values()) {
      if (model.wireName.equals(wireName)) {
        return Optional.of(model);
      }
    }
    return Optional.empty();
  }

  /** The wire names of all models, for error messages. */
  public static List<String> wireNames() {
    return Arrays.stream(values()).map(Model::wireName).collect(Collectors.toUnmodifiableList());
  }

  @Override
  public String toString() {
    return wireName;
  }
}
