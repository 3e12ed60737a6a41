"""Companies: the gazetteer grown from review (unresolved parties listed, companies found, added, mapped).

Additions and alias mappings go through audited database functions; the
gazetteer file's organisations are synced by stages.sync_companies.
"""

from __future__ import annotations

from ..errors import ValidationError
from ..store import companies as company_store


def unresolved(conn, limit: int = 100) -> list[dict]:
    """Parties of events that are no known company, most used first."""
    return company_store.unresolved_parties(conn, limit)


def find(conn, text: str) -> list[dict]:
    """Companies whose name or alias matches text."""
    return company_store.find_companies(conn, text)


def add(conn, name: str, reviewer: str | None, kind: str, country: str | None = None,
        note: str | None = None) -> int:
    """Add a company; the audit row's id."""
    return company_store.add_company(conn, name, _required(reviewer), kind, country, note)


def map_name(conn, name: str, to: str, reviewer: str | None, note: str | None = None) -> int:
    """Make name an alias of the company `to`; the audit row's id."""
    return company_store.map_alias(conn, name, to, _required(reviewer), note)


def _required(reviewer: str | None) -> str:
    if not reviewer:
        raise ValidationError("no reviewer name: pass --reviewer NAME")
    return reviewer
