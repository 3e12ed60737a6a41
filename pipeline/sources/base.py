"""What every source kind's poll() returns (Polled): the answer's status, validators, entries and state."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import FeedEntry


@dataclass(frozen=True)
class Polled:
    """What one poll of a source found."""

    status: int
    not_modified: bool = False
    entries: list[FeedEntry] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None       # the source was read, but not all of it (a malformed feed)
    state: dict | None = None      # feeds.poll_state to keep for the next pass (None: unchanged)
