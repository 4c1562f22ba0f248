-- fdbe run store, schema version 2: uploads left open in the blob store (S3 multipart uploads),
-- recorded before their first part is sent so that a janitor can abort any no live attempt owns;
-- and the blob store's own expiry of a stored part.

CREATE TABLE fdbe_uploads (
  run_id UUID NOT NULL,
  epoch BIGINT NOT NULL,
  storage_key VARCHAR(1024) NOT NULL,
  upload_id VARCHAR(1024) NOT NULL,
  recorded_at_us BIGINT NOT NULL,
  PRIMARY KEY (run_id, upload_id)
);

ALTER TABLE fdbe_parts ADD COLUMN store_expires_at_us BIGINT;
