"""Publication timestamps, shared by feed parsing, extraction and archive ingest: aware UTC datetimes in a plausible window (classify/dates.py is another job: the date an article says its event happened)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
# Publishers' clocks and time zones drift; a little future is tolerated, a lot is a bogus date.
CLOCK_SKEW = timedelta(hours=26)


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's *_parsed fields (UTC struct_time) as an aware datetime."""
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def plausible(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """value in UTC if it lies between 1990 and now (plus skew), else None."""
    if value is None:
        return None
    value = to_utc(value)
    now = now or datetime.now(timezone.utc)
    return value if EARLIEST <= value <= now + CLOCK_SKEW else None
