"""Story matching: which stored story a classified article reports, by parties, dates and text.

Pure functions only (no database, no network); stages/classify.py asks the store
for candidate stories and lets match_story pick one. Stories need shared
organisations and a date within a few days; then either shared text (estimated
from MinHash signatures), or (for any language) the same parties and a
compatible deal type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .fingerprint import Signature, estimated_jaccard

STORY_WINDOW = timedelta(days=4)     # an announcement is reported within a few days
STORY_MAX_SPAN = timedelta(days=7)   # stops a chain of daily follow-ups becoming one story
STORY_TEXT_JACCARD = 0.2             # shared phrases: same wire text reworked
# Deal types a classifier plausibly confuses for the same event.
# A stake bought alongside a new venture, or an MoU signed to open merger talks, is one
# event that outlets label differently; so are technology licensed with cells supplied, and
# a partner bought out of a venture (a purchase, and the venture's end). On real news an
# alliance is also called by its form: a letter of intent to take a stake, a "capital
# alliance", a "combination" of two carmakers. An ending never joins any other beginning.
_RELATED_DEALS = {frozenset(pair) for pair in (
    ("strategic_alliance", "mou"), ("strategic_alliance", "joint_venture"),
    ("strategic_alliance", "supply_agreement"), ("strategic_alliance", "licensing"),
    ("merger", "acquisition"), ("mou", "merger"), ("mou", "joint_venture"),
    ("acquisition", "joint_venture"), ("supply_agreement", "licensing"),
    ("acquisition", "dissolution"), ("mou", "acquisition"), ("strategic_alliance", "acquisition"),
    ("strategic_alliance", "merger"))}


@dataclass(frozen=True)
class StoryArticle:
    """What story matching knows about an article (classifier output plus its signature)."""

    article_id: int
    published_at: datetime | None
    language: str | None = None
    parties: tuple[str, ...] = ()
    deal_type: str | None = None
    mentions: dict[str, int] = field(default_factory=dict)
    signature: Signature | None = None
    status: str | None = None


@dataclass(frozen=True)
class StoryCandidate:
    """A stored story with its window and a few members' signatures and mentions."""

    story_id: int
    parties: tuple[str, ...]
    deal_type: str | None
    first_published_at: datetime | None
    last_published_at: datetime | None
    member_signatures: tuple[Signature, ...] = ()
    mentions: dict[str, int] = field(default_factory=dict)
    status: str | None = None


def story_organisations(parties, mentions: dict[str, int]) -> tuple[str, ...]:
    """Organisations that key a story: the parties, else the organisations named twice or more."""
    if parties:
        return tuple(sorted(set(parties)))
    named = sorted((org for org, count in mentions.items() if count >= 2),
                   key=lambda org: (-mentions[org], org))
    return tuple(sorted(named[:3]))


def within_window(published: datetime | None, story: StoryCandidate) -> bool:
    """True when the article falls inside the story's window and keeps it short."""
    if published is None or story.first_published_at is None:
        return False
    first, last = story.first_published_at, story.last_published_at or story.first_published_at
    if published < first - STORY_WINDOW or published > last + STORY_WINDOW:
        return False
    return max(last, published) - min(first, published) <= STORY_MAX_SPAN


STORY_SAME_DAYS = timedelta(hours=36)  # reports this close are one event whatever their status


def _same_days(published: datetime | None, story: StoryCandidate) -> bool:
    first = story.first_published_at
    last = story.last_published_at or first
    return published is not None and first is not None and \
        first - STORY_SAME_DAYS <= published <= last + STORY_SAME_DAYS


def deal_compatibility(a: str | None, b: str | None) -> float:
    """1 for the same deal type, 0.5 for types often confused, 0.3 when unknown, else 0."""
    if a is None or b is None:
        return 0.3
    if a == b:
        return 1.0
    return 0.5 if frozenset({a, b}) in _RELATED_DEALS else 0.0


def _overlap(a, b) -> float:
    """Jaccard overlap of two party sets; a name and its longer form ("H2Flow", "H2Flow
    Systems", as two outlets spell a company the gazetteer lacks) count as one."""
    a, b = {_name_key(x) for x in a}, {_name_key(x) for x in b}
    if not a or not b:
        return 0.0
    shared = sum(1 for x in a if any(_same_name(x, y) for y in b))
    return shared / (len(a) + len(b) - shared)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _same_name(x: str, y: str) -> bool:
    return x == y or x.startswith(y + " ") or y.startswith(x + " ")


def _cosine(a: dict[str, int], b: dict[str, int]) -> float:
    dot = sum(count * b.get(org, 0) for org, count in a.items())
    norm = (sum(v * v for v in a.values()) * sum(v * v for v in b.values())) ** 0.5
    return dot / norm if norm else 0.0


def story_score(article: StoryArticle, story: StoryCandidate) -> float:
    """How well the article fits the story; 0 means it does not belong."""
    if not within_window(article.published_at, story):
        return 0.0
    orgs = story_organisations(article.parties, article.mentions)
    party_overlap = _overlap(orgs, story.parties)
    if party_overlap == 0.0:
        return 0.0
    text = max((estimated_jaccard(article.signature, s) for s in story.member_signatures
                if article.signature is not None), default=0.0)
    if text >= STORY_TEXT_JACCARD:
        return 1.0 + text
    if not article.parties or not story.deal_type:
        # Outside deal news, sharing a company and a week is too common to mean one event
        # (a recall and a sales report about Toyota): only shared text links those.
        return 0.0
    # Cross-language and rewritten reports: same parties, same (or confusable) deal, same
    # status, same days. Talks reported and the MoU signed days later are two events.
    if article.status and story.status and article.status != story.status and \
            not _same_days(article.published_at, story):
        return 0.0  # a status reported on the same days is one event labelled two ways
    deal = deal_compatibility(article.deal_type, story.deal_type)
    if party_overlap >= 0.5 and deal >= 0.5:
        return party_overlap * deal * (0.5 + 0.5 * _cosine(article.mentions, story.mentions))
    return 0.0


def match_story(article: StoryArticle, candidates: list[StoryCandidate]) -> int | None:
    """The story the article belongs to (best score, then lowest id), or None for a new one."""
    scored = [(story_score(article, story), -story.story_id) for story in candidates]
    best = max(scored, default=(0.0, 0))
    return -best[1] if best[0] > 0.0 else None
