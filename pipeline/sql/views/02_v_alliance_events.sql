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
           min(a.published_at)                        AS first_published_at
    FROM event_articles ea
    JOIN articles a ON a.id = ea.article_id
    GROUP BY ea.event_id
)
SELECT e.id                                            AS event_id,
       e.alliance_id,
       coalesce(e.corrected_parties, al.parties)       AS parties,
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
       e.event_date                                    AS pipeline_event_date
FROM alliance_events e
JOIN alliances al ON al.id = e.alliance_id
LEFT JOIN links l ON l.event_id = e.id;
