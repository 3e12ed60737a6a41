-- v_company_network: one row per pair of companies linked by alliance events
-- (corrected values win; rejected events are left out). Multi-party events
-- link every pair of their parties.
DROP VIEW IF EXISTS v_company_network CASCADE;
CREATE VIEW v_company_network AS
WITH pairs AS (
    SELECT a.name AS company_a, b.name AS company_b, ev.event_id, ev.deal_type, ev.status,
           ev.event_date, ev.article_count
    FROM v_alliance_events ev
    CROSS JOIN LATERAL unnest(ev.parties) AS a(name)
    CROSS JOIN LATERAL unnest(ev.parties) AS b(name)
    WHERE a.name < b.name AND ev.review_state <> 'rejected'
),
by_type AS (
    SELECT company_a, company_b, jsonb_object_agg(deal_type, n ORDER BY deal_type) AS deal_type_counts
    FROM (SELECT company_a, company_b, deal_type, count(*) AS n
          FROM pairs GROUP BY company_a, company_b, deal_type) t
    GROUP BY company_a, company_b
)
SELECT p.company_a,
       p.company_b,
       count(*)                                             AS event_count,
       t.deal_type_counts,
       (array_agg(p.status ORDER BY p.event_date DESC NULLS LAST, p.event_id DESC))[1]
                                                            AS latest_status,
       (array_agg(p.deal_type ORDER BY p.event_date DESC NULLS LAST, p.event_id DESC))[1]
                                                            AS latest_deal_type,
       max(p.event_date)                                    AS latest_event_date,
       min(p.event_date)                                    AS first_event_date,
       sum(p.article_count)                                 AS article_count
FROM pairs p
JOIN by_type t USING (company_a, company_b)
GROUP BY p.company_a, p.company_b, t.deal_type_counts;

COMMENT ON VIEW v_company_network IS 'One row per pair of companies linked by alliance events, with event counts by deal type and the latest status.';
COMMENT ON COLUMN v_company_network.company_a IS 'First company of the pair (company_a < company_b).';
COMMENT ON COLUMN v_company_network.company_b IS 'Second company of the pair.';
COMMENT ON COLUMN v_company_network.event_count IS 'Not-rejected events linking the two companies.';
COMMENT ON COLUMN v_company_network.deal_type_counts IS 'Events by deal type, e.g. {"mou": 2, "merger": 1}.';
COMMENT ON COLUMN v_company_network.latest_status IS 'Status of the latest event linking them.';
COMMENT ON COLUMN v_company_network.latest_deal_type IS 'Deal type of the latest event linking them.';
COMMENT ON COLUMN v_company_network.latest_event_date IS 'Date of the latest event linking them.';
COMMENT ON COLUMN v_company_network.first_event_date IS 'Date of the earliest event linking them.';
COMMENT ON COLUMN v_company_network.article_count IS 'Articles linked to those events.';
