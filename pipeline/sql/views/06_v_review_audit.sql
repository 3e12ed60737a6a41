-- v_review_audit: every review decision, newest first, readable by reviewers.
DROP VIEW IF EXISTS v_review_audit CASCADE;
CREATE VIEW v_review_audit AS
SELECT r.id          AS audit_id,
       r.event_id,
       r.action,
       r.reviewer,
       r.db_user,
       r.decided_at,
       r.note,
       r.old_values,
       r.new_values
FROM review_audit r;

COMMENT ON VIEW v_review_audit IS 'Every review decision (tieup_review_event writes one row per decision).';
COMMENT ON COLUMN v_review_audit.audit_id IS 'Audit row id.';
COMMENT ON COLUMN v_review_audit.event_id IS 'The reviewed event (v_alliance_events.event_id).';
COMMENT ON COLUMN v_review_audit.action IS 'confirm, reject or correct.';
COMMENT ON COLUMN v_review_audit.reviewer IS 'Who decided.';
COMMENT ON COLUMN v_review_audit.db_user IS 'The database login that made the call (cannot be chosen by the caller).';
COMMENT ON COLUMN v_review_audit.decided_at IS 'When.';
COMMENT ON COLUMN v_review_audit.note IS 'The reviewer''s note.';
COMMENT ON COLUMN v_review_audit.old_values IS 'review_state, reviewer, review_note, parties, deal_type, status, event_date before the decision.';
COMMENT ON COLUMN v_review_audit.new_values IS 'The same values after the decision.';
