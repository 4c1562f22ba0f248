-- fdbe run store, schema version 4: live progress. records_total holds the rows the current
-- attempt's source counted before reading them; NULL while unknown (not counted yet, a source
-- that cannot count, or a run from before this version). Each new attempt sets it back to NULL.

ALTER TABLE fdbe_runs ADD COLUMN records_total BIGINT;
