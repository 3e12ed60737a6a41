"""Decision rules: which sentences report a deal, and how strongly the article does (the
deal type is chosen in deal_type.py, the status in status.py)."""

from __future__ import annotations

import math
import re

from pipeline.classify.analysis import LEAD_SENTENCES, Document, Sentence
from pipeline.classify.clauses import (follows, in_aside, is_background,
                                       is_denial, is_negated, position_weight)
from pipeline.classify.headline import DealSentence, headline
from pipeline.classify.lexicon import Lexicon, load_lexicon
from pipeline.classify.stakes import STAKE_WORDS, splits_a_venture
from pipeline.classify.parties import (antecedent_parties, joint_names, party_factor,
                                       sentence_parties, unknown_names)

ALLIANCE_THRESHOLD = 1.6  # article score from which it is alliance news (confidence 0.5)



def _reference_year(doc: Document, published_year: int | None) -> int | None:
    if published_year:
        return published_year
    years = doc.years()
    return max(years) if years else None


def deal_types(doc: Document, sentence: Sentence, sides: int) -> dict[str, float]:
    """Score per deal type from the non-negated deal words of a sentence."""
    if is_denial(sentence):
        return {}
    types: dict[str, float] = {}
    described = False  # a joint venture word only describes one that exists
    reach: dict[str, int] = {}  # overlapping words of one type count once ("strategic partnership")
    labour = bool(sentence.cue("labour"))
    for hit in _specific_hits(doc, sentence):
        if hit.start < reach.get(hit.value, -1) or (labour and hit.weight < 2.0):
            continue  # "strikes after contract talks failed": a labour contract, not a deal
        reach[hit.value] = hit.end
        if is_negated(doc, sentence, hit.start, hit.end):
            continue
        value = hit.value
        if value == "acquisition" and _builds_a_plant(doc, sentence, hit):
            value = "strategic_alliance"  # "will invest €4bn in a battery plant": building, no purchase
        elif value == "acquisition" and (_VEHICLE_ORDER.match(doc.folded, hit.end) or _buys_goods(doc, sentence, hit)):
            value = "supply_agreement"  # "to buy up to 65,000 Polestar EVs", "kauft Batteriezellen": an order
        elif value == "acquisition" and not _buys_a_company(doc, sentence, hit):
            continue  # "prefers to buy computing platforms": goods, not a company or a stake
        weight = hit.weight * (0.5 if in_aside(doc, sentence, hit.start) else 1.0)
        if hit.value == "joint_venture" and _names_a_venture_before(doc, sentence, hit.start):
            weight *= 0.3  # "GAC Toyota, Toyota's joint venture with GAC, launched...": a description
            described = True
        elif hit.value == "joint_venture" and POSSESSIVE_BEFORE.search(
                doc.folded, max(sentence.start, hit.start - 25), hit.start):
            weight *= 0.3  # "models from its joint venture with Dongfeng": one that exists
            described = True
        weight *= 0.3 if _RECAP_BEFORE.search(doc.folded, max(sentence.start, hit.start - 30), hit.start) else 1.0
        types[value] = min(3.0, types.get(value, 0.0) + weight)
    venture = any(m.org.kind == "joint_venture" for m in sentence.mentions) or bool(joint_names(doc, sentence))
    if not types and sides >= 2 and _agreement(doc, sentence) and not sentence.cue("labour"):
        types["strategic_alliance"] = 1.5  # "X and Y have agreed to build a battery plant"
    if not types and sides >= 2 and _adopts(sentence) and not sentence.cue("labour"):
        types["strategic_alliance"] = 1.5  # "Toyota to use Nvidia's chips in its next cars"
    # A joint venture named with only a launch word ("Horse Powertrain reveals a hybrid
    # unit") is product news; with an ending or a closing it is news about the venture.
    only_venture = (venture or described) and not sentence.generic and set(types) <= {"joint_venture"}
    # A headline naming both sides and an ending ("Ford e Rivian desistem do SUV") needs no deal word.
    ending_title = sentence.in_title and bool(sentence.cue("status", "terminated"))
    if (max(types.values(), default=0.0) < 1.5 and (sentence.generic or venture or types or ending_title)
            and sides >= 2 and _has_status_cue(sentence, announced=not only_venture)
            and not sentence.cue("labour")):
        # "X and Y called off talks", "signed an agreement to look at working together",
        # "shelved a fourth Ultium Cells plant", "shutting down the start-up they backed"
        kind = "joint_venture" if venture else max(types, key=types.get, default="strategic_alliance")
        types[kind] = 1.5
    return types


def _adopts(sentence: Sentence) -> bool:
    """The title or the opening names an organisation and then a word of adopting
    another's technology ("Toyota will build its cars on Nvidia's platform")."""
    if not (sentence.in_title or sentence.index <= 1) or len(sentence.mentions) < 2:
        return False
    first = min(m.start for m in sentence.mentions)
    return any(h.start > first for h in sentence.cue("adoption"))


def _names_a_venture_before(doc: Document, sentence: Sentence, pos: int) -> bool:
    """An existing joint venture is named before `pos` (not one being formed: "formed L-H Battery")."""
    starts = [m.start for m in sentence.mentions if m.org.kind == "joint_venture" and m.end <= pos]
    starts += [start for start, end in joint_names(doc, sentence) if end <= pos]
    return any(not follows(doc, sentence, start, "new_entity") for start in starts)


# A deal word right after a pointer to the past ("last September's memorandum",
# "the earlier deal", "their 2017 joint venture") names an older deal, not the news.
_RECAP_BEFORE = re.compile(r"(?:\blast (?:year|month|week|january|february|march|april|may|june|july|"
                           r"august|september|october|november|december)'?s?|\bearlier|\bprevious|"
                           r"\bprior|\bformer|\bexisting|\boriginal|\b(?:19|20)\d\d)"
                           r"(?:\s+[\w-]+){0,2}\s*$")
def _agreement(doc: Document, sentence: Sentence) -> bool:
    """The title or the opening says two organisations agreed or signed (with no deal word)."""
    return (sentence.in_title or sentence.index <= 1) and len(sentence.mentions) >= 2 and \
        bool(_AGREED.search(doc.folded, sentence.start, sentence.end))


# Verbs of an agreement between the sides, in the lexicon's languages.
_AGREED = re.compile(r"\bagree[sd]?\b|\bsigned\b|\bacordad|\bacordaron|\bfirmaron|\bvereinbart|"
                     r"\bunterzeichnet|\bsigné|\bconvenu|\bconcordaram|\bassinaram|\bconcordat|"
                     r"\bsottoscritt|\bhanno firmato|\bподписали|\bдоговорились|\bpodepsal|\bpodpisał|"
                     r"\bkomt overeen|\bovereengekomen|\bundertecknat|\banlaştı|\bsepakat|\bmenandatangani|"
                     r"\bký kết|合意|签署|达成协议|체결|합의")
# A possessive right before a joint venture word points at one that already exists.
POSSESSIVE_BEFORE = re.compile(r"\b(?:its|their|ihr\w*|sein\w*|leurs?|sa|son|ses|su|sus|sua|suo|"
                                r"loro|seu|hun|zijn|jejich|jeho|ich|jego|ее|их|его)"
                                r"(?:\s+[\w-]+)?\s+$")
# A stake word inside the deal word or next to it: the purchase is of a company or a share.
_STAKE_WORD = re.compile(r"stake|share|equity|capital|control|%|percent|per cent|interest in")


def _buys_a_company(doc: Document, sentence: Sentence, hit) -> bool:
    """An acquisition word with a stake word in it, or an organisation or stake close by."""
    if _STAKE_WORD.search(doc.folded, hit.start, hit.end) or not doc.folded[hit.start].isascii():
        return True  # a stake word itself, or a script whose word order this check does not know
    after = doc.folded[hit.end:min(sentence.end, hit.end + 60)]
    if _STAKE_WORD.search(after) or STAKE_WORDS.search(after) or \
            any(hit.end <= m.start < hit.end + 60 for m in sentence.mentions):
        return True
    if _BUSINESS_ASSET.search(doc.folded, max(sentence.start, hit.start - 40), min(sentence.end, hit.end + 40)):
        return True  # "buys Ford's Craiova plant", "fabrikasını satın alıyor": a business bought
    if _INVESTMENT_WORD.search(doc.folded, hit.start, hit.end):
        # "Ashok Leyland will invest in battery localisation", "investment in EV India": the
        # investor comes before; only a name invested in makes it a purchase
        after = _CAPITALISED_AFTER.match(doc.text, hit.end)
        return bool(after) and doc.folded[after.end() - 1:].split(maxsplit=1)[0].strip(",.") \
            not in load_lexicon().not_names
    return any(hit.start - 30 <= m.end <= hit.start for m in sentence.mentions) or \
        bool(_CAPITALISED_AFTER.match(doc.text, hit.end))


# Investment words, and the plants (or capacity, or research) money is invested in: capital
# spending, not a purchase.
_INVESTMENT_WORD = re.compile(r"invest|投资|투자|投資|inversi|investim|investering|inwestyc|investic|"
                              r"yatırım|đầu tư|निवेश|ลงทุน|استثمار|инвест|вложен|інвест")
_PLANT = re.compile(r"plant|factor|facility|ecosystem|capacity|infrastructure|developing|research|"
                    r"工厂|工場|공장|fabrik|usine|planta|stabiliment|fábrica|"
                    r"fabriek|fabryk|továrn|závod|tesis|uzin|gyár|pabrik|nhà máy|завод|โรงงาน|مصنع|"
                    r"कारखान|संयंत्र")


# A number of vehicles right after a buying word: an order for vehicles, not a company.
_VEHICLE_ORDER = re.compile(
    r"\W+(?:[^\W\d]+\W+){0,3}?\d[\d,. ]*(?:\W+[^\W\d]+){0,3}?\W+(?:vehicles|cars|evs|trucks|buses|vans|"
    r"units|fahrzeuge|autos|véhicules|voitures|vehículos|coches|veicoli|veículos|carros|voertuigen|"
    r"pojazdów|samochodów|vozidel|araç|vehicule|autót|autó|автомобил\w*|машин|kendaraan|unit|xe|"
    r"台|辆|대)\b")


# Goods bought right after the buying word: cells, chips, components are supplied, not acquired
# ("parts" is left out: "General Parts" is a company).
_GOODS = re.compile(r"\W+(?:\S+\W+){0,4}?(?:battery cells|cells|batteries|chips|semiconductors|components|"
                    r"modules|batteriezellen|zellen|batterien|halbleiter|komponenten|bauteile|cellules|"
                    r"puces|composants|celdas|baterías|componentes|celle|componenti|电池|电芯|芯片|"
                    r"電池|セル|半導体|배터리|셀|반도체)\b(?!-)")


def _buys_goods(doc: Document, sentence: Sentence, hit) -> bool:
    return bool(_GOODS.match(doc.folded, hit.end, min(sentence.end, hit.end + 60))) and \
        not STAKE_WORDS.search(doc.folded, hit.end, min(sentence.end, hit.end + 60))


def _builds_a_plant(doc: Document, sentence: Sentence, hit) -> bool:
    """An investment word next to a plant, with no stake word near: money for building."""
    if not _INVESTMENT_WORD.search(doc.folded, hit.start, hit.end):
        return False
    around = doc.folded[max(sentence.start, hit.start - 40):min(sentence.end, hit.end + 40)]
    return bool(_PLANT.search(around)) and not STAKE_WORDS.search(around)


# A plant, a unit or a business: bought, it is an acquisition as much as a company is.
_BUSINESS_ASSET = re.compile(r"\b(?:plant|factory|facility|site|business|division|unit|operations|werk|"
                             r"fabrik\w*|usine|planta|stabiliment\w*|fábrica|fabriek|fabryk\w*|továr\w*|"
                             r"závod\w*|zakład\w*|tesis\w*|uzin\w*|gyár\w*|pabrik|nhà máy|sparte|"
                             r"geschäft\w*|activit\w*|negocio|divisione?)\b")
_CAPITALISED_AFTER = re.compile(r"\s+(?:(?:the|a|an|its|their)\s+)?[A-ZÀ-ÖØ-Þ]")


def _specific_hits(doc: Document, sentence: Sentence) -> list:
    """Deal words in order, leaving out a word inside a longer one of another type
    ("to buy" in "buy batteries") and a joint venture that is only what a stake is
    bought in ("a stake in the joint venture")."""
    hits = sorted(sentence.deals, key=lambda h: (h.start, -(h.end - h.start)))
    kept = [h for h in hits if not any(o is not h and o.value != h.value and o.start <= h.start
                                       and h.end <= o.end and o.end - o.start > h.end - h.start
                                       for o in hits)]
    inside = [h for h in kept if h.value == "joint_venture" and any(
        o.value == "acquisition" and o.weight >= 2 and 0 <= h.start - o.end <= 25 for o in kept)]
    if not inside or splits_a_venture([doc.text[sentence.start:sentence.end]]):
        return kept  # "each holding 50% of the joint venture": the founders' shares
    return [h for h in kept if h not in inside]


def _has_status_cue(sentence: Sentence, announced: bool = True) -> bool:
    wanted = ("terminated", "completed", "announced", "rumored_strong") if announced else \
        ("terminated", "completed", "rumored_strong")
    return any(h.value in wanted for h in sentence.cue("status"))


def deal_sentences(doc: Document, lex: Lexicon, published_year: int | None) -> list[DealSentence]:
    """Every sentence with deal words, scored; best first."""
    doc.ref_year = published_year or 0
    ref_year = published_year  # else computed on first need (it reads every year written)
    found = []
    for sentence in doc.sentences:
        if sentence.index >= LEAD_SENTENCES:
            break
        venture = any(m.org.kind == "joint_venture" for m in sentence.mentions)
        if (not sentence.deals and not sentence.generic and not venture and not _agreement(doc, sentence)
                and not _adopts(sentence) and not (sentence.in_title and sentence.cue("status", "terminated"))) \
                or sentence.cue("boilerplate"):
            continue  # no deal words, or page furniture ("Related: X and Y sign MoU")
        parties = sentence_parties(doc, sentence)
        names = unknown_names(doc, sentence, lex) if len(parties) < 2 and not within_a_group(sentence) else 0
        types = deal_types(doc, sentence, len(parties) + names)
        if not types:
            continue
        if ref_year is None and not sentence.in_title:
            ref_year = doc.ref_year = _reference_year(doc, published_year) or 0
        background = is_background(doc, sentence, ref_year)
        factor = party_factor(len(parties), names)
        if len(parties) < 2 and (inherited := antecedent_parties(doc, sentence, parties)):
            parties, factor = inherited, 0.8  # "The partnership will..." after naming both
        score = min(3.0, max(types.values())) * factor * position_weight(sentence)
        score *= 0.25 if background else 1.0
        found.append(DealSentence(sentence, types, parties, names, background, score))
    found.sort(key=lambda d: -d.score)
    return found


def within_a_group(sentence: Sentence) -> bool:
    """The sentence names a unit and its owner ("Volkswagen's software unit Cariad was to
    deliver..."): work inside one group, whatever other capitalised words it has."""
    owners = {m.org.parent for m in sentence.mentions if m.org.kind != "brand" and m.org.parent}
    return bool(owners) and all(m.org.party in owners or m.org.parent in owners for m in sentence.mentions)


def _reports_event(doc: Document, deals: list[DealSentence], lex: Lexicon) -> bool:
    """A status word or a plan ('will', 'plans to') in a headline deal sentence, or a title that
    names the deal between two sides (a headline's verb is news: "Stellantis kupuje Leapmotor")."""
    for deal in headline(deals):
        sentence = deal.sentence
        if sentence.cue("status") or lex.event_words.search(doc.folded, sentence.start, sentence.end):
            return True
        if sentence.in_title and len(deal.parties) >= 2 and not sentence.distractors and (
                max(deal.types.values()) >= 2.0 or _adopts(sentence)):
            return True  # (beside a loss or a ranking, a headline's deal noun is no event)
    return False


def article_score(doc: Document, deals: list[DealSentence], lex: Lexicon) -> float:
    """How strongly the article as a whole reports a deal (0 = not at all)."""
    if not deals:
        return 0.0
    score = deals[0].score + 0.25 * sum(d.score for d in deals[1:3])
    title = [s for s in doc.sentences if s.in_title]
    # "Nissan taps Espinosa as CEO": one weak deal word and one party make no deal title.
    # A deal word without two sides next to earnings or a product ("Earnings look bright for
    # joint-venture carmakers", "first co-developed model enters production") is no deal title.
    title_is_deal = any(d.sentence.in_title and not d.background and not _names_the_alliance(doc, d.sentence)
                        and (len(d.parties) >= 2 and (not d.sentence.distractors or _has_status_cue(d.sentence))
                             or max(d.types.values()) >= 2.0
                             and not (d.sentence.distractors or _product_news(d.sentence, doc))) for d in deals)
    if title and not title_is_deal and any(s.distractors or _product_news(s, doc) for s in title):
        score *= 0.4  # "Nissan profit falls" that mentions its alliance in passing
        if any(is_background(doc, s, None) for s in title):
            score *= 0.5  # "Nissan names new CEO after Honda deal falls apart": the deal is a recap
        elif any(_names_the_alliance(doc, s) for s in title):
            score *= 0.5  # "L'Alliance reste le premier groupe mondial": the existing alliance's business
        elif sum(s.distractors for s in title) >= 2 and not any(s.deals or s.generic for s in title):
            score *= 0.6  # "Ghosn resigns, Senard becomes chairman, Bolloré CEO": all about something else
    lead = [s for s in doc.sentences if s.in_title or s.index <= 2]
    if any((s.deals or s.generic) and is_denial(s) for s in lead):
        score *= 0.3  # "Toyota denies report of stake talks"
        if any((s.deals or s.generic) and is_denial(s) for s in title):
            score *= 0.6  # the headline itself is the denial ("BYD denies rumours of NIO tie-up")
    if _feature_title(doc):
        score *= 0.4  # "Analysis: Why Japan's carmakers keep trading shares": no event
    if _quoted_title(doc) or _opinion_title(doc, lex):
        score *= 0.4  # 'VinFast chief: "We are open to partnerships"': an interview, not an event
    if _venture_operations(doc):
        score *= 0.4  # "GAC Toyota's bZ3X priced from...": an existing venture's product news
    if _unsupported_title(deals):
        score *= 0.45  # "Ghosn says alliance is a shadow of itself": no event anywhere
    elif not _reports_event(doc, deals, lex):
        score *= 0.6  # "the alliance with Nissan remains important": no event word
    return score


# A quotation: an opening mark after a space or a colon, a closing mark before a space or
# punctuation (an apostrophe inside a word, "s'offre", "d'euros", opens nothing).
_QUOTE = re.compile(r"(?:^|(?<=[\s:(\[—–-]))[\"“”„«‘'「『](\S[^\"“”„«»「」『』]*?\S)[\"“”»’'」』]"
                    r"(?=$|[\s.,;:!?…)\]—–-])")


# A headline that labels the piece as analysis, opinion or an explainer.
_FEATURE_TITLE = re.compile(
    r"^\W*(?:analysis|explainer|opinion|commentary|comment|column|analyse|kommentar|meinung|análisis|"
    r"opinión|analisi|commento|opinione|análise|opinião|analiza|komentarz|analýza|komentář|analys|"
    r"analiz|yorum|analiză|opinie|elemzés|vélemény|анализ|мнение|колонка|аналіз|думка|analisis|opini|"
    r"phân tích|bình luận|विश्लेषण|विश्लेषण|วิเคราะห์|تحليل|رأي|分析|解説|社説|评论|해설|분석|칼럼)\s*[:|：]"
    r"|^\W*(?:[^:\n]{1,30}:\s*)?(?:why|how|what)\s"
    r"|^\W*(?:study|survey|studie|umfrage|étude|enquête|estudio|encuesta|studio|indagine|estudo|pesquisa|"
    r"onderzoek|badanie|ankieta|studie|araştırma|調査|调查|研究报告|조사)\b", re.IGNORECASE)


# "L'Alliance reste le premier groupe mondial": the existing alliance by name, no deal.
_THE_ALLIANCE = re.compile(r"(?:\b(?:[Tt]he|[Dd]ie|[Ll]a)\s+|\b[Ll]['’])Alliance\b")


def _names_the_alliance(doc: Document, sentence: Sentence) -> bool:
    """The sentence's only deal word is the name of an existing alliance ("the Alliance")."""
    names = list(_THE_ALLIANCE.finditer(doc.text, sentence.start, sentence.end))
    return bool(names) and all(any(n.start() <= h.start < n.end() + 1 for n in names) for h in sentence.deals)


def _feature_title(doc: Document) -> bool:
    return any(_FEATURE_TITLE.search(doc.text, s.start, s.end) for s in doc.sentences if s.in_title)


def _quoted_title(doc: Document) -> bool:
    """The title quotes someone and names fewer than two organisations outside the quote:
    an interview or an opinion ("Togg CEO: 'We are open to every partnership'")."""
    for sentence in (s for s in doc.sentences if s.in_title):
        quote = _QUOTE.search(doc.text[sentence.start:sentence.end])
        if quote is None or (len(quote.group(1).split()) < 3 and len(quote.group(1)) < 12):
            continue  # a quoted name or word ('"Ceer"') is no quotation
        start, end = sentence.start + quote.start(), sentence.start + quote.end()
        outside = {m.org.name for m in sentence.mentions if not start <= m.start < end}
        if len(outside) < 2:
            return True
    return False


# "Morgan Stanley's Adam Jonas says partnerships may be the way ahead": a person's view.
_SAYS = re.compile(r"\b(?:says|said|sagt|meint|dit|estime|dice|afirma|diz|zegt|mówi|říká)\b")
_SPEAKER = re.compile(r"\b(?:analyst|analysts|ceo|chief|boss|chairman|president|expert|executive|"
                      r"analyst\w*|chef|pdg|patron|directeur|presidente|experte?)\b")


_POSSESSIVE = re.compile(r"['’]s?$")


def _opinion_title(doc: Document, lex: Lexicon) -> bool:
    """The title is what a person says, and reports no event itself."""
    for sentence in (s for s in doc.sentences if s.in_title):
        says = _SAYS.search(doc.folded, sentence.start, sentence.end)
        if says is None or _has_status_cue(sentence):
            continue
        before = doc.folded[sentence.start:says.start()]
        if _SPEAKER.search(before) or any(_POSSESSIVE.sub("", w) in lex.given_names for w in before.split()):
            return True
    return False


def _venture_operations(doc: Document) -> bool:
    """The title names an existing joint venture, no deal word besides, and its launches,
    prices, production or plants ("Ford Otosan starts series production")."""
    title = [s for s in doc.sentences if s.in_title]
    if not any(_product_news(s, doc) for s in title):
        return False
    if any(s.generic or any(h.value != "joint_venture" and h.weight >= 2.0 for h in s.deals) for s in title):
        return False  # (a weak word, "with its partner", names the venture's owners)
    return any(any(m.org.kind == "joint_venture" for m in s.mentions) or joint_names(doc, s)
               or s.deals for s in title)


def _product_news(sentence: Sentence, doc: Document) -> bool:
    """Launches, prices, production: a product's news, unless a venture is formed or ended
    ("Horse Powertrain officially launched") or a company launched ("...launch battery-swap company")."""
    return bool(sentence.cue("operations")) and not any(
        h.value in ("completed", "terminated") for h in sentence.cue("status")) and \
        not _COMPANY_WORD.search(doc.folded, sentence.start, sentence.end)


_COMPANY_WORD = re.compile(r"\b(?:company|firm|unternehmen|firma|société|entreprise|empresa|società|"
                           r"azienda|bedrijf|spółk\w*|společnost\w*|bolag\w*|şirket\w*|companie|vállalat\w*|"
                           r"компани\w*|perusahaan|công ty)\b|新会社|合弁|公司|회사|법인")


def _unsupported_title(deals: list[DealSentence]) -> bool:
    """A deal word in the title with no event word there and no deal sentence in the text."""
    best = deals[0]
    if not best.sentence.in_title or best.sentence.cue("status"):
        return False
    return not any(not d.sentence.in_title and not d.background and d.score >= 0.5 for d in deals)


# An event word and two named sides are evidence of their own: such an article needs less score.
SIDED_EVENT_THRESHOLD = 1.3


def alliance_threshold(doc: Document, deals: list[DealSentence], parties: list[str], lex: Lexicon) -> float:
    """The score an article needs: lower when two sides are named and the headline reports an event."""
    if len(parties) >= 2 and _reports_event(doc, deals, lex):
        return SIDED_EVENT_THRESHOLD
    if not parties and deals and max(deals[0].types.values()) < 2.0:
        return 2 * ALLIANCE_THRESHOLD  # nobody named and one weak word ("buyers bought 72,000 cars")
    return ALLIANCE_THRESHOLD


def confidence(score: float, threshold: float = ALLIANCE_THRESHOLD) -> float:
    """Score mapped to [0, 1]; the threshold that applies maps to 0.5."""
    return 1.0 - math.exp(-score * math.log(2) / threshold)
