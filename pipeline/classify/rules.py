"""Decision rules: which sentences report a deal, and what the article's deal is."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass

from pipeline.classify.analysis import LEAD_SENTENCES, YEAR, Document, Sentence
from pipeline.classify.gazetteer import load_gazetteer
from pipeline.classify.lexicon import Lexicon
from pipeline.classify.matcher import Mention
from pipeline.models import FOCUS_AREAS

ALLIANCE_THRESHOLD = 1.6  # article score from which it is alliance news (confidence 0.5)
_CLAUSE = re.compile(r"[,;:()—–]|\s-\s")  # a clause ends there
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


def _clause_start(doc: Document, sentence: Sentence, pos: int, width: int = 40) -> int:
    """Where the clause holding `pos` begins, looking back at most `width` characters."""
    marks = doc.clause_cache.get(sentence.start)
    if marks is None:  # clause ends of the sentence, found once
        marks = doc.clause_cache[sentence.start] = [
            m.end() for m in _CLAUSE.finditer(doc.folded, sentence.start, sentence.end)]
    i = bisect_right(marks, pos) - 1
    return max(sentence.start, pos - width, marks[i] if i >= 0 else 0)


def _cue_between(sentence: Sentence, category: str, begin: int, end: int, value: str | None = None) -> list:
    return [h for h in sentence.cue(category, value) if h.start >= begin and h.end <= end]


def is_negated(doc: Document, sentence: Sentence, start: int, end: int) -> bool:
    """A negation shortly before in the same clause ('not a merger'), or after (ja/ko)."""
    if _cue_between(sentence, "neg_before", _clause_start(doc, sentence, start), start):
        return True
    return bool(_cue_between(sentence, "neg_after", end, end + 14))


def sentence_text(doc: Document, sentence: Sentence, folded: bool = True) -> str:
    source = doc.folded if folded else doc.text
    return source[sentence.start:sentence.end]


def is_denial(sentence: Sentence) -> bool:
    return bool(sentence.cue("denial"))


def _reference_year(doc: Document, published_year: int | None) -> int | None:
    if published_year:
        return published_year
    years = doc.years()
    return max(years) if years else None


def is_background(doc: Document, sentence: Sentence, ref_year: int | None) -> bool:
    """A recap: 'Back in 2013 they...', 'who engineered the merger', 'In 2018, ...'."""
    if sentence.in_title:  # "Nissan names new CEO after collapse of Honda talks"
        first_deal = min((h.start for h in sentence.deals + sentence.generic), default=sentence.end)
        return bool(sentence.distractors) and any(h.start < first_deal for h in sentence.cue("title_recap"))
    if sentence.cue("background"):
        return True
    lead_year = YEAR.search(doc.folded, sentence.start, min(sentence.end, sentence.start + 24))
    return bool(lead_year and ref_year and int(lead_year.group()) < ref_year)


def _follows(doc: Document, sentence: Sentence, mention: Mention, category: str) -> bool:
    """A cue of `category` at most three words before the name, in the same clause."""
    begin = _clause_start(doc, sentence, mention.start, 45)
    cues = _cue_between(sentence, category, begin, mention.start)
    return bool(cues) and len(doc.folded[cues[-1].end:mention.start].split()) <= 3


def sentence_parties(doc: Document, sentence: Sentence) -> list[str]:
    """Canonical parties named in a sentence (brands as their owners), in order.

    Yardsticks ('ahead of Toyota') are left out, and so is the entity a deal creates
    ('creating Stellantis') when two other parties remain.
    """
    cached = doc.parties_cache.get(sentence.start)
    if cached is not None:
        return list(cached)
    parties: list[str] = []
    created: list[str] = []
    for mention in sentence.mentions:
        org = mention.org
        if not org.can_be_party or org.party in parties or _follows(doc, sentence, mention, "rivalry"):
            continue
        if _follows(doc, sentence, mention, "new_entity"):
            created.append(org.party)
        else:
            parties.append(org.party)
    if len(parties) < 2:
        parties += [p for p in created if p not in parties]
    doc.parties_cache[sentence.start] = tuple(parties)
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


_ASIDE_OPENERS = ("which ", "who ", "whose ", "where ")


def _in_aside(doc: Document, sentence: Sentence, pos: int) -> bool:
    """A deal word in a relative clause ('the bZ4X, which Toyota co-developed with
    Subaru, ...') describes something else: it counts half."""
    begin = _clause_start(doc, sentence, pos, 60)
    return begin > sentence.start and doc.folded[begin:pos].lstrip().startswith(_ASIDE_OPENERS)


def deal_types(doc: Document, sentence: Sentence, sides: int) -> dict[str, float]:
    """Score per deal type from the non-negated deal words of a sentence."""
    if is_denial(sentence):
        return {}
    types: dict[str, float] = {}
    reach: dict[str, int] = {}  # overlapping words of one type count once ("strategic partnership")
    for hit in _specific_hits(doc, sentence):
        if hit.start < reach.get(hit.value, -1):
            continue
        reach[hit.value] = hit.end
        if not is_negated(doc, sentence, hit.start, hit.end):
            weight = hit.weight * (0.5 if _in_aside(doc, sentence, hit.start) else 1.0)
            types[hit.value] = min(3.0, types.get(hit.value, 0.0) + weight)
    venture = any(m.org.kind == "joint_venture" for m in sentence.mentions)
    if (not types and (sentence.generic or venture) and sides >= 2 and _has_status_cue(sentence)
            and not sentence.cue("labour")):
        # "X and Y called off talks", "signed a deal", "shelved a fourth Ultium Cells plant"
        types["joint_venture" if venture else "strategic_alliance"] = 1.5
    return types


def _specific_hits(doc: Document, sentence: Sentence) -> list:
    """Deal words in order, leaving out a word inside a longer one of another type
    ("to buy" in "buy batteries") and a joint venture that is only what a stake is
    bought in ("a stake in the joint venture")."""
    hits = sorted(sentence.deals, key=lambda h: (h.start, -(h.end - h.start)))
    kept = [h for h in hits if not any(o is not h and o.value != h.value and o.start <= h.start
                                       and h.end <= o.end and o.end - o.start > h.end - h.start
                                       for o in hits)]
    return [h for h in kept if not (h.value == "joint_venture" and any(
        o.value == "acquisition" and o.weight >= 2 and 0 <= h.start - o.end <= 25 for o in kept))]


def _has_status_cue(sentence: Sentence) -> bool:
    return any(h.value in ("terminated", "completed", "announced", "rumored_strong")
               for h in sentence.cue("status"))


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
    doc.ref_year = published_year or 0
    ref_year = published_year  # else computed on first need (it reads every year written)
    found = []
    for sentence in doc.sentences:
        if sentence.index >= LEAD_SENTENCES:
            break
        venture = any(m.org.kind == "joint_venture" for m in sentence.mentions)
        if (not sentence.deals and not sentence.generic and not venture) or sentence.cue("boilerplate"):
            continue  # no deal words, or page furniture ("Related: X and Y sign MoU")
        parties = sentence_parties(doc, sentence)
        names = unknown_names(doc, sentence, lex) if len(parties) < 2 else 0
        types = deal_types(doc, sentence, len(parties) + names)
        if not types:
            continue
        if ref_year is None and not sentence.in_title:
            ref_year = doc.ref_year = _reference_year(doc, published_year) or 0
        background = is_background(doc, sentence, ref_year)
        factor = party_factor(len(parties), names)
        if len(parties) < 2 and (inherited := _antecedent_parties(doc, sentence, parties)):
            parties, factor = inherited, 0.8  # "The partnership will..." after naming both
        score = min(3.0, max(types.values())) * factor * position_weight(sentence)
        score *= 0.25 if background else 1.0
        found.append(DealSentence(sentence, types, parties, names, background, score))
    found.sort(key=lambda d: -d.score)
    return found


def _antecedent_parties(doc: Document, sentence: Sentence, own: list[str]) -> list[str]:
    """Parties of the previous sentence or the title, when they name two or more
    including any this sentence names ("The partnership will ... Toyota models")."""
    if sentence.in_title or sentence.index > 6:
        return []
    i = doc.sentences.index(sentence)
    for other in (doc.sentences[i - 1] if i > 0 else None,
                  *(s for s in doc.sentences if s.in_title)):
        if other is None:
            continue
        parties = sentence_parties(doc, other)
        if len(parties) >= 2 and set(own) <= set(parties):
            return parties
    return []


def _reports_event(doc: Document, deals: list[DealSentence], lex: Lexicon) -> bool:
    """A status word or a plan ('will', 'plans to') in a headline deal sentence."""
    for deal in headline(deals):
        sentence = deal.sentence
        if sentence.cue("status") or lex.event_words.search(doc.folded, sentence.start, sentence.end):
            return True
    return False


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
    if any((s.deals or s.generic) and is_denial(s) for s in lead):
        score *= 0.3  # "Toyota denies report of stake talks"
    if _unsupported_title(deals):
        score *= 0.45  # "Ghosn says alliance is a shadow of itself": no event anywhere
    elif not _reports_event(doc, deals, lex):
        score *= 0.6  # "the alliance with Nissan remains important": no event word
    return score


def _unsupported_title(deals: list[DealSentence]) -> bool:
    """A deal word in the title with no event word there and no deal sentence in the text."""
    best = deals[0]
    if not best.sentence.in_title or best.sentence.cue("status"):
        return False
    return not any(not d.sentence.in_title and not d.background and d.score >= 0.5 for d in deals)


def confidence(score: float) -> float:
    """Score mapped to [0, 1]; the alliance threshold maps to 0.5."""
    return 1.0 - math.exp(-score * math.log(2) / ALLIANCE_THRESHOLD)


def headline(deals: list[DealSentence]) -> list[DealSentence]:
    """The deal sentences that state the news: the best one and close seconds in the lead."""
    if not deals:
        return []
    best = deals[0]
    near = [d for d in deals[1:] if not d.background and (d.sentence.in_title or d.sentence.index <= 6)
            and (d.score >= 0.5 * best.score or (best.sentence.in_title and d.sentence.index <= 1
                                                 and d.score >= 0.3 * best.score))]
    return [best, *near[:3]]  # (the lead under a deal title belongs to the headline too)


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


def choose_parties(doc: Document, deals: list[DealSentence]) -> list[str]:
    """Parties of the headline deal: the best sentence, the title, then close seconds."""
    heads = headline(deals)
    parties = list(heads[0].parties)
    lead = next((d for d in heads if not d.sentence.in_title), None)
    for deal in heads[1:]:
        # titles abbreviate: the lead sentence under a title names every party
        if deal.sentence.in_title or len(parties) < 2 or (heads[0].sentence.in_title and deal is lead):
            parties += [p for p in deal.parties if p not in parties]
    if len(parties) < 2:
        for s in doc.sentences:
            if s.in_title:
                parties += [p for p in sentence_parties(doc, s) if p not in parties]
    return _drop_joint_ventures(parties)


def _drop_joint_ventures(parties: list[str]) -> list[str]:
    """Sony + Honda + Sony Honda Mobility: the owners are the parties, not their JV."""
    gazetteer = load_gazetteer()
    owners = [p for p in parties if (o := gazetteer.get(p)) is None or o.kind != "joint_venture"]
    return (owners if len(owners) >= 2 else parties)[:6]


def _cue_before(doc: Document, sentence: Sentence, pos: int, pattern: re.Pattern) -> bool:
    """A future or hedge word shortly before `pos` in its clause ('expected to complete')."""
    return bool(pattern.search(doc.folded, _clause_start(doc, sentence, pos, 25), pos))


def choose_status(doc: Document, deals: list[DealSentence], lex: Lexicon) -> str:
    """terminated > completed > rumored (hedges outweigh) > announced. An ending that is
    only reported by others or planned ('will pull out, people familiar said') is a rumour."""
    heads = headline(deals)
    lead = next((d for d in heads if not d.sentence.in_title), None)
    # The title, the best sentence and the lead's deal sentence speak for the news.
    weights = [(d.sentence, 1.0 if i == 0 or d.sentence.in_title or d is lead else 0.6)
               for i, d in enumerate(heads)]
    scores = {"terminated": 0.0, "completed": 0.0, "rumored": 0.0, "announced": 0.0}
    hedged = 0.0
    for sentence, weight in weights:
        sourced = _sourced(sentence)
        for hit in sentence.cue("status"):
            if hit.value == "terminated" and not is_negated(doc, sentence, hit.start, hit.end):
                if sourced or _cue_before(doc, sentence, hit.start, lex.hedges):
                    hedged += 3.0 * weight  # "plans to pull out, sources said": a rumour
                else:
                    scores["terminated"] += 3.0 * weight
            elif hit.value == "completed" and not _cue_before(doc, sentence, hit.start, lex.future):
                scores["completed"] += 2.5 * weight
            elif hit.value == "rumored_strong":
                hedged += 3.0 * weight
            elif hit.value == "rumored":
                scores["rumored"] += 1.0 * weight
            elif hit.value == "announced" and not _cue_before(doc, sentence, hit.start, lex.hedges):
                scores["announced"] += 1.5 * weight
    # an attribution elsewhere in the lead weighs less than one announcement word
    hedged += 1.0 * _attributions(doc, {id(s) for s, _ in weights})
    if scores["terminated"] >= 2.5:
        return "terminated"
    if scores["completed"] >= 2.0:
        return "completed"
    if hedged and hedged >= scores["announced"]:
        return "rumored"  # reported by others: "people familiar", "Nikkei reported"
    return "rumored" if scores["rumored"] and not scores["announced"] else "announced"


def _sourced(sentence: Sentence) -> bool:
    """Attributed to others ('according to sources') with no announcement word."""
    status = sentence.cue("status")
    return (any(h.value == "rumored_strong" for h in status)
            and not any(h.value == "announced" for h in status))


def _attributions(doc: Document, seen: set) -> int:
    """Rumour attributions in the lead's other sentences ('Nikkei reported the talks')."""
    lead = [s for s in doc.sentences if (s.in_title or s.index <= 2) and id(s) not in seen]
    return sum(1 for s in lead if s.cue("status", "rumored_strong"))


def choose_focus(doc: Document, deals: list[DealSentence]) -> tuple[str, ...]:
    """Focus areas named in the title, the headline deal sentences and the first lines."""
    chosen = {id(d.sentence) for d in headline(deals)}
    scope = [s for s in doc.sentences if id(s) in chosen or s.in_title
             or (s.index <= 1 and not is_background(doc, s, doc.ref_year))]
    found = {h.value for s in scope for h in s.cue("focus")}
    return tuple(a for a in FOCUS_AREAS if a in found) or ("other",)
