"""What counts as a change of an alliance event worth an alert, and which kind of change it is.

An event's alert values are its effective parties, deal type and status (corrected
values first), whether it is rejected, and the reviewer's corrections. A new article
reporting the same event, a confirmation or a new confidence change none of them,
so they send nothing. Pure: dicts in, dicts and strings out.
"""

from __future__ import annotations

import hashlib
import json

CHANGES = ("created", "status", "deal_type", "parties", "corrected", "rejected", "reopened")
_CORRECTED = ("corrected_parties", "corrected_deal_type", "corrected_status", "corrected_event_date")


def event_values(row: dict) -> dict:
    """The alert values of an event row (store.alerts.current_events), JSON-ready."""
    corrections = {key.removeprefix("corrected_"): _plain(row[key]) for key in _CORRECTED
                   if row.get(key) is not None}
    return {"parties": sorted(row["parties"] or []), "deal_type": row["deal_type"],
            "status": row["status"], "rejected": row["review_state"] == "rejected",
            "corrections": corrections}


def _plain(value):
    if isinstance(value, (list, tuple)):
        return sorted(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def fingerprint(values: dict) -> str:
    """A stable digest of alert values: equal values, equal fingerprint."""
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def change_kind(old: dict | None, new: dict) -> str:
    """What changed from old to new values, the most telling change first (None old: created)."""
    if old is None:
        return "created"
    if new["rejected"] != old["rejected"]:
        return "rejected" if new["rejected"] else "reopened"
    if new["corrections"] != old["corrections"]:
        return "corrected"
    for key in ("status", "deal_type", "parties"):
        if new[key] != old[key]:
            return key
    return "corrected"   # only reached when the values are equal: callers check the fingerprint


CHANGE_WORDS = {
    "created": "new alliance event",
    "status": "status changed",
    "deal_type": "deal type changed",
    "parties": "parties changed",
    "corrected": "corrected by a reviewer",
    "rejected": "rejected by a reviewer",
    "reopened": "no longer rejected",
}
