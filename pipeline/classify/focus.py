"""Focus areas: what the deal is about, from the sentences that state its scope."""

from __future__ import annotations

import re
from collections import Counter

from pipeline.classify.analysis import Document
from pipeline.classify.clauses import is_background
from pipeline.classify.headline import DealSentence, headline
from pipeline.models import FOCUS_AREAS


def choose_focus(doc: Document, deals: list[DealSentence]) -> tuple[str, ...]:
    """Focus areas named in the title, the headline deal sentences and the first lines."""
    heads = headline(deals)
    chosen = {id(d.sentence) for d in heads}
    # Later sentences about this deal (one of its sides, not a recap) state its scope too.
    sides = set(heads[0].parties)
    chosen |= {id(d.sentence) for d in deals if not d.background and d.sentence.index <= 6
               and sides & set(d.parties)}
    scope = [s for s in doc.sentences if id(s) in chosen or s.in_title
             or (s.index <= 1 and not is_background(doc, s, doc.ref_year))]
    counts = Counter()
    for s in scope:
        reach: dict[str, int] = {}  # "electric vehicles" and "electric" in it count once
        # "Honda Motor", "Ultium Cells", "(MotorWire)": part of a name, not the deal's scope
        names = [(m.start, m.end + 1) for m in s.mentions]
        for hit in s.cue("focus"):
            if any(a < hit.end and hit.start <= b for a, b in names) or _in_camel_case(doc.text, hit) \
                    or _in_unlisted_name(doc.text, s.start, hit.start):
                continue
            if hit.start >= reach.get(hit.value, -1):
                counts[hit.value] += 1
            reach[hit.value] = max(reach.get(hit.value, -1), hit.end)
    if any(_CO_DEVELOPED_VEHICLES.search(doc.folded, s.start, s.end) for s in scope):
        counts["platforms"] += 1  # vehicles developed together share their platforms
    return tuple(a for a in FOCUS_AREAS if a in _scope_areas(counts)) or ("other",)


_VEHICLES = (r"(?:vehicles?|models?|cars?|pickups?|suvs?|vans?|fahrzeug\w*|modell\w*|véhicules?|modèles?|"
             r"vehículos?|modelos?|veicoli|modelli|車|车型|차량|차종|mẫu xe|xe)")
_CO_DEVELOPED_VEHICLES = re.compile(
    r"(?:co-?develop\w*|jointly develop\w*|develop\w* together|joint|shared|gemeinsam\w*|"
    r"conjoint\w*|conjunt\w*|insieme|congiunt\w*|共同開発|联合开发|共同开发|공동\s?개발|phát triển chung)"
    rf"\W+(?:[\w-]+\W+){{0,3}}{_VEHICLES}\b|{_VEHICLES}\W+(?:[\w-]+\W+){{0,2}}"
    r"(?:co-?developed|jointly developed|developed together|développés? (?:conjointement|ensemble)|"
    r"desarrollados? conjuntamente|sviluppati insieme|gemeinsam entwickelt\w*)")


def _scope_areas(counts: Counter) -> set[str]:
    """Areas named as the deal's scope; a general word that only frames a more specific
    area goes: a battery plant is about batteries, batteries for EVs are batteries."""
    areas = set(counts)
    specific = areas - {"manufacturing", "ev"}
    if "manufacturing" in areas and specific and (counts["manufacturing"] < 3 or
                                                  specific & {"batteries", "charging"}):
        areas.discard("manufacturing")
    if "ev" in areas and specific & {"batteries", "charging", "hydrogen_fuel_cell"} and counts["ev"] < 2:
        areas.discard("ev")
    return areas


# A capitalised word right after another one, as in "Saryarka Motors" or "Volta Cellworks".
_NAME_TAIL = re.compile(r"[A-ZÀ-ÖØ-Þ][\w&.-]*\s+$")


def _in_unlisted_name(text: str, sentence_start: int, pos: int) -> bool:
    """The hit starts a capitalised word that follows a capitalised word: part of the name of
    an organisation the gazetteer lacks, not the deal's scope (not in a Title-Case headline)."""
    if not text[pos:pos + 1].isupper() or pos < sentence_start:
        return False
    before = text[max(sentence_start, pos - 40):pos]
    tail = _NAME_TAIL.search(before)
    return tail is not None and tail.start() > 0 and not _title_case(text, sentence_start, pos)


def _title_case(text: str, start: int, pos: int) -> bool:
    """Most words before `pos` in this sentence are capitalised (a headline style)."""
    words = [w for w in text[start:pos].split() if w[:1].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _in_camel_case(text: str, hit) -> bool:
    """The hit is inside a word with an inner capital ("MotorWire", "ChargePoint")."""
    start, end = hit.start, hit.end
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    word = text[start:end]
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)

