-- v_review_inbox: the review queue, built to be paged newest first at any size.
-- v_alliance_events aggregates every article link before it can sort, which costs
-- the same for one page as for all events; here the counts are per-row subqueries,
-- so a page (ORDER BY first_seen_at DESC, event_id DESC LIMIT n, keyset on the two)
-- reads n rows of the alliance_events_inbox indexes. Corrected values win, as in
-- v_alliance_events; `party_names` is unresolved (as stored) for index-friendly
-- filtering, `parties` is what v_alliance_events shows.
DROP VIEW IF EXISTS v_review_inbox CASCADE;
CREATE VIEW v_review_inbox AS
SELECT e.id                                            AS event_id,
       e.alliance_id,
       coalesce(e.corrected_parties, tieup_resolved_parties(al.parties)) AS parties,
       coalesce(e.corrected_parties, al.parties)       AS party_names,
       coalesce(e.corrected_deal_type, e.deal_type)    AS deal_type,
       coalesce(e.corrected_status, e.status)          AS status,
       coalesce(e.corrected_event_date, e.event_date)  AS event_date,
       e.first_seen_at,
       e.confidence,
       e.review_state,
       e.reviewer,
       e.reviewed_at,
       (SELECT count(*) FROM event_articles ea WHERE ea.event_id = e.id) AS article_count,
       (SELECT count(DISTINCT a.source_domain) FROM event_articles ea
          JOIN articles a ON a.id = ea.article_id WHERE ea.event_id = e.id) AS source_count,
       (SELECT ea.evidence[1] FROM event_articles ea JOIN articles a ON a.id = ea.article_id
         WHERE ea.event_id = e.id
         ORDER BY ea.confidence DESC, a.published_at NULLS LAST, a.id LIMIT 1) AS best_evidence
FROM alliance_events e
JOIN alliances al ON al.id = e.alliance_id;

COMMENT ON VIEW v_review_inbox IS 'The review queue: one row per event, cheap to page newest first (keyset on first_seen_at, event_id).';
COMMENT ON COLUMN v_review_inbox.event_id IS 'Event id (v_alliance_events.event_id).';
COMMENT ON COLUMN v_review_inbox.alliance_id IS 'Relationship the event belongs to.';
COMMENT ON COLUMN v_review_inbox.parties IS 'Parties as v_alliance_events shows them (corrected first, names resolved to companies).';
COMMENT ON COLUMN v_review_inbox.party_names IS 'Parties as stored (corrected first, names not resolved): filter on this with every spelling of a company.';
COMMENT ON COLUMN v_review_inbox.deal_type IS 'Deal type, corrected value first.';
COMMENT ON COLUMN v_review_inbox.status IS 'Deal status, corrected value first.';
COMMENT ON COLUMN v_review_inbox.event_date IS 'Date of the event, corrected value first.';
COMMENT ON COLUMN v_review_inbox.first_seen_at IS 'When the pipeline first recorded the event (the inbox order).';
COMMENT ON COLUMN v_review_inbox.confidence IS 'Highest classifier confidence among the linked articles.';
COMMENT ON COLUMN v_review_inbox.review_state IS 'pending, confirmed, rejected or corrected.';
COMMENT ON COLUMN v_review_inbox.reviewer IS 'Who made the last review decision.';
COMMENT ON COLUMN v_review_inbox.reviewed_at IS 'When the last review decision was made.';
COMMENT ON COLUMN v_review_inbox.article_count IS 'Articles linked to the event.';
COMMENT ON COLUMN v_review_inbox.source_count IS 'Distinct source domains among those articles.';
COMMENT ON COLUMN v_review_inbox.best_evidence IS 'First evidence sentence of the most confident linked article.';
