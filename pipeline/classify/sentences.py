"""Sentence splitting for Latin, Cyrillic and CJK news text, as character spans."""

from __future__ import annotations

import re

# A full stop after these is not the end of a sentence.
_ABBREVIATIONS = frozenset("""mr mrs ms dr prof sr jr st inc co corp ltd plc llc no vs
    jan feb mar apr jun jul aug sep sept oct nov dec gov sen rep gen col lt approx est
    dept e.g i.e u.s u.k u.n etc al fig ca""".split())

_BOUNDARY = re.compile(
    r"[.!?]+[\"'”’»)\]]*(?=\s)"        # Latin/Cyrillic end followed by a space
    r"|[。！？]+[」』）\"”]*"            # CJK ends need no space after them
    r"|\n\s*")                          # a line break ends a paragraph
_LAST_WORD = re.compile(r"([\w.]+)$")


def _is_abbreviation(text: str, stop: int) -> bool:
    """True when the full stop at `stop` closes an abbreviation or an initial."""
    match = _LAST_WORD.search(text, max(0, stop - 12), stop)
    if not match:
        return False
    word = match.group(1).lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _splits(text: str):
    for match in _BOUNDARY.finditer(text):
        first = text[match.start()]
        if first == "." and _is_abbreviation(text, match.start()):
            continue
        if first in ".!?":
            after = text[match.end():match.end() + 3].lstrip()
            if after[:1].islower():  # "3.5 bn. the ..." style run-ons are rare; lower = same sentence
                continue
        yield match.end()


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans (start, end) of the non-empty sentences of `text`, whitespace trimmed."""
    spans, start = [], 0
    for cut in (*_splits(text), len(text)):
        piece = text[start:cut]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((offset + start + lead, offset + start + lead + len(stripped)))
        start = cut
    return spans
