"""Who makes the deal: the parties of a sentence and of the article's headline deal.

Gazetteer organisations (brands as their owners), organisations the gazetteer lacks
(orgnames.py), minus rivals, the entity a deal creates, owners named to place a unit,
and the joint venture itself when its owners are named.
"""

from __future__ import annotations

import re

from pipeline.classify.analysis import Document, Sentence
from pipeline.classify.clauses import follows, sentence_text
from pipeline.classify.gazetteer import load_gazetteer
from pipeline.classify.headline import DealSentence, headline, lead_deal
from pipeline.classify.lexicon import Lexicon, load_lexicon
from pipeline.classify.orgnames import UPPER, load_vocabulary, open_world_parties, strip_legal_form
from pipeline.classify.text import fold

_NAME_RUN = re.compile(r"(?<![\w'’])([A-ZÀ-ÖØ-ÞА-ЯЁ][\w&'’.-]*(?:\s+(?:of\s+|&\s+|de\s+)?"
                       r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w&'’.-]*){0,3})")


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
    joint = joint_names(doc, sentence)
    ranked_from = _ranking_yardsticks(doc, sentence)
    for mention in sentence.mentions:
        org = mention.org
        party = org.party_on(doc.published)
        if not org.can_be_party or party in parties or follows(doc, sentence, mention.start, "rivalry"):
            continue
        if mention.start >= ranked_from:
            continue  # "the fourth-largest carmaker after Volkswagen, Toyota and Renault"
        if any(s <= mention.start < e for s, e in joint):
            continue  # "Dongfeng Nissan launches a sedan": the joint venture, not its owners
        if follows(doc, sentence, mention.start, "new_entity"):
            created.append(party)
        else:
            parties.append(party)
    owners = _owners_of_units(doc, sentence) if len(sentence.mentions) > 1 else set()
    owners |= {m.org.parent for m in sentence.mentions if m.org.kind != "brand" and m.org.parent}
    parties = [p for p in parties if p not in owners]  # "Volkswagen's Cariad": Cariad is the side
    if len(parties) < 2 or sentence.in_title or sentence.index <= 2:
        # (the open-world scan costs; past the lead it only completes a deal's sides)
        parties += _unlisted_parties(doc, sentence, parties, joint)
    if len(parties) < 2:
        parties += [p for p in created if p not in parties]
    elif created:
        doc.created.update(created)
    doc.parties_cache[sentence.start] = tuple(parties)
    return parties


# A superlative, then within a few words "after" or "behind": what follows is a ranking's
# yardsticks ("fourth-largest carmaker after Volkswagen, Toyota", "štvrtým najväčším výrobcom
# na svete po Volkswagene", "仅次于丰田").
_RANKING = re.compile(
    r"(?:largest|biggest|größte\w*|plus grand\w*|mayor(?:es)?|più grand\w*|"
    r"maior(?:es)?|grootste|największ\w*|největší\w*|najväčš\w*|största|en büyük|cel mai mare|"
    r"legnagyobb\w*|крупнейш\w*|найбільш\w*|terbesar|lớn nhất|सबसे बड़\w*|ใหญ่ที่สุด|أكبر)"
    r"(?:\W+\w+){0,5}?\W+"
    r"(?:after|behind|nach|hinter|après|derrière|detrás de|después de|dopo|dietro|atrás de|após|achter|"
    r"na|za|po|efter|bakom|sonra|după|után|после|після|за|setelah|sau|के बाद|รองจาก|بعد)\s"
    r"|仅次于|に次ぐ|다음으로")


def _ranking_yardsticks(doc: Document, sentence: Sentence) -> int:
    """Where a ranking's yardsticks begin in the sentence (its end if it ranks nothing)."""
    match = _RANKING.search(doc.folded, sentence.start, sentence.end)
    return match.end() if match else sentence.end


_NEXT_NAME = re.compile(rf"[ \t]{{1,2}}([{UPPER}][\w'’-]*(?:[ \t][{UPPER}][\w'’-]*){{0,2}})")


def joint_names(doc: Document, sentence: Sentence) -> list[tuple[int, int]]:
    """Spans of two names run together that the article repeats ("Dongfeng Nissan",
    "Ford Otosan", "GAC Toyota"): the name of a joint venture between the two."""
    cached = doc.joint_cache.get(sentence.start)
    if cached is not None:
        return cached
    spans = []
    for mention in sentence.mentions:
        following = _NEXT_NAME.match(doc.text, mention.end, sentence.end)
        if following is None:
            continue
        end = following.end()
        other = next((m for m in sentence.mentions if m.start == following.start(1)), None)
        if other is not None:
            end = other.end
        elif _JOINT_STOP.match(following.group(1)) or _is_place(following.group(1)):
            continue  # ("Fca Italia", "Toyota Europe": a company's national arm, not a venture)
        name = doc.text[mention.start:end]
        if doc.text.count(name) >= 2 and not _names_an_alliance(doc, mention.start, end):
            spans.append((mention.start, end))
    doc.joint_cache[sentence.start] = spans
    return spans


# "l'Alliance Renault Nissan", "the Renault Nissan alliance": the two names are its members.
_ALLIANCE_WORD = re.compile(r"(?:alliance|allianz|alianza|alleanza|aliança|alliantie|sojusz|aliance|альянс)",
                            re.IGNORECASE)


def _names_an_alliance(doc: Document, start: int, end: int) -> bool:
    before = doc.text[max(0, start - 12):start].split()
    after = doc.text[end:end + 12].split()
    return any(_ALLIANCE_WORD.search(w) for w in before[-1:] + after[:1])


def _is_place(words: str) -> bool:
    first = fold(words.split()[0])
    return first in load_lexicon().not_names or first in load_vocabulary().not_org


# A capitalised word after a name that does not make a joint venture's name with it.
_JOINT_STOP = re.compile(r"(?:Says|Said|To|And|Will|Has|Is|In|On|For|With|The|Unveils?|Launch(?:es)?|"
                         r"Reports?|Plans?|Signs?|Buys?|Sells?|Shares|Stock|CEO|Chief|Announc\w*|Agree[sd]?|"
                         r"Forms?|Teams?|Partners?|Joins?|Sets?|Seals?|Inks?|Strikes?|Ends?|Scraps?|Expands?|"
                         r"Deepens?|Explores?|Mulls?|Eyes|Takes?|Acquires?|Invests?|Enters?|Creates?|Builds?|"
                         r"Confirms?|Completes?|Closes?|Calls?|Tie|Ties)\b")


# "Volkswagen's battery company PowerCo", "SK On, the battery unit of SK Innovation": the
# unit makes the deal; its owner is named to place it.
_UNIT = (r"(?:unit|arm|subsidiary|division|affiliate|company|business|venture|brand|tochter\w*|filiale|filial|"
         r"controllata|dochteronderneming|dochterbedrijf|dotterbolag|spółk\w+ zależn\w+|dceřin\w+ společnost\w*|"
         r"subsidiaria|subsidiária|subsidiara|leányvállalat\w*|дочерн\w+ компани\w+|дочірн\w+ компані\w+|"
         r"anak perusahaan|công ty con|yan kuruluş\w*|iştirak\w*)")
_OWNER_BEFORE = re.compile(rf"^(?:'s|’s)\s+(?:[\w-]+\s+){{0,2}}{_UNIT}\s*,?\s*$")


# In apposition to the unit named before: "PowerCo, the battery unit of Volkswagen", "PowerCo,
# la filiale batteries de Volkswagen" (with no unit named, "the unit of Volkswagen" is Volkswagen).
_OWNER_AFTER = re.compile(rf"^\s*[,(–—-]\s*(?:[\w'’-]+\s+){{0,3}}?{_UNIT}\s+(?:[\w-]+\s+){{0,2}}"
                          rf"(?:of|de|di|von|der|du|do|da|des|van|från|din|della|del|dari|của|z|ze)\s+$")


def _owners_of_units(doc: Document, sentence: Sentence) -> set[str]:
    """Organisations named only as the owner of another organisation in the sentence."""
    owners = set()
    mentions = sentence.mentions
    for i, mention in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and _OWNER_BEFORE.match(doc.folded[mention.end:nxt.start]):
            owners.add(mention.org.party)
        if i > 0 and mention.start - mentions[i - 1].end <= 60 and \
                _OWNER_AFTER.search(doc.folded[mentions[i - 1].end:mention.start]):
            owners.add(mention.org.party)
    return owners


def _unlisted_parties(doc: Document, sentence: Sentence, parties: list[str],
                      joint: list[tuple[int, int]]) -> list[str]:
    """Organisations missing from the gazetteer that the sentence makes parties
    (not rivals, not the entity the deal creates), as spelled."""
    if not (sentence.deals or sentence.generic):
        return []
    lex = load_lexicon()
    known = [(m.start, m.end) for m in sentence.mentions] + joint
    taken = {p.casefold() for p in parties}
    # (real pages often print the headline again in the text)
    title_case = _title_case(doc.text[sentence.start:sentence.end]) and (sentence.in_title or _repeats_title(doc, sentence))
    # (the headline and its repeat are no recurrence)
    body = doc.text.replace(doc.text[sentence.start:sentence.end], " ") if title_case else ""
    found = []
    verbs = [(h.start, h.end) for h in sentence.deals] if sentence.in_title else []
    for run in open_world_parties(doc.text, sentence.start, sentence.end, known,
                                  lex.not_names, lex.given_names, verbs):
        name = strip_legal_form(run.name)
        if name.casefold() in taken or any(follows(doc, sentence, run.start, c)
                                           for c in ("rivalry", "new_entity")):
            continue
        if any(run.start <= h.start < run.end for h in sentence.deals + sentence.generic):
            continue  # "Software-Joint-Venture", "Wasserstoff-Kooperation": a German noun, not a name
        if title_case and name not in body:  # (as spelled: a name keeps its capitals in the text)
            continue  # "Hyundai Sign Deal to Establish Automotive Manufacturing Plant": capitals say nothing
        taken.add(name.casefold())
        found.append(name)
    return found


def _repeats_title(doc: Document, sentence: Sentence) -> bool:
    text = doc.text[sentence.start:sentence.end].strip()
    return any(doc.text[t.start:t.end].strip() == text for t in doc.sentences if t.in_title)


def _title_case(title: str) -> bool:
    """An English-style headline capitalising its words: a name in it must recur in the text."""
    words = [w for w in title.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


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


def party_factor(parties: int, names: int) -> float:
    """Deals need two sides: named organisations count most, unknown names less."""
    if parties >= 2:
        return 1.0
    if parties + names >= 2:
        return 0.85
    if parties == 1:
        return 0.55
    return 0.35 if names else 0.15


def antecedent_parties(doc: Document, sentence: Sentence, own: list[str]) -> list[str]:
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


def choose_parties(doc: Document, deals: list[DealSentence]) -> list[str]:
    """Parties of the headline deal: the best sentence, the title, then close seconds."""
    heads = headline(deals)
    parties = list(heads[0].parties)
    lead = lead_deal(heads)
    for deal in heads[1:]:
        # titles abbreviate: the lead sentence under a title names every party
        if deal.sentence.in_title or len(parties) < 2 or (heads[0].sentence.in_title and deal is lead):
            parties += [p for p in deal.parties if p not in parties]
    if len(parties) < 2:
        for s in doc.sentences:
            if s.in_title:
                parties += [p for p in sentence_parties(doc, s) if p not in parties]
    # "...the combined company began trading as Stellantis": named as created anywhere, it
    # is not a side of the deal that created it (as long as two sides remain).
    created = doc.created
    if len([p for p in parties if p not in created]) >= 2:
        parties = [p for p in parties if p not in created]
    return _drop_joint_ventures(_drop_short_forms(parties))


def _drop_short_forms(parties: list[str]) -> list[str]:
    """'Brenner' after 'Brenner Mobility': a later short form of an unlisted name is the same party."""
    gazetteer = load_gazetteer()
    unlisted = [p.casefold() for p in parties if gazetteer.get(p) is None]
    return [p for p in parties if gazetteer.get(p) is not None
            or not any(other.startswith(p.casefold() + " ") for other in unlisted)]


def _drop_joint_ventures(parties: list[str]) -> list[str]:
    """Sony + Honda + Sony Honda Mobility: the owners are the parties, not their JV."""
    gazetteer = load_gazetteer()
    owners = [p for p in parties if (o := gazetteer.get(p)) is None or o.kind != "joint_venture"]
    return (owners if len(owners) >= 2 else parties)[:6]
