"""Where an event's evidence sentences sit in an article's text, for reading them in context.

Pure: str in, spans out. Evidence sentences are cut verbatim from the text by the
classifier, but the text may have been re-extracted since, or the sentence may
differ in white space; a sentence found nowhere is reported so the page can show
it apart rather than drop it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    """A run of an article's text, evidence or not."""

    text: str
    evidence: bool


def _pattern(sentence: str) -> re.Pattern | None:
    words = sentence.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def _spans(text: str, sentences: list[str]) -> tuple[list[tuple[int, int]], list[str]]:
    spans, missing = [], []
    for sentence in sentences:
        pattern = _pattern(sentence)
        found = list(pattern.finditer(text)) if pattern else []
        if found:
            spans.extend(m.span() for m in found)
        elif sentence.strip():
            missing.append(sentence)
    return _merge(sorted(spans)), missing


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark_evidence(text: str, sentences: list[str]) -> tuple[list[Passage], list[str]]:
    """The text cut into passages with the evidence sentences marked, and the sentences
    that could not be found in it."""
    spans, missing = _spans(text or "", sentences)
    passages, at = [], 0
    for start, end in spans:
        if start > at:
            passages.append(Passage(text[at:start], False))
        passages.append(Passage(text[start:end], True))
        at = end
    if at < len(text or ""):
        passages.append(Passage(text[at:], False))
    return passages, missing
