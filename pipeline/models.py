"""Dataclasses passed between the stages. Pure data: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# re-exported for classify/ (the vocabulary lives in pipeline/vocabulary.py)
from .vocabulary import DEAL_STATUSES, DEAL_TYPES, FOCUS_AREAS  # noqa: F401


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed. entry_key is the GUID/id, else the canonical link."""

    entry_key: str
    link: str
    title: str | None = None
    summary: str | None = None
    published: datetime | None = None
    updated: datetime | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """Entries of a feed; error is set when the feed was malformed but partly usable."""

    entries: tuple[FeedEntry, ...]
    title: str | None = None
    error: str | None = None
    skipped_without_link: int = 0
    duplicates: int = 0


@dataclass(frozen=True)
class FetchResult:
    """A completed HTTP exchange (body already size-capped and decompressed)."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    content_type: str | None = None
    charset: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class ExtractedPage:
    """Main text and metadata of an article page."""

    text: str
    title: str | None = None
    author: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    encoding: str | None = None
    date_source: str | None = None  # 'feed', 'metadata' or 'htmldate'


@dataclass(frozen=True)
class Classification:
    """What the classifier concluded about one article (in the vocabulary above)."""

    is_auto: bool
    is_alliance: bool
    deal_type: str | None = None
    status: str | None = None
    parties: tuple[str, ...] = ()
    focus_areas: tuple[str, ...] = ()
    confidence: float = 0.0
    evidence: tuple[str, ...] = ()
    event_date: date | None = None
    mentions: dict[str, int] = field(default_factory=dict)
    unresolved_parties: tuple[str, ...] = ()  # parties missing from the gazetteer, as spelled
    stake_pct: float | None = None  # stake percentage stated for an acquisition

    def as_contract(self, item_id) -> dict:
        """The `tieup classify` output line for this classification."""
        return {"id": item_id, "is_auto": self.is_auto, "is_alliance": self.is_alliance,
                "deal_type": self.deal_type, "status": self.status,
                "parties": list(self.parties), "focus_areas": list(self.focus_areas),
                "confidence": round(self.confidence, 3), "evidence": list(self.evidence),
                "unresolved_parties": list(self.unresolved_parties), "stake_pct": self.stake_pct}
