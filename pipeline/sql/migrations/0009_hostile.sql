-- Hostile input: keys that can be long are indexed by their hash, runs killed
-- without a word can be marked abandoned, and the pipeline's serialising locks
-- live on rows no reviewer can touch.

-- A feed entry's key (its GUID, else its link) comes from the publisher and can be
-- longer than a B-tree index row holds (about 2.7 kB): index its SHA-256 instead
-- (of its UTF-8 bytes; the pipeline computes it for new rows).
ALTER TABLE feed_entries ADD COLUMN entry_hash bytea;
UPDATE feed_entries SET entry_hash = sha256(convert_to(entry_key, 'UTF8'));
ALTER TABLE feed_entries ALTER COLUMN entry_hash SET NOT NULL;
ALTER TABLE feed_entries DROP CONSTRAINT feed_entries_pkey;
ALTER TABLE feed_entries ADD PRIMARY KEY (feed_id, entry_hash);

-- A run remembers its database session, so a later run can tell that a 'running'
-- run's process is gone (killed with SIGKILL, machine lost) and mark it abandoned.
ALTER TABLE pipeline_runs ADD COLUMN backend_pid integer;
ALTER TABLE pipeline_runs DROP CONSTRAINT pipeline_runs_status_check;
ALTER TABLE pipeline_runs ADD CONSTRAINT pipeline_runs_status_check
    CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned'));

-- Locks that serialise pipeline steps across workers (load, dedupe, stories). A
-- row lock here, not an advisory lock: any login can take any advisory key, but
-- only a role with UPDATE on this table (the pipeline) can lock its rows.
CREATE TABLE pipeline_locks (
    name text PRIMARY KEY
);
INSERT INTO pipeline_locks (name) VALUES ('load'), ('dedupe'), ('stories');

-- Review input a person could get wrong by the thousands of years or megabytes:
-- tieup_review_event's writes are refused outside these bounds (NOT VALID: rows
-- already stored are not re-checked).
ALTER TABLE alliance_events ADD CONSTRAINT alliance_events_corrected_date_range
    CHECK (corrected_event_date BETWEEN DATE '1990-01-01' AND DATE '2100-12-31') NOT VALID;
ALTER TABLE alliance_events ADD CONSTRAINT alliance_events_review_note_size
    CHECK (octet_length(review_note) <= 10000) NOT VALID;
ALTER TABLE review_audit ADD CONSTRAINT review_audit_note_size
    CHECK (octet_length(note) <= 10000) NOT VALID;
