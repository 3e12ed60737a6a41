"""The vocabulary: every deal type, deal status, focus area and source kind, each once, with what hangs on it.

A deal type carries its label, its colour in the reports and its precedence (when
several types score the same in an article, the one listed first in PRECEDENCE
wins; a type with no precedence is never chosen from deal words: a dissolution
comes from the status). Statuses and focus areas carry their labels. Everything
else reads these names from here: the classifier's precedence (classify/rules.py),
the review CLI's choices, the report's colours, corpus validation. The lexicon
(pipeline/data/classify_lexicon.yml: deal_types, status, focus) and the CHECK
constraints and review function of the migrations must agree with it, and
tests/test_vocabulary.py checks that they do, so adding a deal type is an entry
here, its words in the lexicon and a migration (README: Adding a deal type).
Pure data: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DealType:
    name: str
    label: str
    colour: str                 # report colour (Okabe-Ito palette, colour-blind-safe, plus grey)
    precedence: int | None      # lower wins a tie; None: not found from deal words


@dataclass(frozen=True)
class Term:
    name: str
    label: str
    lexicon: bool = True        # has words of its own in the lexicon ('other' is the fallback)


DEAL_TYPE_TERMS = (
    DealType("strategic_alliance", "strategic alliance", "#0072B2", 7),
    DealType("mou", "memorandum of understanding", "#E69F00", 4),
    DealType("joint_venture", "joint venture", "#009E73", 2),
    DealType("merger", "merger", "#CC79A7", 1),
    DealType("acquisition", "acquisition or stake", "#D55E00", 3),
    DealType("supply_agreement", "supply agreement", "#56B4E9", 5),
    DealType("licensing", "licensing", "#F0E442", 6),
    DealType("dissolution", "dissolution", "#7F7F7F", None),
)
STATUS_TERMS = (
    Term("rumored", "rumoured"), Term("announced", "announced"),
    Term("completed", "completed"), Term("terminated", "terminated"),
)
FOCUS_TERMS = (
    Term("ev", "electric vehicles"), Term("batteries", "batteries"),
    Term("hydrogen_fuel_cell", "hydrogen and fuel cells"),
    Term("autonomous_driving", "autonomous driving"), Term("software", "software"),
    Term("platforms", "platforms"), Term("powertrain", "powertrain"),
    Term("manufacturing", "manufacturing"), Term("purchasing", "purchasing"),
    Term("charging", "charging"), Term("other", "other", lexicon=False),
)

DEAL_TYPES = tuple(t.name for t in DEAL_TYPE_TERMS)
DEAL_STATUSES = tuple(t.name for t in STATUS_TERMS)
FOCUS_AREAS = tuple(t.name for t in FOCUS_TERMS)
# The classifier's tie-break order over the types found from deal words.
PRECEDENCE = tuple(t.name for t in sorted((t for t in DEAL_TYPE_TERMS if t.precedence is not None),
                                          key=lambda t: t.precedence))
# Kinds of source a feed row can be (feeds.kind): each is a module of pipeline/sources/.
SOURCE_KINDS = ("rss", "sitemap", "gdelt")

DEAL_COLOURS = {t.name: t.colour for t in DEAL_TYPE_TERMS}
DEAL_LABELS = {t.name: t.label for t in DEAL_TYPE_TERMS}
