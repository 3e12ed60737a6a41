-- v_alliances: one row per relationship with its latest status from the
-- timeline of its (not rejected) events.
DROP VIEW IF EXISTS v_alliances CASCADE;
CREATE VIEW v_alliances AS
SELECT al.id                                   AS alliance_id,
       al.parties,
       count(ev.event_id)                      AS event_count,
       (array_agg(ev.status ORDER BY ev.event_date DESC NULLS LAST, ev.event_id DESC))[1]
                                               AS latest_status,
       (array_agg(ev.deal_type ORDER BY ev.event_date DESC NULLS LAST, ev.event_id DESC))[1]
                                               AS latest_deal_type,
       min(ev.event_date)                      AS first_event_date,
       max(ev.event_date)                      AS last_event_date,
       coalesce(sum(ev.article_count), 0)      AS article_count,
       al.created_at                           AS first_seen_at
FROM alliances al
LEFT JOIN v_alliance_events ev ON ev.alliance_id = al.id AND ev.review_state <> 'rejected'
GROUP BY al.id, al.parties, al.created_at;

COMMENT ON VIEW v_alliances IS 'One row per relationship (set of parties) with its latest status; rejected events are left out.';
COMMENT ON COLUMN v_alliances.alliance_id IS 'Relationship id (alliances.id).';
COMMENT ON COLUMN v_alliances.parties IS 'The parties of the relationship, sorted.';
COMMENT ON COLUMN v_alliances.event_count IS 'Events on its timeline that were not rejected.';
COMMENT ON COLUMN v_alliances.latest_status IS 'Status of the latest not-rejected event.';
COMMENT ON COLUMN v_alliances.latest_deal_type IS 'Deal type of the latest not-rejected event.';
COMMENT ON COLUMN v_alliances.first_event_date IS 'Date of the earliest event.';
COMMENT ON COLUMN v_alliances.last_event_date IS 'Date of the latest event.';
COMMENT ON COLUMN v_alliances.article_count IS 'Articles linked to its events.';
COMMENT ON COLUMN v_alliances.first_seen_at IS 'When the pipeline first recorded the relationship.';
