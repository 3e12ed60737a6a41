-- v_feed_health: one row per source (an RSS feed, a news sitemap, a GDELT query) with its
-- polling state and how many articles it found.
DROP VIEW IF EXISTS v_feed_health CASCADE;
CREATE VIEW v_feed_health AS
SELECT f.id                                   AS feed_id,
       f.name,
       f.url,
       f.enabled,
       f.origin,
       CASE WHEN NOT f.enabled                THEN 'disabled'
            WHEN f.last_polled_at IS NULL     THEN 'never_polled'
            WHEN f.consecutive_failures > 0   THEN 'failing'
            WHEN f.last_error IS NOT NULL     THEN 'degraded'   -- answered, but the feed was malformed
            ELSE 'ok' END                     AS health,
       f.last_status,
       f.last_error,
       f.consecutive_failures,
       f.last_polled_at,
       f.last_success_at,
       f.next_poll_at,
       f.last_entry_count,
       coalesce(n.articles_discovered, 0)     AS articles_discovered,
       (f.consecutive_failures > 0
        AND coalesce(f.last_success_at, f.created_at) < now() - interval '1 day')
                                              AS failing_over_a_day,
       le.stage                               AS last_error_stage,
       le.occurred_at                         AS last_error_at,
       f.kind
FROM feeds f
LEFT JOIN LATERAL (SELECT ie.stage, ie.occurred_at FROM item_errors ie
                    WHERE ie.item_kind = 'feed' AND ie.item_id = f.id
                    ORDER BY ie.occurred_at DESC, ie.id DESC LIMIT 1) le ON true
LEFT JOIN (SELECT feed_id, count(DISTINCT article_id) AS articles_discovered
           FROM feed_entries GROUP BY feed_id) n ON n.feed_id = f.id
ORDER BY f.enabled DESC, f.consecutive_failures DESC, f.name;

COMMENT ON VIEW v_feed_health IS 'One row per source (feed, sitemap or GDELT query): last poll, last error, failures in a row, next poll and articles found.';
COMMENT ON COLUMN v_feed_health.feed_id IS 'Feed id (feeds.id); pass it to tieup feeds disable/enable.';
COMMENT ON COLUMN v_feed_health.name IS 'Feed name.';
COMMENT ON COLUMN v_feed_health.url IS 'Feed URL.';
COMMENT ON COLUMN v_feed_health.enabled IS 'Whether the feed is polled.';
COMMENT ON COLUMN v_feed_health.health IS 'ok, degraded (answered but malformed), failing (consecutive failures), never_polled or disabled.';
COMMENT ON COLUMN v_feed_health.origin IS 'feeds.yml (synced from the file) or cli (added by hand).';
COMMENT ON COLUMN v_feed_health.last_status IS 'HTTP status of the last poll (null when the request failed before a response).';
COMMENT ON COLUMN v_feed_health.last_error IS 'Error of the last poll, or the parse error of a partly readable feed.';
COMMENT ON COLUMN v_feed_health.consecutive_failures IS 'Failed polls in a row since the last success.';
COMMENT ON COLUMN v_feed_health.last_polled_at IS 'When the feed was last polled, successfully or not.';
COMMENT ON COLUMN v_feed_health.last_success_at IS 'When the feed was last polled successfully.';
COMMENT ON COLUMN v_feed_health.next_poll_at IS 'Earliest time of the next poll (pushed back exponentially while failing).';
COMMENT ON COLUMN v_feed_health.last_entry_count IS 'Entries in the feed at the last successful poll.';
COMMENT ON COLUMN v_feed_health.articles_discovered IS 'Distinct articles this feed has listed.';
COMMENT ON COLUMN v_feed_health.failing_over_a_day IS 'True when the feed fails and has not been polled successfully for more than a day.';
COMMENT ON COLUMN v_feed_health.last_error_stage IS 'Step of the feed''s latest recorded error: poll (fetch or an error handling the feed) or parse (a partly readable feed).';
COMMENT ON COLUMN v_feed_health.last_error_at IS 'When the feed''s latest recorded error happened (when that poll ended).';
COMMENT ON COLUMN v_feed_health.kind IS 'Source kind: rss (RSS or Atom feed), sitemap (news sitemap, sitemap index or robots.txt) or gdelt (a saved GDELT DOC API query).';
