package dev.fdbe;

import static dev.fdbe.schema.ColumnType.BOOLEAN;
import static dev.fdbe.schema.ColumnType.INT64;
import static dev.fdbe.schema.ColumnType.JSON;
import static dev.fdbe.schema.ColumnType.STRING;
import static dev.fdbe.schema.ColumnType.STRING_LIST;
import static dev.fdbe.schema.ColumnType.TIMESTAMP;
import dev.fdbe.schema.Schema;
import dev.fdbe.schema.Column;

/** The exported columns of each model, in the order files hold them. */
final class Schemas {
  static final Schema EVENTS = Schema.of(
      Column.required("uuid", STRING),
      Column.required("event", STRING),
      Column.optional("properties", JSON),
      Column.optional("distinct_id", STRING),
      Column.required("timestamp", TIMESTAMP),
      Column.optional("created_at", TIMESTAMP),
      Column.optional("_inserted_at", TIMESTAMP),
      Column.optional("elements_chain", STRING),
      Column.optional("person_id", STRING),
      Column.optional("person_properties", JSON));

  static final Schema PERSONS = Schema.of(
      Column.required("team_id", INT64),
      Column.required("distinct_id", STRING),
      Column.required("person_id", STRING),
      Column.optional("properties", JSON),
      Column.optional("person_version", INT64),
      Column.optional("person_distinct_id_version", INT64),
      Column.optional("created_at", TIMESTAMP),
      Column.required("_inserted_at", TIMESTAMP),
      Column.optional("is_deleted", BOOLEAN));

  static final Schema SESSIONS = Schema.of(
      Column.required("session_id", STRING),
      Column.required("team_id", INT64),
      Column.optional("distinct_id", STRING),
      Column.optional("start_timestamp", TIMESTAMP),
      Column.optional("end_timestamp", TIMESTAMP),
      Column.optional("urls", STRING_LIST),
      Column.optional("num_uniq_urls", INT64),
      Column.optional("entry_current_url", STRING),
      Column.optional("entry_pathname", STRING),
      Column.optional("end_current_url", STRING),
      Column.optional("end_pathname", STRING),
      Column.optional("entry_utm_source", STRING),
      Column.optional("entry_utm_campaign", STRING),
      Column.optional("entry_utm_medium", STRING),
      Column.optional("entry_referring_domain", STRING),
      Column.optional("pageview_count", INT64),
      Column.optional("autocapture_count", INT64),
      Column.optional("screen_count", INT64),
      Column.optional("channel_type", STRING),
      Column.optional("session_duration", INT64),
      Column.optional("is_bounce", BOOLEAN),
      Column.required("_inserted_at", TIMESTAMP));

  private Schemas() {}
}
