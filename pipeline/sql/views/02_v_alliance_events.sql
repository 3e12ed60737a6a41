-- v_alliance_events: one row per alliance event; an analyst's corrected values win.
DROP VIEW IF EXISTS v_alliance_events CASCADE;
CREATE VIEW v_alliance_events AS
WITH links AS (
    SELECT ea.event_id,
           count(*)                                   AS article_count,
           count(DISTINCT a.source_domain)            AS source_count,
           array_agg(a.canonical_url ORDER BY a.published_at NULLS LAST, a.id) AS urls,
           (array_agg(ea.evidence[1] ORDER BY ea.confidence DESC, a.published_at NULLS LAST, a.id))[1]
                                                      AS best_evidence,
           min(a.published_at)                        AS first_published_at,
           array_agg(DISTINCT a.source_domain ORDER BY a.source_domain) AS source_domains
    FROM event_articles ea
    JOIN articles a ON a.id = ea.article_id
    GROUP BY ea.event_id
)
SELECT e.id                                            AS event_id,
       e.alliance_id,
       coalesce(e.corrected_parties, tieup_resolved_parties(al.parties)) AS parties,
       coalesce(e.corrected_deal_type, e.deal_type)    AS deal_type,
       coalesce(e.corrected_status, e.status)          AS status,
       coalesce(e.corrected_event_date, e.event_date)  AS event_date,
       e.first_seen_at,
       e.last_seen_at,
       coalesce(l.article_count, 0)                    AS article_count,
       coalesce(l.source_count, 0)                     AS source_count,
       e.focus_areas,
       e.confidence,
       l.best_evidence,
       coalesce(l.urls, '{}')                          AS urls,
       e.review_state,
       e.reviewer,
       e.review_note,
       e.reviewed_at,
       al.parties                                      AS pipeline_parties,
       e.deal_type                                     AS pipeline_deal_type,
       e.status                                        AS pipeline_status,
       e.event_date                                    AS pipeline_event_date,
       coalesce(l.source_domains, '{}')                AS source_domains,
       CASE WHEN e.corrected_parties IS NULL THEN tieup_unresolved_parties(al.parties)
            ELSE '{}' END                              AS unresolved_parties,
       e.stake_pct
FROM alliance_events e
JOIN alliances al ON al.id = e.alliance_id
LEFT JOIN links l ON l.event_id = e.id;

COMMENT ON VIEW v_alliance_events IS 'One row per alliance event; an analyst''s corrected values win over the pipeline''s.';
COMMENT ON COLUMN v_alliance_events.event_id IS 'Event id (alliance_events.id); pass it to tieup review.';
COMMENT ON COLUMN v_alliance_events.alliance_id IS 'Relationship the event belongs to (v_alliances.alliance_id).';
COMMENT ON COLUMN v_alliance_events.parties IS 'Parties of the event: the corrected parties if an analyst set them, else the alliance''s (names a reviewer mapped to a company shown as that company; unresolved names as spelled).';
COMMENT ON COLUMN v_alliance_events.deal_type IS 'Deal type, corrected value first.';
COMMENT ON COLUMN v_alliance_events.status IS 'Deal status, corrected value first.';
COMMENT ON COLUMN v_alliance_events.event_date IS 'Date of the event, corrected value first.';
COMMENT ON COLUMN v_alliance_events.first_seen_at IS 'When the pipeline first recorded the event.';
COMMENT ON COLUMN v_alliance_events.last_seen_at IS 'When an article last reported the event.';
COMMENT ON COLUMN v_alliance_events.article_count IS 'Articles linked to the event as evidence.';
COMMENT ON COLUMN v_alliance_events.source_count IS 'Distinct source domains among those articles.';
COMMENT ON COLUMN v_alliance_events.focus_areas IS 'Focus areas gathered from the linked articles.';
COMMENT ON COLUMN v_alliance_events.confidence IS 'Highest classifier confidence among the linked articles.';
COMMENT ON COLUMN v_alliance_events.best_evidence IS 'First evidence sentence of the most confident linked article.';
COMMENT ON COLUMN v_alliance_events.urls IS 'Canonical URLs of the linked articles, oldest first.';
COMMENT ON COLUMN v_alliance_events.review_state IS 'pending, confirmed, rejected or corrected.';
COMMENT ON COLUMN v_alliance_events.reviewer IS 'Analyst who made the last review decision.';
COMMENT ON COLUMN v_alliance_events.review_note IS 'Note of the last review decision.';
COMMENT ON COLUMN v_alliance_events.reviewed_at IS 'When the last review decision was made.';
COMMENT ON COLUMN v_alliance_events.pipeline_parties IS 'Parties as the pipeline found them.';
COMMENT ON COLUMN v_alliance_events.pipeline_deal_type IS 'Deal type as the pipeline found it.';
COMMENT ON COLUMN v_alliance_events.pipeline_status IS 'Status as the pipeline found it.';
COMMENT ON COLUMN v_alliance_events.pipeline_event_date IS 'Event date as the pipeline found it.';
COMMENT ON COLUMN v_alliance_events.source_domains IS 'Distinct source domains of the linked articles, sorted.';
COMMENT ON COLUMN v_alliance_events.unresolved_parties IS 'Parties that no company or alias matches yet, as the articles spell them (empty once corrected parties are set); map them with tieup companies.';
COMMENT ON COLUMN v_alliance_events.stake_pct IS 'Stake percentage stated for an acquisition (the first linked article that states one), else NULL.';
