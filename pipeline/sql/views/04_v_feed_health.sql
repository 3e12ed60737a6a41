-- v_feed_health: one row per feed with its polling state, worst first, so an analyst
-- sees which sources are failing, why, since how many polls and when the next try is.
DROP VIEW IF EXISTS v_feed_health CASCADE;
CREATE VIEW v_feed_health AS
SELECT f.id                        AS feed_id,
       f.name,
       f.url,
       f.enabled,
       CASE WHEN NOT f.enabled                THEN 'disabled'
            WHEN f.last_polled_at IS NULL     THEN 'never_polled'
            WHEN f.consecutive_failures > 0   THEN 'failing'
            WHEN f.last_error IS NOT NULL     THEN 'degraded'   -- answered, but the feed was malformed
            ELSE 'ok' END          AS health,
       f.consecutive_failures      AS failure_count,
       f.last_error,
       f.last_status,
       f.last_polled_at,
       f.next_poll_at,
       f.last_entry_count,
       (SELECT count(*) FROM feed_entries fe WHERE fe.feed_id = f.id)            AS entries_seen,
       (SELECT max(fe.first_seen_at) FROM feed_entries fe WHERE fe.feed_id = f.id) AS last_new_entry_at
FROM feeds f
ORDER BY f.enabled DESC, f.consecutive_failures DESC, f.name;

COMMENT ON VIEW v_feed_health IS 'One row per feed: health (ok, degraded, failing, never_polled, disabled), failure count, last error and next poll.';
