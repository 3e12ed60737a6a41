"""Review of alliance events: the queue, one event with everything a reviewer weighs, and decisions.

Every face of review (`tieup review`, the review pages in the Airflow UI) calls
these functions. inbox() pages the queue with filters and a count per state;
show_event() gathers an event, its alliance's timeline, its articles with their
evidence and text, and its audit trail in one call; decide() records confirm,
reject or correct through the audited database function, optionally only if
nobody decided since the reviewer looked (expected_version). company(),
network() and sources() are the other pages' data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .. import report
from ..errors import ConfigError, ValidationError
from ..store import report as report_store
from ..store import review as review_store
from ..store import roles
from ..vocabulary import DEAL_STATUSES, DEAL_TYPES

REVIEW_STATES = review_store.REVIEW_STATES
# The database login make run creates for the review pages (TIEUP_REVIEW_DATABASE_URL).
APP_LOGIN = "tieup_review_app"
# More relationships than this are listed but not drawn (the layout's cost grows fast).
NETWORK_MAX_RELATIONSHIPS = 300
# action -> the review state it leaves the event in
DECIDED_STATES = {"confirm": "confirmed", "reject": "rejected", "correct": "corrected"}


@dataclass(frozen=True)
class EventView:
    """One event as a reviewer sees it."""

    event: dict
    timeline: list[dict]
    articles: list[dict]
    audit: list[dict]
    texts: dict[int, str] = field(default_factory=dict)

    @property
    def version(self) -> int:
        """What a decision form carries so a concurrent decision is noticed (see decide())."""
        return review_store.event_version(self.audit)


@dataclass(frozen=True)
class InboxFilter:
    """What the queue is narrowed to; None is no filter. `since` is a time (first seen from)."""

    state: str | None = "pending"
    deal_type: str | None = None
    status: str | None = None
    company: str | None = None
    since: datetime | None = None

    def __post_init__(self):
        _check_choice("review state", self.state, REVIEW_STATES)
        _check_choice("deal type", self.deal_type, DEAL_TYPES)
        _check_choice("status", self.status, DEAL_STATUSES)


@dataclass(frozen=True)
class InboxPage:
    """One page of the queue, the count per state under the other filters, and the next page's key."""

    events: list[dict]
    counts: dict[str, int]
    next_after: tuple | None


@dataclass(frozen=True)
class CompanyView:
    """A company's events over time and its partners."""

    company: str
    known: bool
    events: list[dict]
    partners: list[dict]


def _check_choice(what: str, value: str | None, allowed) -> None:
    if value is not None and value not in allowed:
        raise ValidationError(f"unknown {what} {value!r}: one of {', '.join(allowed)}")


def list_events(conn, state: str | None = None, limit: int = 50) -> list[dict]:
    """Events with their review state, newest first."""
    return review_store.list_events(conn, state, limit)


def inbox(conn, filters: InboxFilter, after: tuple | None = None, limit: int = 50) -> InboxPage:
    """A page of events newest first under the filters; `after` is the previous page's next_after."""
    spellings = review_store.company_spellings(conn, filters.company)[1] if filters.company else None
    query = {"deal_type": filters.deal_type, "status": filters.status, "spellings": spellings,
             "since": filters.since}
    rows = review_store.list_events(conn, filters.state, limit + 1, after=after, **query)
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = (rows[-1]["first_seen_at"], rows[-1]["event_id"]) if more else None
    return InboxPage(rows, review_store.count_by_state(conn, **query), next_after)


def show_event(conn, event_id: int) -> EventView:
    """The event, its alliance's timeline, its articles with evidence and text, its audit trail."""
    event = review_store.get_event(conn, event_id)
    articles = review_store.event_articles(conn, event_id)
    return EventView(event, review_store.alliance_timeline(conn, event["alliance_id"]), articles,
                     review_store.audit_trail(conn, event_id),
                     review_store.article_texts(conn, [a["article_id"] for a in articles]))


def next_pending(conn, event_id: int) -> int | None:
    """The pending event to review after this one (the next older in the inbox), if any."""
    return review_store.next_pending(conn, event_id)


def decide(conn, event_id: int, action: str, reviewer: str | None, *, note: str | None = None,
           parties: list[str] | None = None, deal_type: str | None = None, status: str | None = None,
           event_date=None, expected_version: int | None = None) -> int | None:
    """Confirm, reject or correct an event; the audit row's id, None when nothing changed.

    With expected_version (EventView.version as the reviewer saw it), a decision made
    by someone else in between raises ConflictError and nothing is recorded.
    """
    if not reviewer:
        raise ValidationError("no reviewer name: pass --reviewer NAME")
    if action not in DECIDED_STATES:
        raise ValidationError(f"unknown action {action!r}: one of confirm, reject, correct")
    correction = {}
    if action == "correct":
        _check_choice("deal type", deal_type, DEAL_TYPES)
        _check_choice("status", status, DEAL_STATUSES)
        correction = {"parties": parties, "deal_type": deal_type, "status": status, "event_date": event_date}
    return review_store.review_event(conn, event_id, action, reviewer, note=note,
                                     expected_version=expected_version, **correction)


def company_names(conn) -> list[str]:
    """Every company name, for completing party fields."""
    return review_store.company_names(conn)


def event(conn, event_id: int) -> dict:
    """The event as v_alliance_events shows it (corrected values first)."""
    return review_store.get_event(conn, event_id)


def changed_values(current: dict, *, parties=None, deal_type=None, status=None, event_date=None) -> dict:
    """Of the values a correction form sends (all of them, pre-filled), the ones that differ
    from the event's current values: an unchanged field must not become a correction."""
    changed = {}
    if parties is not None and sorted(p.lower() for p in parties) != sorted(p.lower() for p in current["parties"]):
        changed["parties"] = parties
    for key, value in (("deal_type", deal_type), ("status", status), ("event_date", event_date)):
        if value is not None and value != current[key]:
            changed[key] = value
    return changed


def company(conn, name: str) -> CompanyView:
    """A company's events (latest first) and partners; an unknown name is looked up as spelled."""
    canonical, spellings = review_store.company_spellings(conn, name)
    shown = canonical or name.strip()
    return CompanyView(shown, canonical is not None, review_store.company_events(conn, spellings),
                       review_store.company_partners(conn, shown))


def network(conn, since: datetime, until: datetime, *, deal_type: str | None = None,
            company: str | None = None) -> tuple[report.Report, bytes | None]:
    """The report of a period narrowed to a deal type and/or a company, and its network picture."""
    _check_choice("deal type", deal_type, DEAL_TYPES)
    rows = report_store.report_events(conn, since, until)
    if deal_type:
        rows = [r for r in rows if r["deal_type"] == deal_type]
    if company:
        canonical, spellings = review_store.company_spellings(conn, company)
        names = {n.lower() for n in [canonical or company, *spellings]}
        rows = [r for r in rows if names & {p.lower() for p in r["parties"]}]
    built = report.build_report(rows, since, until)
    if len(built.relationships) > NETWORK_MAX_RELATIONSHIPS:
        return built, None      # a hairball nobody can read, and minutes of layout: narrow it first
    return built, report.network_png(built)


def sources(conn) -> list[dict]:
    """Every feed's health, failing feeds first, with the last error."""
    return review_store.feed_health(conn)


def check_app_login(conn) -> None:
    """Refuse a database login that could do more than review: the web app must log in as a
    member of tieup_reviewer only, so a bug in it cannot write pipeline tables."""
    privileges = roles.login_privileges(conn)
    if privileges["superuser"] or privileges["writable_tables"]:
        raise ConfigError("the review app's database login can write tables ("
                          f"{'superuser' if privileges['superuser'] else ', '.join(privileges['writable_tables'][:5])}"
                          "): give it a login that is a member of tieup_reviewer only "
                          "(TIEUP_REVIEW_DATABASE_URL; tieup db roles creates one)")
    if "tieup_reviewer" not in privileges["groups"]:
        raise ConfigError("the review app's database login is not a member of tieup_reviewer "
                          "(GRANT tieup_reviewer TO the login, or run tieup db roles)")


def create_app_login(conn, name: str = APP_LOGIN, password: str | None = None) -> bool:
    """Create the review pages' database login (a member of tieup_reviewer only) if missing."""
    return roles.create_login(conn, name, "tieup_reviewer", password)


def create_roles(conn) -> tuple[tuple[str, ...], list[str]]:
    """Create the reviewer and pipeline roles and apply their grants: (all roles, created now)."""
    return roles.ROLES, roles.create_roles(conn)
