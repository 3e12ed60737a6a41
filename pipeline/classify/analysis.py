"""From raw title+text to sentences annotated with accepted mentions and term hits."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from pipeline.classify.lexicon import Lexicon
from pipeline.classify.matcher import Matcher, Mention, TermHit, scan
from pipeline.classify.sentences import split_sentences
from pipeline.classify.text import fold

_TITLE_GAP = "\n\n"
_PREVIOUS_WORD = re.compile(r"([^\s]+)\s+$")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass
class Sentence:
    """One sentence of the title or text, with what was found in it."""

    start: int
    end: int
    in_title: bool
    index: int  # position among the text's sentences; -1 for the title
    mentions: list[Mention] = field(default_factory=list)
    deals: list[TermHit] = field(default_factory=list)
    generic: list[TermHit] = field(default_factory=list)
    cues: dict[str, list[TermHit]] = field(default_factory=dict)  # status, negation, focus...
    auto_words: int = 0
    distractors: int = 0

    def cue(self, category: str, value: str | None = None) -> list[TermHit]:
        """Hits of one lexicon category (and value) in this sentence, in text order."""
        hits = self.cues.get(category, ())
        return [h for h in hits if value is None or h.value == value]


@dataclass
class Document:
    """The analysed article: combined text, its folded twin, and its sentences."""

    text: str
    folded: str
    body_start: int  # where the article text begins in `text` (after the title)
    sentences: list[Sentence]
    mentions: list[Mention]
    years: list[int]


def build_document(matcher: Matcher, title: str, body: str) -> Document:
    """Scan title and text in one pass and annotate each sentence."""
    head = title + _TITLE_GAP if title else ""
    text = head + body
    folded = fold(text)
    mentions, hits = scan(matcher, text, folded)
    sentences = [Sentence(s, e, True, -1) for s, e in split_sentences(title)]
    sentences += [Sentence(s, e, False, i) for i, (s, e) in
                  enumerate(split_sentences(body, offset=len(head)))]
    _assign(sentences, mentions, hits)
    kept = _accept_mentions(sentences, folded, matcher.lexicon)
    years = [int(y) for y in _YEAR.findall(body[:5000])]
    return Document(text, folded, len(head), sentences, kept, years)


def _assign(sentences: list[Sentence], mentions: list[Mention], hits: list[TermHit]) -> None:
    starts = [s.start for s in sentences]

    def owner(pos: int) -> Sentence | None:
        i = bisect_right(starts, pos) - 1
        return sentences[i] if i >= 0 and pos < sentences[i].end else None

    for mention in mentions:
        if (sentence := owner(mention.start)) is not None:
            sentence.mentions.append(mention)
    for hit in hits:
        sentence = owner(hit.start)
        if sentence is None:
            continue
        if hit.category == "deal":
            sentence.deals.append(hit)
        elif hit.category == "generic_deal":
            sentence.generic.append(hit)
        elif hit.category == "auto_words":
            sentence.auto_words += 1
        elif hit.category == "distractors":
            sentence.distractors += 1
        else:
            sentence.cues.setdefault(hit.category, []).append(hit)


def _is_person(folded: str, mention: Mention, lexicon: Lexicon) -> bool:
    """'Harrison Ford', 'Mr. Honda': a surname-like name after a given name or title."""
    match = _PREVIOUS_WORD.search(folded, max(0, mention.start - 30), mention.start)
    if not match:
        return False
    word = match.group(1).strip("\"'“”(,")
    return word in lexicon.person_titles or word.rstrip(".") in lexicon.given_names


def _accept_mentions(sentences: list[Sentence], folded: str, lexicon: Lexicon) -> list[Mention]:
    """Drop person names and ambiguous words (Smart, Seat) lacking motor context."""
    kept_all = []
    for sentence in sentences:
        kept = [m for m in sentence.mentions
                if not (m.org.surname and _is_person(folded, m, lexicon))]
        clear = sum(1 for m in kept if not m.ambiguous)
        context = sentence.auto_words > 0 or clear > 0
        sentence.mentions = [m for m in kept if not m.ambiguous or context]
        kept_all.extend(sentence.mentions)
    return kept_all
