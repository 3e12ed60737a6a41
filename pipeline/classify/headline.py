"""Deal sentences and the headline: the sentences that state an article's news."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.classify.analysis import Sentence

@dataclass
class DealSentence:
    """A sentence that reports a deal, with its parties and score."""

    sentence: Sentence
    types: dict[str, float]
    parties: list[str]
    names: int  # organisations missing from the gazetteer that look like parties
    background: bool
    score: float


def headline(deals: list[DealSentence]) -> list[DealSentence]:
    """The deal sentences that state the news: the best one and close seconds in the lead."""
    if not deals:
        return []
    best = deals[0]
    near = [d for d in deals[1:] if not d.background and (d.sentence.in_title or d.sentence.index <= 6)
            and (d.score >= 0.5 * best.score or (best.sentence.in_title and d.sentence.index <= 1
                                                 and d.score >= 0.3 * best.score))]
    return [best, *near[:3]]  # (the lead under a deal title belongs to the headline too)


def lead_deal(heads: list[DealSentence]) -> DealSentence | None:
    """The headline deal sentence that opens the text (under a title it names every party)."""
    return next((d for d in heads if not d.sentence.in_title and d.sentence.index <= 1), None)
