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
from ..errors import ConflictError, NotFoundError, ValidationError

REVIEW_STATES = ("pending", "confirmed", "rejected", "corrected")
REVIEW_ACTIONS = ("confirm", "reject", "correct")


INBOX_COLUMNS = """event_id, alliance_id, parties, deal_type, status, event_date, first_seen_at,
                   article_count, source_count, confidence, review_state, reviewer, reviewed_at,
                   best_evidence"""
# Filters of the review queue, as SQL over v_review_inbox; a None parameter is no filter.
_INBOX_FILTERS = """
              (%(state)s::text IS NULL OR review_state = %(state)s)
          AND (%(deal_type)s::text IS NULL OR deal_type = %(deal_type)s)
          AND (%(status)s::text IS NULL OR status = %(status)s)
          AND (%(spellings)s::text[] IS NULL OR party_names && %(spellings)s::text[])
          AND (%(since)s::timestamptz IS NULL OR first_seen_at >= %(since)s)"""


def list_events(conn, state: str | None = None, limit: int = 50, *, deal_type: str | None = None,
                status: str | None = None, spellings: list[str] | None = None, since=None,
                after: tuple | None = None) -> list[dict]:
    """Events newest first (first_seen_at, event_id), filtered; `after` is the (first_seen_at,
    event_id) of the last row of the previous page (keyset paging, as fast on page 2,000 as on 1)."""
    params = {"state": state, "deal_type": deal_type, "status": status, "spellings": spellings,
              "since": since, "limit": limit, "after_seen": after[0] if after else None,
              "after_id": after[1] if after else None}
    with conn.cursor() as cur:
        cur.execute(f"""
            SELECT {INBOX_COLUMNS} FROM v_review_inbox
            WHERE {_INBOX_FILTERS}
              AND (%(after_id)s::bigint IS NULL
                   OR (first_seen_at, event_id) < (%(after_seen)s::timestamptz, %(after_id)s::bigint))
            ORDER BY first_seen_at DESC, event_id DESC
            LIMIT %(limit)s""", params)
        return db.dict_rows(cur)


def count_by_state(conn, *, deal_type: str | None = None, status: str | None = None,
                   spellings: list[str] | None = None, since=None) -> dict[str, int]:
    """How many events each review state has under the other filters (every state present)."""
    params = {"state": None, "deal_type": deal_type, "status": status, "spellings": spellings,
              "since": since}
    with conn.cursor() as cur:
        cur.execute(f"SELECT review_state, count(*) FROM v_review_inbox WHERE {_INBOX_FILTERS} "
                    "GROUP BY review_state", params)
        counts = dict(cur.fetchall())
    return {state: counts.get(state, 0) for state in REVIEW_STATES}


def next_pending(conn, event_id: int) -> int | None:
    """The pending event after this one in inbox order (older), else the newest pending one."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT event_id FROM v_review_inbox
            WHERE review_state = 'pending' AND event_id <> %(id)s
            ORDER BY (first_seen_at, event_id) < (SELECT first_seen_at, event_id FROM v_review_inbox
                                                   WHERE event_id = %(id)s) DESC NULLS LAST,
                     first_seen_at DESC, event_id DESC
            LIMIT 1""", {"id": event_id})
        row = cur.fetchone()
    return row[0] if row else None


def company_spellings(conn, name: str) -> tuple[str | None, list[str]]:
    """The company a name means (name or alias, any case) and every name it is stored under;
    (None, [name]) when no company matches."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT company, company || aliases FROM v_companies
            WHERE lower(company) = lower(%(name)s)
               OR lower(%(name)s) = ANY (SELECT lower(a) FROM unnest(aliases) a)
            ORDER BY lower(company) = lower(%(name)s) DESC, company LIMIT 1""", {"name": name.strip()})
        row = cur.fetchone()
    return (row[0], list(row[1])) if row else (None, [name.strip()])


def company_names(conn) -> list[str]:
    """Every company name, sorted (what party fields complete from)."""
    with conn.cursor() as cur:
        cur.execute("SELECT company FROM v_companies ORDER BY company")
        return [r[0] for r in cur.fetchall()]


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


def article_texts(conn, article_ids: list[int]) -> dict[int, str]:
    """The extracted text of each article, by id."""
    with conn.cursor() as cur:
        cur.execute("SELECT article_id, text FROM v_article_text WHERE article_id = ANY(%s)",
                    (list(article_ids),))
        return {r[0]: r[1] or "" for r in cur.fetchall()}


def company_events(conn, spellings: list[str], limit: int = 500) -> list[dict]:
    """Events naming the company as a party, latest event date first."""
    with conn.cursor() as cur:
        cur.execute(f"""
            SELECT {INBOX_COLUMNS} FROM v_review_inbox
            WHERE party_names && %(spellings)s::text[]
            ORDER BY event_date DESC NULLS LAST, event_id DESC LIMIT %(limit)s""",
                    {"spellings": spellings, "limit": limit})
        return db.dict_rows(cur)


def company_partners(conn, company: str) -> list[dict]:
    """The company's partners from v_company_network (not-rejected events), most events first."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT CASE WHEN company_a = %(c)s THEN company_b ELSE company_a END AS partner,
                   event_count, deal_type_counts, latest_status, latest_deal_type,
                   first_event_date, latest_event_date, article_count
            FROM v_company_network WHERE %(c)s IN (company_a, company_b)
            ORDER BY event_count DESC, partner LIMIT 200""", {"c": company})
        return db.dict_rows(cur)


def feed_health(conn) -> list[dict]:
    """Every feed's v_feed_health row, failing ones first, then by name."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT * FROM v_feed_health
            ORDER BY enabled DESC, (health = 'failing') DESC, (health = 'degraded') DESC,
                     consecutive_failures DESC, name""")
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
                 event_date=None, expected_version: int | None = None) -> int | None:
    """Record one decision through tieup_review_event and commit; returns the audit row id,
    or None when the decision repeats the event's current one (nothing changed or recorded).

    expected_version (the event's last audit id the reviewer saw, 0 for none) makes the
    decision conditional: if another decision came in between, nothing is kept and
    ConflictError says so. The function row-locks the event, so concurrent decisions
    run one after the other and the check, made after the call in the same
    transaction, sees every decision committed before this one.
    """
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tieup_review_event(%s, %s, %s, %s, %s, %s, %s, %s)",
                        (event_id, action, reviewer, note,
                         list(parties) if parties is not None else None,
                         deal_type, status, event_date))
            audit_id = cur.fetchone()[0]
            if expected_version is not None:
                _check_version(cur, event_id, audit_id, expected_version)
    except psycopg2.errors.NoDataFound as exc:
        conn.rollback()
        raise NotFoundError(exc.diag.message_primary) from exc
    except psycopg2.errors.InvalidParameterValue as exc:
        conn.rollback()
        raise ValidationError(exc.diag.message_primary) from exc
    except ConflictError:
        conn.rollback()
        raise
    conn.commit()
    return audit_id


def _check_version(cur, event_id: int, audit_id: int | None, expected: int) -> None:
    cur.execute("""SELECT coalesce(max(audit_id), 0) FROM v_review_audit
                   WHERE event_id = %s AND (%s::bigint IS NULL OR audit_id < %s)""",
                (event_id, audit_id, audit_id))
    before = cur.fetchone()[0]
    if before != expected:
        cur.execute("""SELECT action, reviewer, decided_at, new_values->>'review_state'
                       FROM v_review_audit WHERE audit_id = %s""", (before,))
        action, reviewer, decided_at, state = cur.fetchone()
        raise ConflictError(f"event {event_id} changed while you were looking at it: "
                            f"{reviewer} {action}ed it ({state}) at {decided_at:%Y-%m-%d %H:%M:%S %Z}; "
                            "nothing was recorded, decide again on what it is now",
                            reviewer=reviewer, state=state)


def event_version(audit: list[dict]) -> int:
    """The version of an event a reviewer saw: its last audit row's id, 0 before any decision."""
    return max((r["audit_id"] for r in audit), default=0)
