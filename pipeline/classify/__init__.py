"""Alliance-news classifier (first version: keywords over a tiny gazetteer)."""

from __future__ import annotations

import re
from datetime import date, datetime

from ..models import Classification

CLASSIFIER_VERSION = "0.1.0"

_ORGS = {
    "General Motors": ["General Motors", "GM", "Chevrolet"], "Honda": ["Honda"],
    "Nissan": ["Nissan", "Infiniti"], "Toyota": ["Toyota"], "Volkswagen": ["Volkswagen", "VW"],
    "Ford": ["Ford"], "Renault": ["Renault"], "Mitsubishi Motors": ["Mitsubishi Motors"],
    "Stellantis": ["Stellantis"], "Leapmotor": ["Leapmotor"], "Rivian": ["Rivian"],
    "Mazda": ["Mazda"], "Sony": ["Sony"], "Hyundai": ["Hyundai"], "BMW": ["BMW"],
}
_TRIGGERS = [
    ("dissolution", "terminated", r"called off|terminat\w+|unwind|scrapp\w+"),
    ("joint_venture", "announced", r"joint venture"),
    ("merger", "rumored", r"merger talks|talks to merge"),
    ("merger", "announced", r"\bmerge\w*\b"),
    ("mou", "announced", r"memorandum of understanding|\bMoU\b|letter of intent"),
    ("acquisition", "announced", r"\bstake\b|acquir\w+"),
    ("supply_agreement", "announced", r"supply (deal|agreement)"),
    ("licensing", "announced", r"licens\w+"),
    ("strategic_alliance", "announced", r"partnership|alliance|collaborat\w+|team(ing)? up"),
]
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def find_mentions(text: str) -> dict[str, int]:
    """Canonical organisation -> number of mentions."""
    found = {}
    for name, aliases in _ORGS.items():
        count = sum(len(re.findall(rf"\b{re.escape(a)}\b", text)) for a in aliases)
        if count:
            found[name] = count
    return found


def classify_article(text: str, title: str | None = None, url: str | None = None,
                     published: datetime | date | None = None) -> Classification:
    """Keyword classification of one article."""
    full = f"{title or ''}\n{text or ''}"
    mentions = find_mentions(full)
    event_date = published.date() if isinstance(published, datetime) else published
    for deal_type, status, pattern in _TRIGGERS:
        hits = [s for s in _SENTENCE.split(full) if re.search(pattern, s, re.I)
                and len(find_mentions(s)) >= 2]
        if hits:
            parties = tuple(sorted(find_mentions(hits[0])))
            return Classification(True, True, deal_type, status, parties, ("other",), 0.6,
                                  tuple(h.strip() for h in hits[:2]), event_date, mentions)
    return Classification(bool(mentions), False, mentions=mentions, event_date=event_date)
