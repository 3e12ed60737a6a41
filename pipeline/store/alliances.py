"""SQL for alliances, their dated events and the articles that evidence them.

The pipeline writes only pipeline columns; review columns (review_state,
reviewer, review_note, corrected_*) are never in any statement here.
"""

from __future__ import annotations

from .. import db
from . import locks

# Reports of one event spread over days; a same-type, same-status report this
# close to an existing event is the same event, further apart it is a new one.
EVENT_WINDOW_DAYS = 21


def lock_for_load(conn) -> None:
    """Serialise loading across workers until the transaction ends.

    Loading a batch touches many alliances and events; one loader at a time means two
    workers can never lock them in opposite orders.
    """
    locks.take(conn, "load")


def party_key(parties) -> str:
    """The identity of a relationship: its sorted party names."""
    return "|".join(sorted(set(parties)))


def upsert_alliance(conn, parties) -> int:
    """The alliance between exactly these parties, created if new."""
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_upsert_alliance", """
            INSERT INTO alliances (party_key, parties) VALUES ($1, $2)
            ON CONFLICT (party_key) DO UPDATE SET updated_at = now()
            RETURNING id""", (party_key(parties), sorted(set(parties))))
        return cur.fetchone()[0]


def _matching_event(cur, alliance_id, deal_type, status, event_date, story_id) -> int | None:
    if story_id is not None:
        db.execute_prepared(cur, "tieup_event_of_story", """
            SELECT e.id FROM alliance_events e JOIN event_articles ea ON ea.event_id = e.id
            WHERE e.alliance_id = $1 AND e.deal_type = $2 AND e.status = $3 AND ea.story_id = $4
            ORDER BY e.id LIMIT 1""", (alliance_id, deal_type, status, story_id))
        row = cur.fetchone()
        if row:
            return row[0]
    db.execute_prepared(cur, "tieup_event_near_date", """
        SELECT id FROM alliance_events
        WHERE alliance_id = $1 AND deal_type = $2 AND status = $3
          AND (event_date IS NULL OR $4::date IS NULL
               OR abs(event_date - $4::date) <= $5)
        ORDER BY id LIMIT 1""",
                (alliance_id, deal_type, status, event_date, EVENT_WINDOW_DAYS))
    row = cur.fetchone()
    return row[0] if row else None


def record_event(conn, *, alliance_id: int, deal_type: str, status: str, event_date,
                 focus_areas, confidence: float, story_id: int | None,
                 stake_pct=None) -> tuple[int, bool]:
    """Find the event this report belongs to, or create it; returns (event_id, created)."""
    with conn.cursor() as cur:
        event_id = _matching_event(cur, alliance_id, deal_type, status, event_date, story_id)
        if event_id is None:
            db.execute_prepared(cur, "tieup_insert_event", """
                INSERT INTO alliance_events (alliance_id, deal_type, status, event_date,
                                             focus_areas, confidence, stake_pct)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""",
                        (alliance_id, deal_type, status, event_date, sorted(focus_areas), confidence,
                         stake_pct))
            return cur.fetchone()[0], True
        db.execute_prepared(cur, "tieup_update_event", """
            UPDATE alliance_events SET
                last_seen_at = now(), updated_at = now(),
                confidence = greatest(confidence, $1),
                event_date = CASE WHEN event_date IS NULL THEN $2::date
                                  WHEN $2::date IS NULL THEN event_date
                                  ELSE least(event_date, $2::date) END,
                focus_areas = ARRAY(SELECT DISTINCT unnest(focus_areas || $3::text[]) ORDER BY 1),
                stake_pct = coalesce(stake_pct, $5)
            WHERE id = $4""",
                    (confidence, event_date, list(focus_areas), event_id, stake_pct))
        return event_id, False


def link_article(conn, *, event_id: int, article_id: int, story_id: int | None, evidence,
                 confidence: float, classifier_version: str) -> bool:
    """Attach an article's evidence to an event; returns True if the link is new or changed."""
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_link_article", """
            INSERT INTO event_articles (event_id, article_id, story_id, evidence, confidence,
                                        classifier_version)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (event_id, article_id) DO UPDATE SET
                story_id = EXCLUDED.story_id, evidence = EXCLUDED.evidence,
                confidence = EXCLUDED.confidence, classifier_version = EXCLUDED.classifier_version
            WHERE (event_articles.evidence, event_articles.confidence,
                   event_articles.classifier_version, event_articles.story_id)
                  IS DISTINCT FROM (EXCLUDED.evidence, EXCLUDED.confidence,
                                    EXCLUDED.classifier_version, EXCLUDED.story_id)
            RETURNING 1""",
                    (event_id, article_id, story_id, list(evidence), confidence, classifier_version))
        return cur.fetchone() is not None


def unlink_article(conn, article_id: int, keep_event_id: int | None = None) -> None:
    """Remove an article's evidence links to events other than keep_event_id.

    Used when a reclassified article moves to another event or stops being
    alliance news. Events left without any article and never reviewed are
    removed too; reviewed events stay, because their review belongs to a person.
    """
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_unlink_article", """
            DELETE FROM event_articles WHERE article_id = $1
               AND event_id IS DISTINCT FROM $2 RETURNING event_id""", (article_id, keep_event_id))
        event_ids = [r[0] for r in cur.fetchall()]
        if not event_ids:
            return
        db.execute_prepared(cur, "tieup_drop_unsupported_events", """
            DELETE FROM alliance_events e WHERE e.id = ANY($1) AND e.review_state = 'pending'
              AND NOT EXISTS (SELECT 1 FROM event_articles ea WHERE ea.event_id = e.id)""",
                    (event_ids,))
