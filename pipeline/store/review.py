"""SQL for the review workflow: listing and showing events, and decisions.

Reads go through the v_* views only, so a tieup_reviewer login can run every
`tieup review` command.

Decisions go through the SECURITY DEFINER function tieup_review_event
(migration 0005), which validates them and writes the audit row in the same
transaction; nothing here updates review columns directly.
"""

from __future__ import annotations

import psycopg2
import psycopg2.extras

from .. import db
from ..errors import NotFoundError, ValidationError

REVIEW_STATES = ("pending", "confirmed", "rejected", "corrected")
REVIEW_ACTIONS = ("confirm", "reject", "correct")


def list_events(conn, state: str | None = None, limit: int = 50) -> list[dict]:
    """Events to review, newest first; `state` filters on review_state."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT event_id, parties, deal_type, status, event_date, article_count,
                   source_count, confidence, review_state, reviewer, best_evidence
            FROM v_alliance_events
            WHERE %(state)s::text IS NULL OR review_state = %(state)s
            ORDER BY first_seen_at DESC, event_id DESC
            LIMIT %(limit)s""", {"state": state, "limit": limit})
        return db.dict_rows(cur)


def get_event(conn, event_id: int) -> dict:
    """One row of v_alliance_events; NotFoundError if there is none."""
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM v_alliance_events WHERE event_id = %s", (event_id,))
        rows = db.dict_rows(cur)
    if not rows:
        raise NotFoundError(f"no alliance event {event_id}")
    return rows[0]


def alliance_timeline(conn, alliance_id: int) -> list[dict]:
    """Every event of a relationship, oldest first."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT event_id, event_date, deal_type, status, review_state, article_count
            FROM v_alliance_events WHERE alliance_id = %s
            ORDER BY event_date NULLS LAST, event_id""", (alliance_id,))
        return db.dict_rows(cur)


def event_articles(conn, event_id: int) -> list[dict]:
    """The articles evidencing an event, with their evidence sentences."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT article_id, title, canonical_url, source_domain, published_at, evidence,
                   confidence
            FROM v_event_articles WHERE event_id = %s
            ORDER BY confidence DESC, published_at NULLS LAST, article_id""", (event_id,))
        return db.dict_rows(cur)


def audit_trail(conn, event_id: int) -> list[dict]:
    """Review decisions on an event, oldest first."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT audit_id, action, reviewer, decided_at, note, old_values, new_values
            FROM v_review_audit WHERE event_id = %s ORDER BY decided_at, audit_id""", (event_id,))
        return db.dict_rows(cur)


def review_event(conn, event_id: int, action: str, reviewer: str, *, note: str | None = None,
                 parties=None, deal_type: str | None = None, status: str | None = None,
                 event_date=None) -> int | None:
    """Record one decision through tieup_review_event and commit; returns the audit row id,
    or None when the decision repeats the event's current one (nothing changed or recorded)."""
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tieup_review_event(%s, %s, %s, %s, %s, %s, %s, %s)",
                        (event_id, action, reviewer, note,
                         list(parties) if parties is not None else None,
                         deal_type, status, event_date))
            audit_id = cur.fetchone()[0]
    except psycopg2.errors.NoDataFound as exc:
        conn.rollback()
        raise NotFoundError(exc.diag.message_primary) from exc
    except psycopg2.errors.InvalidParameterValue as exc:
        conn.rollback()
        raise ValidationError(exc.diag.message_primary) from exc
    conn.commit()
    return audit_id
