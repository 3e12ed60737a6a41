"""SQL for watchlists, event versions and the alert outbox (alert_deliveries).

The outbox is a queue like the article stages': queuing is INSERT ... ON CONFLICT
DO NOTHING on (event version, subscriber) and (subscriber, day), so two runs queue
each delivery once; sending claims due rows with FOR UPDATE SKIP LOCKED and a lease,
renews the lease before each send and marks the row sent with a synchronous commit.
"""

from __future__ import annotations

from psycopg2.extras import Json, execute_values

from .. import db, safetext
from ..errors import NotFoundError


# ------------------------------------------------------------------ watchlists

def company_names(conn, names: list[str]) -> dict[str, tuple[int, str] | None]:
    """Each given name -> (company id, canonical name), aliases included; None when unknown."""
    found = {}
    with conn.cursor() as cur:
        for name in names:
            cur.execute("SELECT c.id, c.name FROM companies c WHERE c.name = tieup_company_of(%s)", (name,))
            row = cur.fetchone()
            found[name] = (row[0], row[1]) if row else None
    return found


def upsert_watchlist(conn, name: str, company_ids: list[int], deal_types: list[str] | None,
                     statuses: list[str] | None, min_confidence: float | None) -> tuple[int, bool]:
    """Create the watchlist or add companies to it (filters given replace the old ones): (id, created)."""
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO watchlists (name, deal_types, statuses, min_confidence)
            VALUES (%(name)s, coalesce(%(deal_types)s::text[], '{}'), coalesce(%(statuses)s::text[], '{}'),
                    coalesce(%(min_confidence)s::real, 0))
            ON CONFLICT (name) DO UPDATE SET
                deal_types = coalesce(%(deal_types)s::text[], watchlists.deal_types),
                statuses = coalesce(%(statuses)s::text[], watchlists.statuses),
                min_confidence = coalesce(%(min_confidence)s::real, watchlists.min_confidence)
            RETURNING id, (xmax = 0)""",
                    {"name": name, "deal_types": deal_types, "statuses": statuses,
                     "min_confidence": min_confidence})
        watchlist_id, created = cur.fetchone()
        cur.execute("""INSERT INTO watchlist_companies (watchlist_id, company_id)
                       SELECT %s, unnest(%s::bigint[]) ON CONFLICT DO NOTHING""", (watchlist_id, company_ids))
    conn.commit()
    return watchlist_id, created


def list_watchlists(conn) -> list[dict]:
    """Every watchlist (v_watchlists), by name."""
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM v_watchlists ORDER BY name")
        return db.dict_rows(cur)


def _watchlist_id(cur, name: str) -> int:
    cur.execute("SELECT id FROM watchlists WHERE name = %s", (name,))
    row = cur.fetchone()
    if row is None:
        raise NotFoundError(f"no watchlist named {name!r}")
    return row[0]


def remove_watchlist(conn, name: str) -> None:
    """Delete a watchlist with its subscribers and their delivery history."""
    with conn.cursor() as cur:
        cur.execute("DELETE FROM watchlists WHERE id = %s", (_watchlist_id(cur, name),))
    conn.commit()


def remove_companies(conn, name: str, company_ids: list[int]) -> int:
    """Stop watching some companies; how many were on the list."""
    with conn.cursor() as cur:
        cur.execute("DELETE FROM watchlist_companies WHERE watchlist_id = %s AND company_id = ANY(%s)",
                    (_watchlist_id(cur, name), company_ids))
        removed = cur.rowcount
    conn.commit()
    return removed


def subscribe(conn, name: str, channel: str, target: str, digest: bool) -> tuple[int, bool]:
    """Subscribe a target to a watchlist (again: its digest choice is updated): (id, created)."""
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO watchlist_subscribers (watchlist_id, channel, target, digest)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (watchlist_id, channel, target) DO UPDATE SET digest = EXCLUDED.digest
            RETURNING id, (xmax = 0)""", (_watchlist_id(cur, name), channel, target, digest))
        row = cur.fetchone()
    conn.commit()
    return row[0], row[1]


def unsubscribe(conn, name: str, channel: str, target: str) -> None:
    """Remove a subscriber (NotFoundError if it was not subscribed)."""
    with conn.cursor() as cur:
        cur.execute("DELETE FROM watchlist_subscribers WHERE watchlist_id = %s AND channel = %s AND target = %s",
                    (_watchlist_id(cur, name), channel, target))
        if cur.rowcount == 0:
            raise NotFoundError(f"{channel}:{target} is not subscribed to {name!r}")
    conn.commit()


def channel_health(conn) -> list[dict]:
    """v_alert_channel_health, by watchlist and channel."""
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM v_alert_channel_health ORDER BY watchlist, channel, target")
        return db.dict_rows(cur)


def has_subscribers(conn) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM watchlist_subscribers)")
        return cur.fetchone()[0]


# -------------------------------------------------------------- event versions

def current_events(conn) -> list[dict]:
    """Alert values now of events new or touched since their last version, with that version (or None)."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT e.id AS event_id,
                   coalesce(e.corrected_parties, tieup_resolved_parties(al.parties)) AS parties,
                   coalesce(e.corrected_deal_type, e.deal_type) AS deal_type,
                   coalesce(e.corrected_status, e.status) AS status,
                   e.review_state, e.corrected_parties, e.corrected_deal_type, e.corrected_status,
                   e.corrected_event_date, greatest(e.first_seen_at, e.reviewed_at) AS first_changed_at,
                   v.version AS latest_version, v.fingerprint AS latest_fingerprint,
                   v.event_values AS latest_values
            FROM alliance_events e
            JOIN alliances al ON al.id = e.alliance_id
            LEFT JOIN LATERAL (SELECT version, fingerprint, event_values, detected_at FROM alert_event_versions
                               WHERE event_id = e.id ORDER BY version DESC LIMIT 1) v ON true
            -- Alert values change only when an event is created, reviewed or updated; the hour
            -- covers a review that committed after the last pass although it began before it.
            WHERE v.version IS NULL
               OR greatest(e.reviewed_at, e.updated_at) >= v.detected_at - interval '1 hour'
            ORDER BY e.id""")
        return db.dict_rows(cur)


def record_versions(conn, versions: list[dict]) -> int:
    """Insert new event versions; a version another run recorded first is skipped. How many were new."""
    with conn.cursor() as cur:
        inserted = execute_values(cur, """
            INSERT INTO alert_event_versions (event_id, version, change, fingerprint, event_values, changed_at)
            SELECT event_id, version, change, fingerprint, event_values, coalesce(changed_at, now())
            FROM (VALUES %s) AS v (event_id, version, change, fingerprint, event_values, changed_at)
            ON CONFLICT (event_id, version) DO NOTHING RETURNING 1""",
            [(v["event_id"], v["version"], v["change"], v["fingerprint"], Json(v["values"]), v["changed_at"])
             for v in versions],
            template="(%s::bigint, %s::int, %s::text, %s::text, %s::jsonb, %s::timestamptz)",
            page_size=1000, fetch=True)
    conn.commit()
    return len(inserted)


# ------------------------------------------------------------------- queuing

def queue_alerts(conn, window_days: int) -> int:
    """Queue an alert for each subscriber of a watchlist the latest version of an event matches.

    Only changes of the last window_days made after the subscription; a rejection only to
    those who were sent an earlier version of the event. Idempotent: an existing
    (version, subscriber) is kept.
    """
    with conn.cursor() as cur:
        cur.execute("""
            WITH recent AS MATERIALIZED (
                SELECT v.event_id, v.version, v.change, v.changed_at FROM alert_event_versions v
                WHERE v.changed_at >= greatest(now() - make_interval(days => %s),
                                               (SELECT min(created_at) FROM watchlist_subscribers))
                  AND v.version = (SELECT max(x.version) FROM alert_event_versions x
                                   WHERE x.event_id = v.event_id))
            INSERT INTO alert_deliveries (subscriber_id, kind, event_id, version)
            SELECT DISTINCT s.id, 'alert', v.event_id, v.version
            FROM recent v
            JOIN v_watchlist_events m ON m.event_id = v.event_id
            JOIN watchlist_subscribers s ON s.watchlist_id = m.watchlist_id
            WHERE m.event_id = ANY(ARRAY(SELECT event_id FROM recent))   -- lets the view aggregate only these
              AND v.changed_at >= s.created_at
              AND (m.review_state <> 'rejected' OR v.change = 'rejected')
              AND (v.change <> 'rejected' OR EXISTS (
                    SELECT 1 FROM alert_deliveries d
                    WHERE d.subscriber_id = s.id AND d.event_id = v.event_id AND d.kind = 'alert'
                      AND d.state = 'sent'))
            ON CONFLICT (event_id, version, subscriber_id) WHERE kind = 'alert' DO NOTHING""",
                    (window_days,))
        queued = cur.rowcount
    conn.commit()
    return queued


def digest_watchlists(conn, day) -> list[dict]:
    """Watchlists with email subscribers who want the digest and have none for `day` yet."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT w.id AS watchlist_id, w.name, array_agg(s.id ORDER BY s.id) AS subscriber_ids
            FROM watchlists w JOIN watchlist_subscribers s ON s.watchlist_id = w.id
            WHERE s.channel = 'email' AND s.digest
              AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.subscriber_id = s.id
                              AND d.kind = 'digest' AND d.digest_date = %s)
            GROUP BY w.id ORDER BY w.id""", (day,))
        return db.dict_rows(cur)


def watchlist_event_ids(conn, watchlist_id: int, event_ids: list[int]) -> list[int]:
    """The events among event_ids that match the watchlist (v_watchlist_events), not rejected."""
    with conn.cursor() as cur:
        cur.execute("""SELECT event_id FROM v_watchlist_events
                       WHERE watchlist_id = %s AND event_id = ANY(%s) AND review_state <> 'rejected'
                       ORDER BY event_id""", (watchlist_id, list(event_ids)))
        return [r[0] for r in cur.fetchall()]


def queue_digests(conn, subscriber_ids: list[int], day, since, until) -> int:
    """Queue the digest of `day` for these subscribers (each once)."""
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO alert_deliveries (subscriber_id, kind, digest_date, period_start, period_end)
            SELECT unnest(%s::bigint[]), 'digest', %s, %s, %s
            ON CONFLICT (subscriber_id, digest_date) WHERE kind = 'digest' DO NOTHING""",
                    (subscriber_ids, day, since, until))
        queued = cur.rowcount
    conn.commit()
    return queued


# ------------------------------------------------------------------- sending

def claim_deliveries(conn, worker: str, limit: int, lease_seconds: int, exclude=()) -> list[int]:
    """Lease up to `limit` due pending deliveries to `worker` (skipping rows others hold)."""
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE alert_deliveries SET leased_until = now() + make_interval(secs => %s), lease_owner = %s
            WHERE id IN (
                SELECT id FROM alert_deliveries
                WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()
                  AND (leased_until IS NULL OR leased_until < now())
                  AND id <> ALL(%s::bigint[])
                ORDER BY next_attempt_at, id LIMIT %s
                FOR UPDATE SKIP LOCKED)
            RETURNING id""", (lease_seconds, worker, sorted(exclude), limit))
        ids = sorted(r[0] for r in cur.fetchall())
    conn.commit()
    return ids


def delivery(conn, delivery_id: int) -> dict:
    """A delivery with its subscriber, watchlist, and for an alert the version and the event's sources."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT d.id, d.kind, d.event_id, d.version, d.digest_date, d.period_start, d.period_end,
                   d.attempts, s.channel, s.target, w.id AS watchlist_id, w.name AS watchlist,
                   v.change, v.event_values, e.event_date, e.confidence, e.review_state,
                   e.best_evidence, e.urls, e.source_domains
            FROM alert_deliveries d
            JOIN watchlist_subscribers s ON s.id = d.subscriber_id
            JOIN watchlists w ON w.id = s.watchlist_id
            LEFT JOIN alert_event_versions v ON v.event_id = d.event_id AND v.version = d.version
            LEFT JOIN v_alliance_events e ON e.event_id = d.event_id
            WHERE d.id = %s""", (delivery_id,))
        rows = db.dict_rows(cur)
    conn.commit()
    if not rows:
        raise NotFoundError(f"no alert delivery {delivery_id}")
    return rows[0]


def renew_lease(conn, delivery_id: int, worker: str, lease_seconds: int) -> bool:
    """Extend this worker's lease before a send; False when the row is no longer ours to send."""
    with conn.cursor() as cur:
        cur.execute("""UPDATE alert_deliveries SET leased_until = now() + make_interval(secs => %s)
                       WHERE id = %s AND lease_owner = %s AND state = 'pending' AND leased_until > now()""",
                    (lease_seconds, delivery_id, worker))
        held = cur.rowcount == 1
    conn.commit()
    return held


def mark_sent(conn, delivery_id: int, worker: str) -> None:
    """Record the send, waiting for the WAL flush: a sent row must survive a server crash."""
    with conn.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = on")
        cur.execute("""UPDATE alert_deliveries SET state = 'sent', sent_at = clock_timestamp(),
                              last_attempt_at = clock_timestamp(), attempts = attempts + 1,
                              leased_until = NULL, lease_owner = NULL
                       WHERE id = %s AND lease_owner = %s""", (delivery_id, worker))
    conn.commit()


def mark_failed(conn, delivery_id: int, worker: str, error: str, *, give_up: bool,
                retry_in_seconds: float) -> str:
    """Count a failed attempt: back to the queue after the backoff, or parked as failed. The new state."""
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE alert_deliveries SET attempts = attempts + 1, last_error = %s,
                   last_attempt_at = clock_timestamp(),
                   next_attempt_at = clock_timestamp() + make_interval(secs => %s),
                   state = CASE WHEN %s THEN 'failed' ELSE 'pending' END,
                   leased_until = NULL, lease_owner = NULL
            WHERE id = %s AND lease_owner = %s RETURNING state""",
                    (safetext.cap_bytes(error, 2000), retry_in_seconds, give_up, delivery_id, worker))
        row = cur.fetchone()
    conn.commit()
    return row[0] if row else "pending"


def postpone(conn, delivery_ids: list[int], worker: str, until) -> None:
    """Give rows back without an attempt counted, due at `until` (their channel just failed)."""
    with conn.cursor() as cur:
        cur.execute("""UPDATE alert_deliveries SET next_attempt_at = %s, leased_until = NULL, lease_owner = NULL
                       WHERE id = ANY(%s) AND lease_owner = %s""", (until, delivery_ids, worker))
    conn.commit()


def next_attempt_at(conn, delivery_id: int):
    with conn.cursor() as cur:
        cur.execute("SELECT next_attempt_at FROM alert_deliveries WHERE id = %s", (delivery_id,))
        row = cur.fetchone()
    conn.commit()
    return row[0] if row else None

