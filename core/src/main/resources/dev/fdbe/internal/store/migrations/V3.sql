-- fdbe run store, schema version 3: sliced runs. A sliced run (slice_count > 0) is executed
-- through its slices, hidden runs with parent_id set, claimed and leased like any run.

ALTER TABLE fdbe_runs ADD COLUMN parent_id UUID;

ALTER TABLE fdbe_runs ADD COLUMN slice_index INT DEFAULT 0 NOT NULL;

ALTER TABLE fdbe_runs ADD COLUMN slice_count INT DEFAULT 0 NOT NULL;

CREATE INDEX fdbe_runs_parent ON fdbe_runs (parent_id, slice_index);
