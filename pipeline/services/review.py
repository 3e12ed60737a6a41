"""Review of alliance events: the list, one event with everything a reviewer weighs, and decisions.

show_event() gathers an event, its alliance's timeline, its articles with their
evidence and its audit trail in one call, so the CLI's `review show` and a web page
show the same thing. decide() records confirm, reject or correct through the
audited database function.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ValidationError
from ..store import review as review_store
from ..store import roles

REVIEW_STATES = review_store.REVIEW_STATES
# action -> the review state it leaves the event in
DECIDED_STATES = {"confirm": "confirmed", "reject": "rejected", "correct": "corrected"}


@dataclass(frozen=True)
class EventView:
    """One event as a reviewer sees it."""

    event: dict
    timeline: list[dict]
    articles: list[dict]
    audit: list[dict]


def list_events(conn, state: str | None = None, limit: int = 50) -> list[dict]:
    """Events with their review state, newest first."""
    return review_store.list_events(conn, state, limit)


def show_event(conn, event_id: int) -> EventView:
    """The event, its alliance's timeline, its articles and evidence, its audit trail."""
    event = review_store.get_event(conn, event_id)
    return EventView(event, review_store.alliance_timeline(conn, event["alliance_id"]),
                     review_store.event_articles(conn, event_id), review_store.audit_trail(conn, event_id))


def decide(conn, event_id: int, action: str, reviewer: str | None, *, note: str | None = None,
           parties: list[str] | None = None, deal_type: str | None = None, status: str | None = None,
           event_date=None) -> int | None:
    """Confirm, reject or correct an event; the audit row's id, None when nothing changed."""
    if not reviewer:
        raise ValidationError("no reviewer name: pass --reviewer NAME")
    correction = {}
    if action == "correct":
        correction = {"parties": parties, "deal_type": deal_type, "status": status, "event_date": event_date}
    return review_store.review_event(conn, event_id, action, reviewer, note=note, **correction)


def create_roles(conn) -> tuple[tuple[str, ...], list[str]]:
    """Create the reviewer and pipeline roles and apply their grants: (all roles, created now)."""
    return roles.ROLES, roles.create_roles(conn)
