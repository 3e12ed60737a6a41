-- v_unresolved_parties and v_company_audit: the party names waiting for a reviewer,
-- and what reviewers changed in the companies table.
DROP VIEW IF EXISTS v_unresolved_parties CASCADE;
CREATE VIEW v_unresolved_parties AS
SELECT name,
       count(DISTINCT event_id)        AS event_count,
       sum(article_count)::int         AS article_count,
       max(last_seen_at)               AS last_seen_at,
       array_agg(DISTINCT event_id ORDER BY event_id) AS event_ids
FROM v_alliance_events, unnest(unresolved_parties) AS name
WHERE review_state <> 'rejected'
GROUP BY name;

COMMENT ON VIEW v_unresolved_parties IS 'Party names of not-rejected events that no company or alias matches yet; map them with tieup companies map or add them with tieup companies add.';
COMMENT ON COLUMN v_unresolved_parties.name IS 'The name as the articles spell it.';
COMMENT ON COLUMN v_unresolved_parties.event_count IS 'Not-rejected events that name it as a party.';
COMMENT ON COLUMN v_unresolved_parties.article_count IS 'Articles linked to those events.';
COMMENT ON COLUMN v_unresolved_parties.last_seen_at IS 'When an article last reported one of those events.';
COMMENT ON COLUMN v_unresolved_parties.event_ids IS 'Ids of those events.';

DROP VIEW IF EXISTS v_company_audit CASCADE;
CREATE VIEW v_company_audit AS
SELECT id AS audit_id, action, name, company, reviewer, db_user, note, decided_at
FROM company_audit;

COMMENT ON VIEW v_company_audit IS 'Every change reviewers made to the companies: a company added, or a name mapped to a company.';
COMMENT ON COLUMN v_company_audit.audit_id IS 'Audit row id.';
COMMENT ON COLUMN v_company_audit.action IS 'add_company or map_alias.';
COMMENT ON COLUMN v_company_audit.name IS 'The name added or mapped.';
COMMENT ON COLUMN v_company_audit.company IS 'The company it now means.';
COMMENT ON COLUMN v_company_audit.reviewer IS 'The reviewer name given.';
COMMENT ON COLUMN v_company_audit.db_user IS 'The database login that made the change.';
COMMENT ON COLUMN v_company_audit.note IS 'Note given with the change.';
COMMENT ON COLUMN v_company_audit.decided_at IS 'When the change was made.';
