-- Watchlists, the events they match, and the alerts sent for them (#20).
DROP VIEW IF EXISTS v_watchlists CASCADE;
CREATE VIEW v_watchlists AS
SELECT w.id                                             AS watchlist_id,
       w.name,
       coalesce((SELECT array_agg(c.name ORDER BY c.name)
                 FROM watchlist_companies wc JOIN companies c ON c.id = wc.company_id
                 WHERE wc.watchlist_id = w.id), '{}')   AS companies,
       w.deal_types,
       w.statuses,
       w.min_confidence,
       coalesce((SELECT array_agg(s.channel || ':' || s.target ORDER BY s.channel, s.target)
                 FROM watchlist_subscribers s WHERE s.watchlist_id = w.id), '{}') AS subscribers,
       w.created_at,
       w.created_by
FROM watchlists w;

COMMENT ON VIEW v_watchlists IS 'One row per watchlist: what it watches and who is subscribed.';
COMMENT ON COLUMN v_watchlists.watchlist_id IS 'Watchlist id.';
COMMENT ON COLUMN v_watchlists.name IS 'Watchlist name (tieup watch ... NAME).';
COMMENT ON COLUMN v_watchlists.companies IS 'Companies watched, as the companies table spells them (aliases were resolved when added).';
COMMENT ON COLUMN v_watchlists.deal_types IS 'Deal types watched; empty means any.';
COMMENT ON COLUMN v_watchlists.statuses IS 'Statuses watched; empty means any.';
COMMENT ON COLUMN v_watchlists.min_confidence IS 'Events below this confidence do not match.';
COMMENT ON COLUMN v_watchlists.subscribers IS 'channel:target of each subscriber (email:address, slack:NAME, webhook:NAME; chat URLs are secrets kept outside the database).';
COMMENT ON COLUMN v_watchlists.created_at IS 'When the watchlist was created.';
COMMENT ON COLUMN v_watchlists.created_by IS 'Database login that created it.';

-- The one definition of "an event matches a watchlist": alerts and digests both read it.
DROP VIEW IF EXISTS v_watchlist_events CASCADE;
CREATE VIEW v_watchlist_events AS
WITH watched AS (
    SELECT w.id, w.name, w.deal_types, w.statuses, w.min_confidence,
           array_agg(c.name) AS companies
    FROM watchlists w
    JOIN watchlist_companies wc ON wc.watchlist_id = w.id
    JOIN companies c ON c.id = wc.company_id
    GROUP BY w.id
)
SELECT w.id                                            AS watchlist_id,
       w.name                                          AS watchlist,
       e.event_id,
       ARRAY(SELECT p FROM unnest(e.parties) p WHERE p = ANY(w.companies) ORDER BY p) AS matched_companies,
       e.parties,
       e.deal_type,
       e.status,
       e.confidence,
       e.review_state,
       e.first_seen_at
FROM watched w
JOIN v_alliance_events e ON e.parties && w.companies
WHERE (cardinality(w.deal_types) = 0 OR e.deal_type = ANY(w.deal_types))
  AND (cardinality(w.statuses) = 0 OR e.status = ANY(w.statuses))
  AND e.confidence >= w.min_confidence;

COMMENT ON VIEW v_watchlist_events IS 'One row per (watchlist, alliance event) that matches it: a watched company among the parties (corrected ones first), the deal type and status watched, confidence at least the minimum. Rejected events are included (review_state says so).';
COMMENT ON COLUMN v_watchlist_events.watchlist_id IS 'Watchlist id.';
COMMENT ON COLUMN v_watchlist_events.watchlist IS 'Watchlist name.';
COMMENT ON COLUMN v_watchlist_events.event_id IS 'The matching event (v_alliance_events.event_id).';
COMMENT ON COLUMN v_watchlist_events.matched_companies IS 'The watched companies among the event''s parties.';
COMMENT ON COLUMN v_watchlist_events.parties IS 'Parties of the event, corrected value first.';
COMMENT ON COLUMN v_watchlist_events.deal_type IS 'Deal type, corrected value first.';
COMMENT ON COLUMN v_watchlist_events.status IS 'Status, corrected value first.';
COMMENT ON COLUMN v_watchlist_events.confidence IS 'The event''s confidence.';
COMMENT ON COLUMN v_watchlist_events.review_state IS 'pending, confirmed, rejected or corrected.';
COMMENT ON COLUMN v_watchlist_events.first_seen_at IS 'When the pipeline first recorded the event.';

DROP VIEW IF EXISTS v_alert_deliveries CASCADE;
CREATE VIEW v_alert_deliveries AS
SELECT d.id                                            AS delivery_id,
       d.kind,
       w.name                                          AS watchlist,
       s.channel,
       s.target,
       d.event_id,
       d.version,
       v.change,
       d.digest_date,
       d.state,
       d.attempts,
       d.last_error,
       d.created_at,
       d.last_attempt_at,
       d.next_attempt_at,
       d.sent_at
FROM alert_deliveries d
JOIN watchlist_subscribers s ON s.id = d.subscriber_id
JOIN watchlists w ON w.id = s.watchlist_id
LEFT JOIN alert_event_versions v ON v.event_id = d.event_id AND v.version = d.version;

COMMENT ON VIEW v_alert_deliveries IS 'One row per alert (event version, subscriber) and per digest (subscriber, day) queued or sent.';
COMMENT ON COLUMN v_alert_deliveries.delivery_id IS 'Delivery id (alert_deliveries.id).';
COMMENT ON COLUMN v_alert_deliveries.kind IS 'alert (one event change) or digest (the morning email).';
COMMENT ON COLUMN v_alert_deliveries.watchlist IS 'The watchlist that matched.';
COMMENT ON COLUMN v_alert_deliveries.channel IS 'email, slack or webhook.';
COMMENT ON COLUMN v_alert_deliveries.target IS 'Email address, or the chat channel''s name.';
COMMENT ON COLUMN v_alert_deliveries.event_id IS 'The event an alert is about (NULL for a digest).';
COMMENT ON COLUMN v_alert_deliveries.version IS 'Which recorded version of the event (alert_event_versions) the alert reports.';
COMMENT ON COLUMN v_alert_deliveries.change IS 'What changed: created, status, deal_type, parties, corrected, rejected, reopened (NULL for a digest).';
COMMENT ON COLUMN v_alert_deliveries.digest_date IS 'Day of a digest (UTC), NULL for an alert.';
COMMENT ON COLUMN v_alert_deliveries.state IS 'pending (queued or waiting for a retry), sent, failed (gave up: terminal error or too many attempts).';
COMMENT ON COLUMN v_alert_deliveries.attempts IS 'Send attempts so far.';
COMMENT ON COLUMN v_alert_deliveries.last_error IS 'Error of the last failed attempt (never a secret: webhook URLs are shown as scheme://host/...).';
COMMENT ON COLUMN v_alert_deliveries.created_at IS 'When it was queued.';
COMMENT ON COLUMN v_alert_deliveries.last_attempt_at IS 'When it was last tried.';
COMMENT ON COLUMN v_alert_deliveries.next_attempt_at IS 'When a pending delivery is due (backoff after a failure).';
COMMENT ON COLUMN v_alert_deliveries.sent_at IS 'When the channel accepted it.';

DROP VIEW IF EXISTS v_alert_channel_health CASCADE;
CREATE VIEW v_alert_channel_health AS
WITH stats AS (
    SELECT d.subscriber_id,
           count(*) FILTER (WHERE d.state = 'pending')                    AS pending,
           count(*) FILTER (WHERE d.state = 'pending' AND d.attempts > 0) AS retrying,
           count(*) FILTER (WHERE d.state = 'sent')                       AS sent,
           count(*) FILTER (WHERE d.state = 'failed')                     AS failed,
           max(d.sent_at)                                                 AS last_sent_at,
           max(d.last_attempt_at) FILTER (WHERE d.last_error IS NOT NULL) AS last_error_at,
           min(d.next_attempt_at) FILTER (WHERE d.state = 'pending')      AS next_attempt_at
    FROM alert_deliveries d GROUP BY d.subscriber_id
)
SELECT s.id                                             AS subscriber_id,
       w.name                                           AS watchlist,
       s.channel,
       s.target,
       CASE WHEN coalesce(st.retrying, 0) > 0 OR (st.last_error_at IS NOT NULL
                 AND st.last_error_at > coalesce(st.last_sent_at, '-infinity')) THEN 'failing'
            WHEN st.last_sent_at IS NULL THEN 'never_sent'
            ELSE 'ok' END                               AS health,
       coalesce(st.pending, 0)                          AS pending,
       coalesce(st.sent, 0)                             AS sent,
       coalesce(st.failed, 0)                           AS failed,
       st.last_sent_at,
       st.last_error_at,
       (SELECT d.last_error FROM alert_deliveries d
        WHERE d.subscriber_id = s.id AND d.last_error IS NOT NULL
        ORDER BY d.last_attempt_at DESC NULLS LAST, d.id DESC LIMIT 1) AS last_error,
       st.next_attempt_at
FROM watchlist_subscribers s
JOIN watchlists w ON w.id = s.watchlist_id
LEFT JOIN stats st ON st.subscriber_id = s.id;

COMMENT ON VIEW v_alert_channel_health IS 'One row per subscriber (a channel of a watchlist): is it delivering, what is waiting, its last error.';
COMMENT ON COLUMN v_alert_channel_health.subscriber_id IS 'Subscriber id (watchlist_subscribers.id).';
COMMENT ON COLUMN v_alert_channel_health.watchlist IS 'Watchlist name.';
COMMENT ON COLUMN v_alert_channel_health.channel IS 'email, slack or webhook.';
COMMENT ON COLUMN v_alert_channel_health.target IS 'Email address, or the chat channel''s name.';
COMMENT ON COLUMN v_alert_channel_health.health IS 'ok (its last attempt was delivered), failing (its latest attempt failed or deliveries wait for a retry), never_sent (nothing delivered yet).';
COMMENT ON COLUMN v_alert_channel_health.pending IS 'Deliveries queued or waiting for a retry.';
COMMENT ON COLUMN v_alert_channel_health.sent IS 'Deliveries the channel accepted.';
COMMENT ON COLUMN v_alert_channel_health.failed IS 'Deliveries given up (terminal error or too many attempts).';
COMMENT ON COLUMN v_alert_channel_health.last_sent_at IS 'When the channel last accepted a delivery.';
COMMENT ON COLUMN v_alert_channel_health.last_error_at IS 'When an attempt last failed.';
COMMENT ON COLUMN v_alert_channel_health.last_error IS 'The latest error.';
COMMENT ON COLUMN v_alert_channel_health.next_attempt_at IS 'When the next pending delivery is due.';
