"""From raw title+text to sentences annotated with accepted mentions and term hits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date

from pipeline.classify.lexicon import Lexicon
from pipeline.classify.matcher import Matcher, Mention, TermHit, scan
from pipeline.classify.sentences import split_sentences
from pipeline.classify.text import fold

_TITLE_GAP = "\n\n"
# Deal words count in the title and this many first sentences: the news is in the
# lead. Organisation names (and motor words, their context) count everywhere.
LEAD_SENTENCES = 10
_SLACK = 5  # boilerplate lines tolerated before the lead
_MIN_LEAD_CHARS = 25  # shorter lines ("By Jane Doe", "Photo: Reuters") are not news sentences
YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")  # a year written in the text


@dataclass(slots=True)
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
    ref_year: int = 0  # the year "now" for telling recaps; set by the rules (0 = unknown)
    published: date | None = None  # the day of publication, when known (a brand's owner then)
    parties_cache: dict = field(default_factory=dict)  # sentence start -> its parties
    joint_cache: dict = field(default_factory=dict)  # sentence start -> joint-venture name spans
    created: set = field(default_factory=set)  # organisations some sentence names as created
    clause_cache: dict = field(default_factory=dict)  # sentence start -> clause ends

    def years(self) -> list[int]:
        """Years written in the first part of the article text."""
        body = self.text[self.body_start:self.body_start + 5000]
        return [int(y) for y in YEAR.findall(body)]


def build_document(matcher: Matcher, title: str, body: str) -> Document:
    """Scan title and text in one pass and annotate each sentence."""
    head = title + _TITLE_GAP if title else ""
    text = head + body
    folded = fold(text)
    sentences = [Sentence(s, e, True, -1) for s, e in split_sentences(title)]
    sentences += [Sentence(s, e, False, i) for i, (s, e) in
                  enumerate(split_sentences(body, offset=len(head)))]
    # Scan a little past the lead: boilerplate lines are not counted in it (below).
    lead = [s for s in sentences if s.index < LEAD_SENTENCES + _SLACK]
    lead_end = lead[-1].end if lead else 0
    mentions, hits = scan(matcher, text, folded, lead_end)
    _assign(sentences, mentions, hits, folded)
    _renumber(sentences, text)
    kept = _accept_mentions(sentences, folded, matcher.lexicon, lead_end)
    _resolve_deferring(kept, text)
    return Document(text, folded, len(head), sentences, kept)


# What separates the words of a name: spaces, and the Japanese middle dot.
_NAME_PARTS = re.compile(r"[\s・]+")


def _resolve_deferring(mentions: list[Mention], text: str) -> None:
    """A deferring short name ("Volvo") means the one organisation the article names in
    full with it ("Volvo Group"), unless the article also names its own in full."""
    if not any(m.org.defers for m in mentions):
        return
    full: dict[str, set] = {}
    for mention in mentions:
        words = _NAME_PARTS.split(text[mention.start:mention.end])
        if len(words) > 1:  # "Volvo Group", "ボルボ・グループ"
            full.setdefault(words[0].lower(), set()).add(mention.org)
    for mention in mentions:
        spelled = text[mention.start:mention.end]
        if spelled not in mention.org.defers:
            continue
        others = full.get(spelled.lower(), set())
        if mention.org not in others and len(others) == 1:
            mention.org = next(iter(others))


def _renumber(sentences: list[Sentence], text: str) -> None:
    """Number text sentences so bylines, captions and publisher banners do not push the
    real lead down: such a line shares the number of the sentence after it."""
    index = 0
    for sentence in sentences:
        if not sentence.in_title:
            sentence.index = index
            if index >= LEAD_SENTENCES + _SLACK or not is_furniture(sentence, text):
                index += 1


def is_furniture(sentence: Sentence, text: str) -> bool:
    """A short line or page boilerplate ("By Jane Doe", "Click here to subscribe")."""
    cjk = ord(text[sentence.start]) >= 0x2E80  # denser script: fewer characters
    shortest = _MIN_LEAD_CHARS // 2 if cjk else _MIN_LEAD_CHARS
    return sentence.end - sentence.start < shortest or bool(sentence.cue("boilerplate"))


def _owners(sentences: list[Sentence], items: list) -> list:
    """(sentence, item) pairs for items (sorted by start) inside a sentence; one merge pass."""
    pairs, i, count = [], 0, len(sentences)
    for item in items:
        while i < count and sentences[i].end <= item.start:
            i += 1
        if i == count:
            break
        if sentences[i].start <= item.start:
            pairs.append((sentences[i], item))
    return pairs


def _assign(sentences: list[Sentence], mentions: list[Mention], hits: list[TermHit], folded: str) -> None:
    for sentence, mention in _owners(sentences, mentions):
        sentence.mentions.append(mention)
    spanish = None
    for sentence, hit in _owners(sentences, hits):
        category = hit.category
        if category == "neg_before" and folded[hit.start:hit.end] == "sin":
            if spanish is None:
                spanish = bool(_SPANISH.search(folded))
            if not spanish:
                continue  # Swedish "ökar sin investering" (its), not Spanish "sin" (without)
        if hit.particle and not _particle(hit.particle).search(folded, hit.end, sentence.end):
            continue  # "Tesla löst VW als Marktführer ab": ablösen (replace), not auflösen (dissolve)
        if category == "deal":
            sentence.deals.append(hit)
        elif category == "generic_deal":
            sentence.generic.append(hit)
        elif category == "auto_words":
            sentence.auto_words += 1
        elif category == "distractors":
            sentence.distractors += 1
        else:
            sentence.cues.setdefault(category, []).append(hit)


# Spanish function words: "sin" negates only in Spanish text (it is "its" in Swedish).
_SPANISH = re.compile(r"\b(?:el|los|las|del|una|que|por|para)\b")


@lru_cache(maxsize=None)
def _particle(word: str) -> re.Pattern:
    """A separable verb's particle as a whole word."""
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")


def _is_person(folded: str, mention: Mention, lexicon: Lexicon) -> bool:
    """'Harrison Ford', 'Mr. Honda': a surname-like name after a given name or title."""
    before = folded[max(0, mention.start - 30):mention.start]
    if not before[-1:].isspace():
        return False
    words = before.split()
    word = words[-1].strip("\"'“”(,") if words else ""
    return word in lexicon.person_titles or word.rstrip(".") in lexicon.given_names


def _accept_mentions(sentences: list[Sentence], folded: str, lexicon: Lexicon,
                     lead_end: int) -> list[Mention]:
    """Drop person names and ambiguous words (Smart, Seat) lacking motor context: motor
    words in the sentence, or (past the lead, where none are looked for) in the lead."""
    motor_lead = any(s.auto_words for s in sentences if s.end <= lead_end)
    kept_all = []
    for sentence in sentences:
        kept = [m for m in sentence.mentions
                if not (m.org.surname and _is_person(folded, m, lexicon))]
        clear = any(not m.ambiguous for m in kept)
        context = sentence.auto_words > 0 or clear or (sentence.start >= lead_end and motor_lead)
        sentence.mentions = [m for m in kept if not m.ambiguous or context]
        kept_all.extend(sentence.mentions)
    return kept_all
