"""The deal type of an alliance article: the type with most weight over the headline deal
sentences, specific before general, and the conventions analysts rely on (README: The
conventions analysts rely on)."""

from __future__ import annotations

import re

from pipeline.classify.analysis import Document
from pipeline.classify.clauses import position_weight
from pipeline.classify.headline import DealSentence, headline
from pipeline.classify.rules import POSSESSIVE_BEFORE, within_a_group
from pipeline.classify.stakes import splits_a_venture, stake_percent
from pipeline.vocabulary import PRECEDENCE as _PRECEDENCE

# Ties between deal types go to the more specific one.
_SPECIFICITY = {"strategic_alliance": 0.8}
# Resizing the cross-shareholdings of an existing alliance is not a purchase.
_REBALANCE = re.compile(r"rebalanc|re-balanc|equal footing|equal (?:\d+ ?% )?(?:stakes|shareholdings)|"
                        r"(?:stakes|shareholdings) equal|"
                        r"(?:cut|reduc\w*|lower\w*|trim\w*) (?:its|their) (?:\w+ )?(?:stake|holding)|"
                        r"neu ordnen|neuordnung|rééquilibr|riequilibr|reequilibr|資本関係の見直し|"
                        r"出資比率を(?:引き下げ|見直)|调整持股|지분 조정|перебаланс")


def choose_deal_type(doc: Document, deals: list[DealSentence]) -> str:
    """The deal type with most weight over the lead's deal sentences, specific first."""
    totals: dict[str, float] = {}
    strong: set[str] = set()  # types named outright (not by one weak word) somewhere
    best = deals[0]
    for deal in deals:
        s = deal.sentence
        if deal.background or not (s.in_title or s.index <= 7) or within_a_group(s):
            continue
        weight = position_weight(s) * (1.0 if deal.parties else 0.5) * (1.5 if deal is best else 1.0)
        for kind, value in deal.types.items():
            if kind == "mou" and _earlier_memorandum(doc, s):
                continue  # "... after signing an MoU last year": that step is not this news
            totals[kind] = totals.get(kind, 0.0) + value * weight * _SPECIFICITY.get(kind, 1.0)
            if value >= 2.0:
                strong.add(kind)
    if not totals:
        totals, strong = dict(best.types), set(best.types)
    generic = totals.pop("strategic_alliance", 0.0)
    totals = {k: v for k, v in totals.items() if k in strong or v >= generic}
    if not totals or max(totals.values()) < 0.3 * generic:
        # a partnership unless its specific form is named; "s'associe à ..." over a lead
        # that signs a memorandum is still the memorandum
        return "mou" if _memorandum_headline(doc, deals) else "strategic_alliance"
    top = max(totals.values())
    chosen = next(k for k in _PRECEDENCE if totals.get(k, 0.0) >= top - 1e-9)
    if chosen in ("mou", "acquisition") and totals.get("merger", 0.0) >= 0.5 * top:
        return "merger"  # a memorandum or talks whose stated aim is a merger
    if chosen != "merger" and _memorandum_headline(doc, deals):
        return "mou"  # "sign a memorandum to form a joint venture": the memorandum is the news
    if chosen == "acquisition" and _rebalances(doc, deals) and (
            any("strategic_alliance" in d.types for d in headline(deals)) or _cross_holdings(doc, deals)):
        return "strategic_alliance"  # partners resizing their cross-shareholdings
    if chosen == "joint_venture" and "acquisition" in best.types and _states_a_stake(doc, deals) \
            and not (_splits_a_venture(doc, deals) or _stake_in_a_new_company(doc, deals)):
        return "acquisition"  # "buys 21% of Leapmotor and sets up a venture": the stake is the deal
    if chosen == "acquisition" and "joint_venture" in totals and not _buys_out_a_partner(doc, deals) \
            and (_splits_a_venture(doc, deals) or _stake_in_a_new_company(doc, deals)):
        return "joint_venture"  # "a new company, Toyota 51% and Panasonic 49%": founders' shares
    return chosen


# A memorandum or letter of intent by name (a "basic agreement" may already found a venture).
_MEMORANDUM = re.compile(r"memorand|\bmous?\b|letters? of intent|\bloi\b|absichtserklärung|lettre d'intention|"
                         r"protocole d'accord|carta de intenç|carta de intenc|protocollo d'intesa|lettera d'intenti|"
                         r"intentieverklaring|list intencyjny|(?:протокол|договор|соглашение) о намерениях|меморандум|niyet mektubu|"
                         r"mutabakat zapt|nota kesepahaman|biên bản ghi nhớ|समझौता ज्ञापन|बीएमयू|บันทึกความเข้าใจ|"
                         r"مذكرة تفاهم|覚書|备忘录|備忘錄|意向书|意向書|양해각서|accord de principe|acuerdo de principio|"
                         r"accordo di principio|lettera ?d'intenti|protocolo de intenç|protocolo de intenc|"
                         r"non-binding|nonbinding|non contraignant|no vinculante|non vincolante|unverbindlich")


def _memorandum_headline(doc: Document, deals: list[DealSentence]) -> bool:
    """The title, the best sentence or the lead names a memorandum or letter of intent signed."""
    return any((d.sentence.in_title or d is deals[0] or d.sentence.index <= 2)
               and _MEMORANDUM.search(doc.folded, d.sentence.start, d.sentence.end)
               and not _earlier_memorandum(doc, d.sentence)
               and (d.types.get("mou", 0.0) >= 2.0 or d.sentence.cue("status", "announced"))
               for d in deals if not d.background)


def _earlier_memorandum(doc: Document, sentence) -> bool:
    """The sentence's memorandum came before its news ("after signing an MoU in June")."""
    memo = _MEMORANDUM.search(doc.folded, sentence.start, sentence.end)
    return bool(memo) and bool(_EARLIER_STEP.search(doc.folded, max(sentence.start, memo.start() - 60),
                                                    memo.start()))


# "signed a joint venture agreement, after the two signed an MoU in June": the memorandum came first.
# Or a time before it: "the MoU signed last September", "지난해 9월 ... 양해각서".
_EARLIER_STEP = re.compile(r"\b(?:after|following|since|nach|après|depuis|tras|después de|dopo|após|na)\b|"
                           r"\blast (?:year|month)|\bearlier this year|l'an dernier|l'année dernière|"
                           r"\bvergangenen jahr|\bletzten jahr|\bel año pasado|\bl'anno scorso|"
                           r"지난해|지난달|昨年|去年|前年")


def _states_a_stake(doc: Document, deals: list[DealSentence]) -> bool:
    """A headline sentence states the percentage of a stake bought (not a venture's 50-50 split)."""
    share = stake_percent([doc.text[d.sentence.start:d.sentence.end] for d in headline(deals)])
    return share is not None and share != 50.0


def _buys_out_a_partner(doc: Document, deals: list[DealSentence]) -> bool:
    """A headline joint venture word after a possessive ("buys Siemens' half of their joint
    venture"): the venture exists, and the stake bought in it is a purchase."""
    return any(h.value == "joint_venture" and POSSESSIVE_BEFORE.search(
        doc.folded, max(d.sentence.start, h.start - 25), h.start)
        for d in headline(deals) for h in d.sentence.deals)


# A company the deal creates: a stake taken in it is a share of a joint venture.
_NEW_COMPANY = re.compile(r"new (?:company|entity|firm|joint venture|venture)|newly (?:formed|created|established)|nouvelle (?:société|entité)|"
                          r"neue[ns]? (?:gesellschaft|unternehmen|firma)|nuova società|nueva (?:sociedad|empresa)|"
                          r"nova (?:empresa|sociedade)|nieuwe onderneming|now\w+ spółk\w+|nov\w+ společnost\w*|"
                          r"yeni (?:bir )?şirket|perusahaan baru|công ty mới|บริษัทใหม่|شركة جديدة|"
                          r"нов\w+ компани\w+|新会社|新公司|신설 ?법인|새 법인|합작 ?법인")


def _stake_in_a_new_company(doc: Document, deals: list[DealSentence]) -> bool:
    """A headline stake sentence names the company the deal creates ("spins the unit off into a
    new company in which Magna takes 49%")."""
    return any("acquisition" in d.types and _NEW_COMPANY.search(doc.folded, d.sentence.start, d.sentence.end)
               for d in headline(deals))


def _splits_a_venture(doc: Document, deals: list[DealSentence]) -> bool:
    """The headline sentences state the founders' split of a new company."""
    return splits_a_venture([doc.text[d.sentence.start:d.sentence.end] for d in headline(deals)])


_CROSS = re.compile(r"cross-?(?:share)?holding|mutual|each other|participation croisée|participations croisées|"
                    r"gegenseitig|überkreuz|participación cruzada|partecipazion\w* incrociat\w*|持ち合い|相互出资|"
                    r"相互持股|교차 ?지분|перекрёстн")


def _cross_holdings(doc: Document, deals: list[DealSentence]) -> bool:
    return any(_CROSS.search(doc.folded, d.sentence.start, d.sentence.end) for d in headline(deals))


def _rebalances(doc: Document, deals: list[DealSentence]) -> bool:
    """The headline speaks of rebalancing an alliance's cross-shareholdings."""
    return any(_REBALANCE.search(doc.folded, d.sentence.start, d.sentence.end) for d in headline(deals))
