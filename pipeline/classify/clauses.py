"""Sentence-level helpers of the rules: clauses, cues between positions, negation,
recaps and asides, and a sentence's weight by position."""

from __future__ import annotations

import re
from bisect import bisect_right

from pipeline.classify.analysis import YEAR, Document, Sentence

_CLAUSE = re.compile(r"[,;:()—–]|\s-\s")  # a clause ends there


def position_weight(sentence: Sentence) -> float:
    """Headlines and leads carry the news; later sentences are often background."""
    if sentence.in_title:
        return 1.6
    if sentence.index <= 1:
        return 1.3
    if sentence.index <= 3 or sentence.cue("news_day"):
        return 1.1  # a sentence that dates itself ("said on Tuesday") reports the news
    return 0.9 if sentence.index <= 6 else 0.5


def clause_start(doc: Document, sentence: Sentence, pos: int, width: int = 40) -> int:
    """Where the clause holding `pos` begins, looking back at most `width` characters."""
    marks = doc.clause_cache.get(sentence.start)
    if marks is None:  # clause ends of the sentence, found once
        marks = doc.clause_cache[sentence.start] = [
            m.end() for m in _CLAUSE.finditer(doc.folded, sentence.start, sentence.end)]
    i = bisect_right(marks, pos) - 1
    return max(sentence.start, pos - width, marks[i] if i >= 0 else 0)


def cue_between(sentence: Sentence, category: str, begin: int, end: int, value: str | None = None) -> list:
    return [h for h in sentence.cue(category, value) if h.start >= begin and h.end <= end]


def is_negated(doc: Document, sentence: Sentence, start: int, end: int) -> bool:
    """A negation shortly before in the same clause ('not a merger'), or after (ja/ko)."""
    if cue_between(sentence, "neg_before", clause_start(doc, sentence, start), start):
        return True
    return bool(cue_between(sentence, "neg_after", end, end + 14))


def sentence_text(doc: Document, sentence: Sentence, folded: bool = True) -> str:
    source = doc.folded if folded else doc.text
    return source[sentence.start:sentence.end]


def is_denial(sentence: Sentence) -> bool:
    return bool(sentence.cue("denial"))


def is_background(doc: Document, sentence: Sentence, ref_year: int | None) -> bool:
    """A recap: 'Back in 2013 they...', 'who engineered the merger', 'In 2018, ...'."""
    if sentence.in_title:  # "Nissan names new CEO after collapse of Honda talks"
        first_deal = min((h.start for h in sentence.deals + sentence.generic), default=sentence.end)
        return bool(sentence.distractors) and any(h.start < first_deal for h in sentence.cue("title_recap"))
    # "...have agreed to equal stakes, in a deal that changes the decades-old alliance": after
    # the sentence's own deal and event words, a recap word is context
    event = min((h.start for h in sentence.cue("status") if h.value in ("announced", "completed", "terminated")),
                default=sentence.end)
    told = max(event, min((h.start for h in sentence.deals), default=sentence.end))
    if any(h.start < told for h in sentence.cue("background")):
        return True
    lead_year = YEAR.search(doc.folded, sentence.start, min(sentence.end, sentence.start + 32))
    return bool(lead_year and ref_year and int(lead_year.group()) < ref_year)


def follows(doc: Document, sentence: Sentence, pos: int, category: str) -> bool:
    """A cue of `category` at most three words before `pos`, in the same clause."""
    begin = clause_start(doc, sentence, pos, 45)
    cues = cue_between(sentence, category, begin, pos)
    return bool(cues) and len(doc.folded[cues[-1].end:pos].split()) <= 3


_ASIDE_OPENERS = ("which ", "who ", "whose ", "where ")


def in_aside(doc: Document, sentence: Sentence, pos: int) -> bool:
    """A deal word in a relative clause ('the bZ4X, which Toyota co-developed with
    Subaru, ...') describes something else: it counts half."""
    begin = clause_start(doc, sentence, pos, 60)
    return begin > sentence.start and doc.folded[begin:pos].lstrip().startswith(_ASIDE_OPENERS)


def cue_before(doc: Document, sentence: Sentence, pos: int, pattern: re.Pattern) -> bool:
    """A future or hedge word shortly before `pos` in its clause ('expected to complete')."""
    return bool(pattern.search(doc.folded, clause_start(doc, sentence, pos, 25), pos))
