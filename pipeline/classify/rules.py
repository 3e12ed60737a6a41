"""Decision rules: which sentences report a deal, and what the article's deal is."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pipeline.classify.analysis import Document, Sentence
from pipeline.classify.gazetteer import load_gazetteer
from pipeline.classify.lexicon import Lexicon
from pipeline.classify.matcher import Mention
from pipeline.models import FOCUS_AREAS

ALLIANCE_THRESHOLD = 1.6  # article score from which it is alliance news (confidence 0.5)
_CLAUSE = re.compile(r"[,;:()—–]|\s-\s")
_NAME_RUN = re.compile(r"(?<![\w'’])([A-ZÀ-ÖØ-ÞА-ЯЁ][\w&'’.-]*(?:\s+(?:of\s+|&\s+|de\s+)?"
                       r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w&'’.-]*){0,3})")
# Ties between deal types go to the more specific one.
_PRECEDENCE = ("merger", "joint_venture", "acquisition", "mou", "supply_agreement",
               "licensing", "strategic_alliance")
_SPECIFICITY = {"strategic_alliance": 0.8}


@dataclass
class DealSentence:
    """A sentence that reports a deal, with its parties and score."""

    sentence: Sentence
    types: dict[str, float]
    parties: list[str]
    names: int  # organisations missing from the gazetteer that look like parties
    background: bool
    score: float


def position_weight(sentence: Sentence) -> float:
    """Headlines and leads carry the news; later sentences are often background."""
    if sentence.in_title:
        return 1.6
    if sentence.index <= 1:
        return 1.3
    if sentence.index <= 3:
        return 1.1
    return 0.9 if sentence.index <= 6 else 0.5


def _clause_before(doc: Document, sentence: Sentence, pos: int, width: int = 40) -> str:
    window = doc.folded[max(sentence.start, pos - width):pos]
    cuts = list(_CLAUSE.finditer(window))
    return window[cuts[-1].end():] if cuts else window


def is_negated(doc: Document, sentence: Sentence, start: int, end: int, lex: Lexicon) -> bool:
    """A negation shortly before in the same clause ('not a merger'), or after (ja/ko)."""
    if lex.negation_before.search(_clause_before(doc, sentence, start)):
        return True
    return bool(lex.negation_after.search(doc.folded[end:min(sentence.end, end + 12)]))


def sentence_text(doc: Document, sentence: Sentence, folded: bool = True) -> str:
    source = doc.folded if folded else doc.text
    return source[sentence.start:sentence.end]


def is_denial(doc: Document, sentence: Sentence, lex: Lexicon) -> bool:
    return bool(lex.denial.search(sentence_text(doc, sentence)))


def _reference_year(doc: Document, published_year: int | None) -> int | None:
    return published_year or (max(doc.years) if doc.years else None)


def is_background(doc: Document, sentence: Sentence, lex: Lexicon, ref_year: int | None) -> bool:
    """A recap: 'Back in 2013 they...', 'who engineered the merger', 'In 2018, ...'."""
    if sentence.in_title:
        return False
    folded = sentence_text(doc, sentence)
    if lex.background.search(folded):
        return True
    lead_year = re.search(r"(?<!\d)(19|20)\d\d(?!\d)", folded[:24])
    return bool(lead_year and ref_year and int(lead_year.group()) < ref_year)


def _is_rival(doc: Document, sentence: Sentence, mention: Mention, lex: Lexicon) -> bool:
    """'ahead of Toyota', 'rivals such as BYD': a yardstick, not a party."""
    window = _clause_before(doc, sentence, mention.start, 45)
    cues = list(lex.rivalry.finditer(window))
    return bool(cues) and len(window[cues[-1].end():].split()) <= 3


def sentence_parties(doc: Document, sentence: Sentence, lex: Lexicon) -> list[str]:
    """Canonical parties named in a sentence (brands as their owners), in order."""
    parties: list[str] = []
    for mention in sentence.mentions:
        org = mention.org
        if org.can_be_party and not _is_rival(doc, sentence, mention, lex) and org.party not in parties:
            parties.append(org.party)
    return parties


def unknown_names(doc: Document, sentence: Sentence, lex: Lexicon) -> int:
    """Capitalised names not in the gazetteer (0-2): partners we have no entry for."""
    raw = sentence_text(doc, sentence, folded=False)
    known = [(m.start - sentence.start, m.end - sentence.start) for m in sentence.mentions]
    found = set()
    for match in _NAME_RUN.finditer(raw):
        words = [w for w in match.group(1).split() if w.lower().strip(".,'’") not in lex.not_names]
        inside = any(s <= match.start() < e for s, e in known)
        if words and not inside and not _looks_like_term(words[0]):
            found.add(" ".join(words))
    return min(2, len(found))


def _looks_like_term(word: str) -> bool:
    return word.isupper() and len(word) <= 3


def deal_types(doc: Document, sentence: Sentence, lex: Lexicon, parties: list[str]) -> dict[str, float]:
    """Score per deal type from the non-negated deal words of a sentence."""
    if is_denial(doc, sentence, lex):
        return {}
    types: dict[str, float] = {}
    reach: dict[str, int] = {}  # overlapping words of one type count once ("strategic partnership")
    for hit in sorted(sentence.deals, key=lambda h: (h.start, -h.weight)):
        if hit.start < reach.get(hit.value, -1):
            continue
        reach[hit.value] = hit.end
        if not is_negated(doc, sentence, hit.start, hit.end, lex):
            types[hit.value] = min(3.0, types.get(hit.value, 0.0) + hit.weight)
    if not types and sentence.generic and len(parties) >= 2 and _has_status_cue(doc, sentence, lex):
        types["strategic_alliance"] = 1.0  # "X and Y called off talks", "signed a deal"
    return types


def _has_status_cue(doc: Document, sentence: Sentence, lex: Lexicon) -> bool:
    folded = sentence_text(doc, sentence)
    return any(lex.status[name].search(folded) for name in
               ("terminated", "completed", "announced", "rumored_strong"))


def party_factor(parties: int, names: int) -> float:
    """Deals need two sides: named organisations count most, unknown names less."""
    if parties >= 2:
        return 1.0
    if parties + names >= 2:
        return 0.85
    if parties == 1:
        return 0.55
    return 0.35 if names else 0.15


def deal_sentences(doc: Document, lex: Lexicon, published_year: int | None) -> list[DealSentence]:
    """Every sentence with deal words, scored; best first."""
    ref_year = _reference_year(doc, published_year)
    found = []
    for sentence in doc.sentences:
        if not sentence.deals and not sentence.generic:
            continue
        parties = sentence_parties(doc, sentence, lex)
        types = deal_types(doc, sentence, lex, parties)
        if not types:
            continue
        names = unknown_names(doc, sentence, lex) if len(parties) < 2 else 0
        background = is_background(doc, sentence, lex, ref_year)
        factor = party_factor(len(parties), names)
        if len(parties) < 2 and (inherited := _antecedent_parties(doc, sentence, lex, parties)):
            parties, factor = inherited, 0.8  # "The partnership will..." after naming both
        score = min(3.0, max(types.values())) * factor * position_weight(sentence)
        score *= 0.25 if background else 1.0
        found.append(DealSentence(sentence, types, parties, names, background, score))
    found.sort(key=lambda d: -d.score)
    return found


def _antecedent_parties(doc: Document, sentence: Sentence, lex: Lexicon, own: list[str]) -> list[str]:
    """Parties of the previous sentence or the title, when they name two or more
    including any this sentence names ("The partnership will ... Toyota models")."""
    if sentence.in_title or sentence.index > 6:
        return []
    i = doc.sentences.index(sentence)
    for other in (doc.sentences[i - 1] if i > 0 else None,
                  *(s for s in doc.sentences if s.in_title)):
        if other is None:
            continue
        parties = sentence_parties(doc, other, lex)
        if len(parties) >= 2 and set(own) <= set(parties):
            return parties
    return []


def article_score(doc: Document, deals: list[DealSentence], lex: Lexicon) -> float:
    """How strongly the article as a whole reports a deal (0 = not at all)."""
    if not deals:
        return 0.0
    score = deals[0].score + 0.25 * sum(d.score for d in deals[1:3])
    title = [s for s in doc.sentences if s.in_title]
    title_is_deal = any(d.sentence.in_title for d in deals)
    if title and not title_is_deal and any(s.distractors for s in title):
        score *= 0.5  # "Nissan profit falls" that mentions its alliance in passing
    lead = [s for s in doc.sentences if s.in_title or s.index <= 2]
    if any((s.deals or s.generic) and is_denial(doc, s, lex) for s in lead):
        score *= 0.3  # "Toyota denies report of stake talks"
    return score


def confidence(score: float) -> float:
    """Score mapped to [0, 1]; the alliance threshold maps to 0.5."""
    return 1.0 - math.exp(-score * math.log(2) / ALLIANCE_THRESHOLD)


def headline(deals: list[DealSentence]) -> list[DealSentence]:
    """The deal sentences that state the news: the best one and close seconds in the lead."""
    if not deals:
        return []
    best = deals[0]
    near = [d for d in deals[1:] if not d.background and d.score >= 0.5 * best.score
            and (d.sentence.in_title or d.sentence.index <= 6)]
    return [best, *near[:3]]


def choose_deal_type(doc: Document, deals: list[DealSentence]) -> str:
    """The deal type with most weight over the lead's deal sentences, specific first."""
    totals: dict[str, float] = {}
    strong: set[str] = set()  # types named outright (not by one weak word) somewhere
    best = deals[0]
    for deal in deals:
        s = deal.sentence
        if deal.background or not (s.in_title or s.index <= 7):
            continue
        weight = position_weight(s) * (1.0 if deal.parties else 0.5) * (1.5 if deal is best else 1.0)
        for kind, value in deal.types.items():
            totals[kind] = totals.get(kind, 0.0) + value * weight * _SPECIFICITY.get(kind, 1.0)
            if value >= 2.0:
                strong.add(kind)
    if not totals:
        totals, strong = dict(best.types), set(best.types)
    generic = totals.pop("strategic_alliance", 0.0)
    totals = {k: v for k, v in totals.items() if k in strong or v >= generic}
    if not totals or max(totals.values()) < 0.35 * generic:
        return "strategic_alliance"  # a partnership unless its specific form is named
    top = max(totals.values())
    return next(k for k in _PRECEDENCE if totals.get(k, 0.0) >= top - 1e-9)


def choose_parties(doc: Document, deals: list[DealSentence], lex: Lexicon) -> list[str]:
    """Parties of the headline deal: the best sentence, the title, then close seconds."""
    heads = headline(deals)
    parties = list(heads[0].parties)
    for deal in heads[1:]:
        if deal.sentence.in_title or len(parties) < 2:
            parties += [p for p in deal.parties if p not in parties]
    if len(parties) < 2:
        for s in doc.sentences:
            if s.in_title:
                parties += [p for p in sentence_parties(doc, s, lex) if p not in parties]
    return _drop_joint_ventures(parties)


def _drop_joint_ventures(parties: list[str]) -> list[str]:
    """Sony + Honda + Sony Honda Mobility: the owners are the parties, not their JV."""
    gazetteer = load_gazetteer()
    owners = [p for p in parties if (o := gazetteer.get(p)) is None or o.kind != "joint_venture"]
    return (owners if len(owners) >= 2 else parties)[:6]


def _cue_before(doc: Document, sentence: Sentence, pos: int, pattern: re.Pattern) -> bool:
    return bool(pattern.search(_clause_before(doc, sentence, pos, 25)))


def choose_status(doc: Document, deals: list[DealSentence], lex: Lexicon) -> str:
    """terminated > completed > rumored (hedges outweigh) > announced."""
    heads = headline(deals)
    weights = [(d.sentence, 1.0 if i == 0 or d.sentence.in_title else 0.6) for i, d in enumerate(heads)]
    scores = {"terminated": 0.0, "completed": 0.0, "rumored": 0.0, "announced": 0.0}
    hedged = 0.0
    for sentence, weight in weights:
        folded = sentence_text(doc, sentence)
        for m in lex.status["terminated"].finditer(folded):
            pos = sentence.start + m.start()
            if not is_negated(doc, sentence, pos, pos + len(m.group()), lex):
                scores["terminated"] += 3.0 * weight
        for m in lex.status["completed"].finditer(folded):
            if not _cue_before(doc, sentence, sentence.start + m.start(), lex.future):
                scores["completed"] += 2.5 * weight
        hedged += 3.0 * weight * len(lex.status["rumored_strong"].findall(folded))
        scores["rumored"] += 1.0 * weight * len(lex.status["rumored"].findall(folded))
        for m in lex.status["announced"].finditer(folded):
            if not _cue_before(doc, sentence, sentence.start + m.start(), lex.hedge_before):
                scores["announced"] += 1.5 * weight
    hedged += 1.5 * _attributions(doc, lex, {id(s) for s, _ in weights})
    if scores["terminated"] >= 2.5:
        return "terminated"
    if scores["completed"] >= 2.0:
        return "completed"
    if hedged and hedged >= scores["announced"]:
        return "rumored"  # reported by others: "people familiar", "Nikkei reported"
    return "rumored" if scores["rumored"] and not scores["announced"] else "announced"


def _attributions(doc: Document, lex: Lexicon, seen: set) -> int:
    """Rumour attributions in the lead's other sentences ('Nikkei reported the talks')."""
    lead = [s for s in doc.sentences if (s.in_title or s.index <= 2) and id(s) not in seen]
    return sum(1 for s in lead if lex.status["rumored_strong"].search(sentence_text(doc, s)))


def choose_focus(doc: Document, deals: list[DealSentence], lex: Lexicon) -> tuple[str, ...]:
    """Focus areas named in the title, the headline deal sentences and the first lines."""
    chosen = {id(d.sentence) for d in headline(deals)}
    scope = [s for s in doc.sentences if id(s) in chosen or s.in_title or s.index <= 1]
    found = set()
    for sentence in scope:
        folded = sentence_text(doc, sentence)
        found.update(area for area, pattern in lex.focus.items() if pattern.search(folded))
    return tuple(a for a in FOCUS_AREAS if a in found) or ("other",)

