-- fdbe run store, schema version 1. Runs on H2 and PostgreSQL alike.
-- Instants are BIGINT microseconds since the epoch (UTC): exact, and the same on every database.

CREATE TABLE fdbe_teams (
  team_id BIGINT PRIMARY KEY
);

CREATE TABLE fdbe_runs (
  id UUID PRIMARY KEY,
  team_id BIGINT NOT NULL,
  model VARCHAR(16) NOT NULL,
  file_format VARCHAR(16) NOT NULL,
  compression VARCHAR(16),
  max_size_mb BIGINT NOT NULL,
  interval_start_us BIGINT NOT NULL,
  interval_end_us BIGINT NOT NULL,
  status VARCHAR(24) NOT NULL,
  error VARCHAR(100000),
  records_completed BIGINT NOT NULL,
  bytes_exported BIGINT NOT NULL,
  parts_completed INT NOT NULL,
  created_at_us BIGINT NOT NULL,
  started_at_us BIGINT,
  finished_at_us BIGINT,
  lease_epoch BIGINT NOT NULL,
  attempt_id UUID,
  lease_owner VARCHAR(255),
  lease_expires_at_us BIGINT,
  attempts INT NOT NULL,
  storage_cleaned BOOLEAN NOT NULL
);

CREATE INDEX fdbe_runs_team_created ON fdbe_runs (team_id, created_at_us, id);

CREATE INDEX fdbe_runs_status_created ON fdbe_runs (status, created_at_us);

CREATE TABLE fdbe_run_event_filters (
  run_id UUID NOT NULL,
  kind VARCHAR(8) NOT NULL,
  seq INT NOT NULL,
  event_name VARCHAR(1000) NOT NULL,
  PRIMARY KEY (run_id, kind, seq)
);

CREATE TABLE fdbe_parts (
  run_id UUID NOT NULL,
  epoch BIGINT NOT NULL,
  part_index INT NOT NULL,
  storage_key VARCHAR(1024) NOT NULL,
  file_name VARCHAR(255) NOT NULL,
  size_bytes BIGINT NOT NULL,
  records BIGINT NOT NULL,
  sha256 VARCHAR(64) NOT NULL,
  PRIMARY KEY (run_id, epoch, part_index)
);

CREATE TABLE fdbe_files (
  id UUID PRIMARY KEY,
  run_id UUID NOT NULL,
  part_index INT NOT NULL,
  storage_key VARCHAR(1024) NOT NULL,
  file_name VARCHAR(255) NOT NULL,
  size_bytes BIGINT NOT NULL,
  records BIGINT NOT NULL,
  sha256 VARCHAR(64) NOT NULL,
  expires_at_us BIGINT NOT NULL,
  deleted_at_us BIGINT,
  CONSTRAINT fdbe_files_run_index UNIQUE (run_id, part_index)
);

CREATE INDEX fdbe_files_expires ON fdbe_files (expires_at_us);

CREATE TABLE fdbe_run_logs (
  run_id UUID NOT NULL,
  ts_us BIGINT NOT NULL,
  attempt_id UUID NOT NULL,
  log_level VARCHAR(8) NOT NULL,
  message VARCHAR(100000) NOT NULL,
  PRIMARY KEY (run_id, ts_us)
);
