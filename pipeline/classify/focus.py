"""Focus areas: what the deal is about, from the sentences that state its scope."""

from __future__ import annotations

from collections import Counter

from pipeline.classify.analysis import Document
from pipeline.classify.clauses import is_background
from pipeline.classify.headline import DealSentence, headline
from pipeline.models import FOCUS_AREAS

def choose_focus(doc: Document, deals: list[DealSentence]) -> tuple[str, ...]:
    """Focus areas named in the title, the headline deal sentences and the first lines."""
    chosen = {id(d.sentence) for d in headline(deals)}
    scope = [s for s in doc.sentences if id(s) in chosen or s.in_title
             or (s.index <= 0 and not is_background(doc, s, doc.ref_year))]
    counts = Counter()
    for s in scope:
        reach: dict[str, int] = {}  # "electric vehicles" and "electric" in it count once
        for hit in s.cue("focus"):
            if hit.start >= reach.get(hit.value, -1):
                counts[hit.value] += 1
            reach[hit.value] = max(reach.get(hit.value, -1), hit.end)
    return tuple(a for a in FOCUS_AREAS if a in _scope_areas(counts)) or ("other",)


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
