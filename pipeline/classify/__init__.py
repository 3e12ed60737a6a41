"""Pure alliance classifier: article text in, `Classification` out (no DB, no network).

Only the first `MAX_TEXT_CHARS` characters of the text are analysed (see text.py).
`confidence` is how likely the article reports an alliance event: >= 0.5 exactly when
`is_alliance` is true. `mentions` counts gazetteer names as written (a brand stays a
brand there); `parties` resolve brands to their owners.
"""

from __future__ import annotations

from datetime import date, datetime

from pipeline.classify.analysis import Document, build_document
from pipeline.classify.dates import event_date
from pipeline.classify.gazetteer import Gazetteer, Organisation, load_gazetteer
from pipeline.classify.matcher import load_matcher
from pipeline.classify.stakes import stake_percent
from pipeline.classify import rules
from pipeline.classify.clauses import sentence_text
from pipeline.classify.deal_type import choose_deal_type
from pipeline.classify.focus import choose_focus
from pipeline.classify.headline import headline
from pipeline.classify.parties import choose_parties
from pipeline.classify.status import choose_status
from pipeline.classify.text import MAX_TEXT_CHARS, MAX_TITLE_CHARS, clean, coerce_text
from pipeline.models import Classification

CLASSIFIER_VERSION = "2026.12.4"

__all__ = ["CLASSIFIER_VERSION", "MAX_TEXT_CHARS", "Gazetteer", "Organisation",
           "classify_article", "find_mentions", "load_gazetteer"]


def find_mentions(text: str) -> dict[str, int]:
    """Canonical organisation name -> number of mentions in `text`."""
    return _count(build_document(load_matcher(), "", clean(coerce_text(text, MAX_TEXT_CHARS))))


def _count(doc: Document) -> dict[str, int]:
    counts: dict[str, int] = {}
    for mention in doc.mentions:
        counts[mention.org.name] = counts.get(mention.org.name, 0) + 1
    return counts


def classify_article(text: str, title: str | None = None, url: str | None = None,
                     published: datetime | date | None = None) -> Classification:
    """Classify one article; never raises on bad input (it yields a negative instead).

    `url` is part of the contract but not used by the rules yet.
    """
    try:
        return _classify(coerce_text(text, MAX_TEXT_CHARS), coerce_text(title, MAX_TITLE_CHARS),
                         published if isinstance(published, (date, datetime)) else None)
    except Exception:  # noqa: BLE001 - a pipeline must not stop on one odd article
        return Classification(is_auto=False, is_alliance=False)


def _classify(raw_text: str, title: str, published) -> Classification:
    matcher = load_matcher()
    lex = matcher.lexicon
    doc = build_document(matcher, clean(title), clean(raw_text))
    doc.published = published.date() if isinstance(published, datetime) else published or _era(doc)
    year = published.year if published else None
    deals = rules.deal_sentences(doc, lex, year)
    score = rules.article_score(doc, deals, lex)
    parties = choose_parties(doc, deals) if score else []
    threshold = rules.alliance_threshold(doc, deals, parties, lex)
    mentions = _count(doc)
    if score < threshold:
        return Classification(is_auto=_is_auto_news(doc), is_alliance=False,
                              confidence=min(rules.confidence(score, threshold), 0.499),
                              event_date=event_date([], published), mentions=mentions)
    status, ending = choose_status(doc, deals, lex)
    deal_type = "dissolution" if ending else choose_deal_type(doc, deals)
    if status == "completed" and deal_type == "mou":
        status = "announced"  # a signed memorandum is an announcement; nothing closes

    heads = headline(deals)
    # Evidence is cut from the input itself (cleaning kept every offset): verbatim. A
    # title-only headline still gets the text's best deal sentence as evidence.
    in_text = [d for d in heads if not d.sentence.in_title] or \
        [d for d in deals if not d.sentence.in_title][:1]
    evidence = [raw_text[d.sentence.start - doc.body_start:d.sentence.end - doc.body_start]
                for d in in_text]
    head_texts = [sentence_text(doc, d.sentence) for d in heads]
    gazetteer = load_gazetteer()
    focus = choose_focus(doc, deals)
    return Classification(
        is_auto=_is_auto_deal(doc, parties, heads) or bool(AUTO_FOCUS.intersection(focus)),
        is_alliance=True, deal_type=deal_type, status=status, parties=tuple(parties), focus_areas=focus,
        confidence=rules.confidence(score, threshold), evidence=tuple(evidence[:3]),
        event_date=event_date(head_texts, published), mentions=mentions,
        unresolved_parties=tuple(p for p in parties if gazetteer.get(p) is None),
        stake_pct=stake_percent(head_texts) if deal_type == "acquisition" else None)


def _era(doc) -> date | None:
    """An undated article's era, for who owned a brand: the end of the latest year it names
    ("production from 2011": a Fiat deal of Fiat's own, not Stellantis's)."""
    years = doc.years()
    return date(max(years), 12, 31) if years else None


# Focus areas only vehicles have: a deal about them is auto news whoever the parties are.
AUTO_FOCUS = frozenset({"ev", "charging", "autonomous_driving"})


def _is_auto_deal(doc: Document, parties: list[str], heads) -> bool:
    """A deal is auto news when a party is from the industry or the deal is about cars."""
    gazetteer = load_gazetteer()
    if any((org := gazetteer.get(p)) is not None and org.is_auto for p in parties):
        return True
    if sum(d.sentence.auto_words for d in heads) + _title_auto_words(doc) >= 1:
        return True
    # A party the gazetteer lacks may still be a supplier: the lead tells.
    return any(gazetteer.get(p) is None for p in parties) and _is_auto_news(doc)


def _title_auto_words(doc: Document) -> int:
    return sum(s.auto_words for s in doc.sentences if s.in_title)


def _is_auto_news(doc: Document) -> bool:
    """Not a deal: auto news when carmakers or motor words dominate the lead."""
    lead = [s for s in doc.sentences if s.in_title or s.index <= 5]
    orgs = sum(1 for s in lead for m in s.mentions if m.org.is_auto)
    words = sum(s.auto_words for s in lead)
    return (orgs >= 1 and words >= 1) or orgs >= 2 or words >= 3
