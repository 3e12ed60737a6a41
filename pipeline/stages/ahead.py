"""Pure work of the dedupe and classify steps done ahead, where a WARC backfill extracts its pages.

The extraction processes of `tieup ingest --workers N` hold each article's text
before it is stored; they also compute its MinHash signature and its classification
there, on another core (work_on), and the steps look them up (WorkedAhead) instead
of computing them again in the process that stores. Both are pure functions and the
lookups are keyed on their exact inputs (the text; the text, title, URL and
publication time with its UTC offset), so a value found is the value the step would
compute, and anything not found (stored by another path, read back in another form)
is computed as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import classify as classifier
from .. import fingerprint
from ..fingerprint import Signature
from ..models import Classification


@dataclass(frozen=True)
class TextWork:
    """What the dedupe and classify steps compute from one stored article."""

    signature: Signature | None   # None: the text is too short to dedupe
    verdict: Classification


def work_on(row: dict) -> TextWork:
    """The signature and classification of an archived row, as the steps would compute them."""
    text = row["text"]
    tokens = fingerprint.tokens(text)
    signature = fingerprint.signature(text, tokens) if fingerprint.is_dedupable(text, tokens) else None
    return TextWork(signature, classifier.classify_article(text, row["title"], row["url"], row["published"]))


class WorkedAhead:
    """TextWork of the batch being processed, by the inputs it was computed from."""

    def __init__(self):
        self._signatures: dict[str, Signature] = {}
        self._verdicts: dict[tuple, Classification] = {}

    def add(self, row: dict, work: TextWork) -> None:
        """Keep the work done on an archived row (before the row is stored)."""
        if work.signature is not None:
            self._signatures[row["text"]] = work.signature
        self._verdicts[_verdict_key(row["text"], row["title"], row["url"], row["published"])] = work.verdict

    def signature(self, text: str | None) -> Signature | None:
        """The signature of a dedupable text worked out ahead, else None."""
        return self._signatures.get(text) if text else None

    def verdict(self, text: str, title: str | None, url: str | None, published) -> Classification | None:
        """classify_article(text, title, url, published) worked out ahead, else None."""
        return self._verdicts.get(_verdict_key(text, title, url, published))

    def clear(self) -> None:
        """Forget a processed batch (memory stays bounded by one batch)."""
        self._signatures.clear()
        self._verdicts.clear()


def _verdict_key(text, title, url, published) -> tuple:
    # Equal datetimes in two time zones hash alike, but the classifier reads the local
    # date: the offset is part of the input.
    offset = published.utcoffset() if isinstance(published, datetime) else None
    return text, title, url, published, offset
