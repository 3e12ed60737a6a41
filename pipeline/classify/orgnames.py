"""Open-world organisation names: parties the gazetteer does not list.

Real deal news names airlines, banks, start-ups and regional suppliers that no
gazetteer keeps up with. In a deal sentence, a capitalised run of words is taken for
an organisation when it carries a corporate word ("Turkish Airlines", "Bank Mandiri")
or a legal form ("Acme GmbH"), when a descriptor noun introduces it ("component maker
Aravali Motion", "Zulieferer Kessler"), when it is coordinated with a named organisation
("Toyota and Acme") or follows "with" once the deal is named ("an agreement with
Wanli Transmission"). The name is reported as spelled, legal forms and group words
dropped; the vocabulary is data (pipeline/data/org_names.yml). Hand-written because no
packaged named-entity model covers twenty languages at the classifier's speed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pipeline import yamlfile
from pipeline.classify.text import fold

# A capitalised word: an upper-case Latin, Greek or Cyrillic letter first (the class is
# built from Unicode, since re has no \p{Lu}); inner dots, hyphens, apostrophes and
# ampersands as in "Toyota-Tsusho", "S&P", "D'Ieteren".
UPPER = "".join(re.escape(c) for c in map(chr, range(0x41, 0x530)) if c.isupper())
# Letters of a name: Latin, Greek, Cyrillic and digits. A Latin name inside Chinese,
# Japanese or Korean text ("与Momenta合作", "Aurion Robotics와") ends where they begin.
_NAME_CHARS = "0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f"
_WORD = rf"[{UPPER}][{_NAME_CHARS}&'’.\-]*[{_NAME_CHARS}&]|[{UPPER}]"
_LINK = r"(?:\s+(?:of|de|del|der|du|des|da|do|&|für|van|von)\s+|\s+)"
# A case ending after an apostrophe (Turkish "Slovakya'nın", "Togg'un") is not part of a name.
_SUFFIX = re.compile(r"['’][^\W\d_]{1,5}$")
_RUN = re.compile(rf"(?<![{_NAME_CHARS}'’])(?:{_WORD})(?:{_LINK}(?:{_WORD})){{0,4}}")
# Right before a Latin name in CJK text: a descriptor ("初创公司", "스타트업") or a Japanese
# headline's country prefix ("米", "独"): the name is an organisation's.
_CJK_INTRO = re.compile(r"(?:初创公司|初创企业|科技公司|公司|企业|集团|供应商|厂商|车企|新興企業|新興|"
                        r"スタートアップ|企業|メーカー|스타트업|업체|기업|회사|[米独仏英韓中台印])\s?$")
_MAX_NAME_CHARS = 60
_TOKEN = re.compile(r"\S+")
_ELIDED = re.compile(r"(?:[LlDd]|[Qq]u)['’]")
_FUNCTION_WORDS = frozenset("the a an and with of in on at for from by to as but or while after before "
                            "both its their this that these those says said".split())
# A lower-case corporate word joined by a hyphen (Hungarian "MOL-csoport", "Toyota-konszern").
_HYPHEN_GROUP = re.compile(r"-(?:csoport|konszern|konzern|gruppe|koncern|grup|grupa|skupina|"
                           r"group|holding|cég|şirketi)$")


@dataclass(frozen=True)
class OrgVocabulary:
    """Folded word sets from org_names.yml and the lexicon's not_names."""

    org_words: frozenset[str]
    legal_forms: frozenset[str]
    legal_prefixes: frozenset[str]
    coordinators: frozenset[str]
    not_org: frozenset[str]
    descriptors: frozenset[str]
    media_endings: frozenset[str]
    corporate_endings: frozenset[str]  # org_words and legal_forms: the end of a full corporate name


@lru_cache(maxsize=1)
def load_vocabulary() -> OrgVocabulary:
    """The packaged open-world vocabulary, parsed once."""
    raw = resources.files("pipeline").joinpath("data/org_names.yml").read_text("utf-8")
    data = yamlfile.safe_load(raw)

    def words(key: str) -> frozenset[str]:
        return frozenset(fold(str(w)) for w in data[key])
    return OrgVocabulary(words("org_words"), words("legal_forms"), words("legal_prefixes"),
                         words("coordinators"), words("not_org"), words("descriptors"),
                         words("media_endings"), words("org_words") | words("legal_forms"))


@dataclass(frozen=True)
class NameRun:
    """A capitalised run at text[start:end] that is not a gazetteer mention."""

    start: int
    end: int
    name: str
    introduced: bool = False  # a descriptor noun opened the run ("Zulieferer Kessler")


def open_world_parties(text: str, start: int, end: int, known: list[tuple[int, int]],
                       not_names: frozenset[str], given_names: frozenset[str],
                       verbs: list[tuple[int, int]] = ()) -> list[NameRun]:
    """Organisations missing from the gazetteer in text[start:end], in order.

    `known` are the spans of gazetteer mentions in the sentence; a name next to one
    of them by a coordinator ("and", "with", "ve", "dan"...) counts as a party. `verbs`
    are the spans of a headline's deal words: "<name> <verb> <name>" makes two sides.
    """
    vocab = load_vocabulary()
    runs: list[NameRun] = []
    for match in _RUN.finditer(text, start, end):
        run = _trim(text, match.start(), match.end(), vocab, not_names)
        if run is None or any(s < run.end and run.start < e for s, e in known):
            continue
        if not _is_person(run, given_names) and not _is_media(run, vocab):
            runs.append(run)
    found = [r for r in runs if _qualifies(text, r, start, end, known, vocab)]
    # Two names the gazetteer lacks can make a deal: "Aravali Motion and Kessler".
    spans = known + [(r.start, r.end) for r in found]
    found += [r for r in runs if r not in found and _coordinated(text, r, spans, vocab)]
    if not found and not known:
        found = _coordinated_pair(text, start, runs, vocab) or _verb_pair(text, runs, verbs)
    governments = _governments(text, start, end, known)
    found = [r for r in found if not any(r.start < g.end and g.start < r.end for g in governments)] + governments
    found += _katakana_names(text, start, end, known)
    found += [h for h in _han_names(text, start, end, known)
              if not any(r.start < h.end and h.start < r.end for r in found)]
    spans = known + [(r.start, r.end) for r in found]
    found += [q for q in _quoted_names(text, start, end, spans)
              if not any(r.start < q.end and q.start < r.end for r in found)]
    return sorted(found, key=lambda r: r.start)


# A short name in quotes, as Russian, Ukrainian and Arabic news write company names
# («АГР», "أدنوك للتوزيع"). Quoted text is too often a product or a phrase to trust
# alone: it counts when another organisation is named right next to it.
_QUOTED = re.compile(r"[«„“\"]([^«»„“”\"\n]{2,40}?)[»“”\"]")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_NEXT_TO = re.compile(r"^\s*(?:,|و|and|и|і|та|a|e|et|y|und|ve|và|dan|与|和|及|과|와|،)?\s*$")


def _quoted_names(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> list[NameRun]:
    """Quoted names of at most four words next to another organisation or quoted name."""
    quoted = [m for m in _QUOTED.finditer(text, start, end)
              if len(m.group(1).split()) <= 3 and not m.group(1)[:1].islower()
              and not _CJK_CHAR.search(m.group(1))  # a quote in CJK text is a phrase or a product
              and not any(s < m.end(1) and m.start(1) < e for s, e in spans)]
    others = spans + [(m.start(), m.end()) for m in quoted]
    found = []
    for m in quoted:
        if any(_NEXT_TO.match(text[e:m.start()]) or _NEXT_TO.match(text[m.end():s])
               for s, e in others if (s, e) != (m.start(), m.end()) and (e <= m.start() or s >= m.end())):
            found.append(NameRun(m.start(1), m.end(1), m.group(1).strip(), True))
    return found


# Japanese writes foreign companies in katakana; a run introduced by a country prefix or a
# descriptor ("独ブラント", "新興エコドライブ", "スタートアップのケストレル") names one.
_KATAKANA_NAME = re.compile(r"(?:[米独仏英韓中台印伊]|新興|スタートアップの?|メーカーの?|新興企業の?)"
                            r"([ァ-ヺ][ァ-ヺー・]{2,15})")


# Chinese and Japanese company names end in a sector word ("大運汽車", "亿纬动力", "富士機工"):
# a short Han run ending in one, between delimiters or coordinators, names a company.
_HAN_SUFFIXES = ("汽车|汽車|动力|動力|科技|集团|集團|能源|锂能|鋰能|电气|電氣|重工|机械|機械|"
                 "半导体|半導體|零部件|物流|银行|銀行|航空|实业|實業|工业|工業|机工|機工|自動車|電機|電工|"
                 "製作所|化学|化學|商事|産業|精工|技研|電装|物産|紡織|製鋼|製鉄|控股|股份")
_HAN_NAME = re.compile(rf"(?:(?<![\u4e00-\u9fff\u3040-\u30ff])|(?<=[与與和及同跟、とや]))([\u4e00-\u9fff]{{2,6}}?(?:{_HAN_SUFFIXES}))"
                       r"(?=子公司|旗下|[与與和及同跟、とらや签簽宣达達将將拟擬携攜联聯共合成设設]|[^\u4e00-\u9fff]|$)")
# Words that open a generic phrase, not a name ("新能源汽车", "两家公司").
_HAN_GENERIC = re.compile(r"^(?:新能源|新エネ|电动|電動|電気|大手|智能|国内|國內|国外|國外|全球|世界|两家|兩家|双方|雙方|该|該|本|各|多家|"
                          r"传统|傳統|合资|合資|中外|外资|外資|日系|德系|美系|韩系|韓系|国产|國產|車載|车载|燃料|角形|全固体|"
                          r"固态|固態|动力|動力|储能|儲能|锂电|鋰電|纯电|純電|混动|混動|氢能|氫能|乘用|商用|重型|轻型|新型|"
                          r"次世代|自動運転|自动驾驶|自動駕駛|汽车|汽車)")


# A government signs memoranda too ("signed an MoU with the State Government of Maharashtra").
_PLACE = rf"[{UPPER}][\w-]+(?:\s+[{UPPER}][\w-]+){{0,2}}"
_GOVERNMENT = re.compile(rf"\b(?:(?:State|Federal|Central|Provincial|Regional|Union)\s+)?Government\s+of\s+"
                         rf"(?:the\s+)?({_PLACE})|\b({_PLACE})\s+(?:state\s+)?government\b")


def _governments(text: str, start: int, end: int, known: list[tuple[int, int]]) -> list[NameRun]:
    """'Government of X', 'X government' next to another organisation, named 'Government of X'."""
    if not known:
        return []
    vocab = load_vocabulary()
    return [NameRun(m.start(), m.end(), f"Government of {m.group(1) or m.group(2)}", True)
            for m in _GOVERNMENT.finditer(text, start, end)
            if not any(s < m.end() and m.start() < e for s, e in known)
            and not (m.group(2) and fold(m.group(2).split()[0]) in vocab.not_org | _NATIONAL)]


# "the Indian government", "the French state": a country's government approves or owns, it is
# named as a regulator or a shareholder far more often than as a side.
_NATIONAL = frozenset({"indian", "chinese", "japanese", "german", "french", "italian", "spanish", "korean",
                       "american", "british", "russian", "us", "u.s.", "uk", "federal", "central", "local",
                       "the", "a", "national", "state", "india", "china", "japan", "germany", "france"})


def _han_names(text: str, start: int, end: int, known: list[tuple[int, int]]) -> list[NameRun]:
    """Han company names the gazetteer lacks, when the sentence has two sides."""
    if text[start:end].isascii():
        return []
    runs = [NameRun(m.start(1), m.end(1), m.group(1), True) for m in _HAN_NAME.finditer(text, start, end)
            if not _HAN_GENERIC.match(m.group(1))]
    if runs:  # "富士機工、タチエスらと": a katakana name listed with it
        runs += [NameRun(m.start(1), m.end(1), m.group(1), True) for m in _KATAKANA_LISTED.finditer(text, start, end)]
    runs = [r for r in runs if not any(s < r.end and r.start < e for s, e in known)]
    return runs if len(runs) + len(known) >= 2 else []


_KATAKANA_LISTED = re.compile(r"(?<=[、と])([ァ-ヺ][ァ-ヺー・]{2,15})(?=[らとや、]|など)")


def _katakana_names(text: str, start: int, end: int, known: list[tuple[int, int]]) -> list[NameRun]:
    """Katakana company names introduced as organisations (see _KATAKANA_NAME)."""
    if text[start:end].isascii():
        return []
    return [NameRun(m.start(1), m.end(1), m.group(1).strip("・"), True)
            for m in _KATAKANA_NAME.finditer(text, start, end)
            if not any(s < m.end(1) and m.start(1) < e for s, e in known)]


def _coordinated_pair(text: str, start: int, runs: list[NameRun], vocab: OrgVocabulary) -> list[NameRun]:
    """'Pertamina Patra Niaga dan VoltaMotor Nusantara teken MoU': in a deal sentence that names no
    known organisation, two names joined by "and" are the two sides when both have several
    words, or when they open the clause as its subject ("...: Voltway und Rastwerk kooperieren")."""
    for first, second in zip(runs, runs[1:]):
        gap = fold(text[first.end:second.start]).split()
        if len(gap) != 1 or gap[0] not in vocab.coordinators:
            continue
        if (" " in first.name and " " in second.name) or _opens_clause(text, start, first.start):
            return [first, second]
    return []


def _verb_pair(text: str, runs: list[NameRun], verbs) -> list[NameRun]:
    """'FAWER übernimmt ABC Umformtechnik': a headline's deal verb alone between two names that
    look like companies (several words, or an acronym; a lone German noun is no company)."""
    for first, second in zip(runs, runs[1:]):
        gap = text[first.end:second.start].strip()
        if any(text[s:e] == gap for s, e in verbs) and all(_looks_like_company(r) for r in (first, second)):
            return [first, second]
    return []


def _looks_like_company(run: NameRun) -> bool:
    return " " in run.name or (run.name.isupper() and len(run.name) >= 3)


def _opens_clause(text: str, start: int, pos: int) -> bool:
    """Nothing but a headline's kicker ("Schnellladen an der Autobahn:") before `pos`."""
    before = text[start:pos]
    cut = max(before.rfind(c) for c in ":|–—")
    return not before[cut + 1:].strip()


def _is_media(run: NameRun, vocab: OrgVocabulary) -> bool:
    return fold(run.name.split()[-1]) in vocab.media_endings


def _trim(text: str, start: int, end: int, vocab: OrgVocabulary,
          not_names: frozenset[str]) -> NameRun | None:
    """The run without leading news words ("The", "Analysts") and legal forms."""
    words = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
    if words and _ELIDED.match(text, words[0][0]):  # "l'équipementier Carel": the article goes
        words[0] = (_ELIDED.match(text, words[0][0]).end(), words[0][1])
    if len(words) == 1 and _folded(text, words[0]) in not_names:
        return None  # the common case: "The", "Analysts", "However"
    introduced = False
    # "Münchner Start-up Ecodrive": the name follows the last descriptor inside the run
    inner = [i for i, w in enumerate(words[:-1]) if _folded(text, w) in vocab.descriptors
             and _folded(text, w) not in vocab.org_words]
    if inner:
        words, introduced = words[inner[-1] + 1:], True
    while words and (text[words[0][0]].islower() or not _has_letters(text, words[0])):
        words.pop(0)  # "Partner für Batteriewerk Salzgitter", "President & CEO X": no name opens so
        introduced = False
    # A descriptor that is also a corporate word ("Bank Mandiri") belongs to the name, and so
    # does a place that opens a full corporate name ("Indonesia Battery Corporation").
    plain, corporate = _leading_words(not_names)
    leading = plain
    if len(words) > 1 and _folded(text, words[-1]) in vocab.corporate_endings:
        leading = corporate
    while len(words) > 1 and (_folded(text, words[0]) in leading or _place_possessive(text, words[0], plain)
                              or not _has_letters(text, words[0])) \
            or words and _folded(text, words[0]) in not_names:
        introduced |= _folded(text, words.pop(0)) in vocab.descriptors
    while words and _folded(text, words[-1]) in vocab.legal_forms:
        words.pop()
    if not words:
        return None
    name = _SUFFIX.sub("", text[words[0][0]:words[-1][1]]).rstrip(".,'’")
    name = _HYPHEN_GROUP.sub("", name)  # "MOL-csoport" is MOL
    if len(words) == 1 and (fold(name) in not_names or fold(name) in vocab.not_org):
        return None  # "Slovakya'nın" is Slovakia
    if len(name) < 2 or len(name) > _MAX_NAME_CHARS or name.isdigit():
        return None
    if len(words) == 1 and (_folded(text, words[0]) in vocab.org_words or name.isupper() and len(name) <= 2):
        return None  # "Bank", "AI": a corporate word or a tiny acronym alone names nobody
    return NameRun(words[0][0], words[0][0] + len(name), name, introduced)


@lru_cache(maxsize=4)
def _leading_words(not_names: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Words dropped from the start of a run: before any name, and before a corporate name."""
    vocab = load_vocabulary()
    descriptors = vocab.descriptors - vocab.org_words
    return (not_names | vocab.not_org | vocab.legal_prefixes | descriptors,
            _FUNCTION_WORDS | vocab.legal_prefixes | descriptors)


def _has_letters(text: str, span: tuple[int, int]) -> bool:
    """False for a symbol left between words ("President & CEO Acme": the "&")."""
    return any(c.isalnum() for c in text[span[0]:span[1]])


def _place_possessive(text: str, span: tuple[int, int], plain: frozenset[str]) -> bool:
    """'Switzerland's' opens 'Switzerland's Leclanche SA': a place's possessive is no part of the name."""
    word = text[span[0]:span[1]]
    return word.endswith(("'s", "’s")) and _folded(text, span) in plain


def _folded(text: str, span: tuple[int, int]) -> str:
    return _SUFFIX.sub("", fold(text[span[0]:span[1]])).strip(".,;:'’\"()")


def _is_person(run: NameRun, given_names: frozenset[str]) -> bool:
    """'Mary Barra', 'Luca de Meo': a given name opens the run."""
    first = fold(run.name.split()[0])
    return first in given_names and " " in run.name


def _qualifies(text: str, run: NameRun, start: int, end: int, known: list[tuple[int, int]],
               vocab: OrgVocabulary) -> bool:
    """A corporate word or legal form, or coordination with a named organisation."""
    words = [fold(w).strip(".,;:'’\"()") for w in run.name.split()]
    if run.introduced or any(w in vocab.org_words for w in words):
        return True  # "Turkish Airlines"
    if len(words) > 1 and any(w.endswith(_long_org_words(vocab.org_words)) for w in words):
        return True  # "Electromobility Poland"; one such word is a noun ("Elektromobilität")
    if _HYPHEN_GROUP.search(text, run.end, run.end + 12) and text[run.end:run.end + 1] == "-":
        return True  # "MOL-csoport"
    if _CJK_INTRO.search(text, max(start, run.start - 8), run.start):
        return True  # "自动驾驶初创公司Aurion Robotics", "米Aurion"
    before = [w.strip(",;:'’\"()") for w in fold(text[max(start, run.start - 40):run.start]).split()]
    if before and _is_descriptor(before[-1], vocab):
        return True  # "component maker Aravali Motion", "hãng VinFast", "waterstofstart-up H2Flow"
    if any(w in _PARTNER_WITH for w in before[-3:]) and _deal_word_before(text, start, run.start):
        return True  # "a licensing agreement with China's Wanli Transmission"
    after = re.match(r"[\s,]*(\S+(?:\s+\S+)?)", text[run.end:min(end, run.end + 20)])
    if after and any(fold(t).strip(".,;:()") in vocab.legal_forms and not t.islower()
                     for t in after.group(1).split()[:1]):
        return True
    return _coordinated(text, run, known, vocab)


# "with" before a partner's name, after the deal is named ("an agreement with X").
_PARTNER_WITH = frozenset({"with", "mit", "avec", "con", "com", "met", "ile", "med", "cu", "dengan",
                           "bersama", "với", "с", "з", "s", "z"})
_DEAL_NOUN = re.compile(r"agreement|partnership|venture|deal|contract|memorandum|alliance|"
                        r"vereinbarung|vertrag|partnerschaft|accord|acuerdo|accordo|acordo|"
                        r"overeenkomst|umow|smlouv|zmluv|avtal|anlaşma|acord|megállapod|perjanjian|"
                        r"kerja sama|thỏa thuận|соглашени|договор|угод|licen|joint", re.IGNORECASE)


def _deal_word_before(text: str, start: int, pos: int) -> bool:
    return bool(_DEAL_NOUN.search(text, start, pos))


def _is_descriptor(word: str, vocab: OrgVocabulary) -> bool:
    """A descriptor noun, inflected ("skupinou", "spółką") or ending a compound ("waterstofstart-up")."""
    if word in vocab.descriptors:
        return True
    stems, endings = _descriptor_forms(vocab.descriptors)
    return word.endswith(endings) or any(word[:k] in stems for k in range(5, min(len(word), 16)))


@lru_cache(maxsize=2)
def _long_org_words(org_words: frozenset[str]) -> tuple[str, ...]:
    """Corporate words long enough to end a compound ("electromobility", "autotechnik")."""
    return tuple(w for w in org_words if len(w) >= 6)


@lru_cache(maxsize=2)
def _descriptor_forms(descriptors: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Stems (a case ending off) and compound endings of the longer descriptor nouns."""
    long = [d for d in descriptors if len(d) >= 6]
    return frozenset(d[:-1] for d in long), tuple(long)


def _coordinated(text: str, run: NameRun, known: list[tuple[int, int]], vocab: OrgVocabulary) -> bool:
    """'<known> and <run>' or '<run> and <known>', at most two words apart."""
    for s, e in known:
        if e <= run.start:
            gap = text[e:run.start]
        elif s >= run.end:
            gap = text[run.end:s]
        else:
            continue
        words = [fold(w).strip(".,;:'’\"()") for w in gap.split()]
        if 1 <= len(words) <= 3 and words[-1 if e <= run.start else 0] in vocab.coordinators:
            return True
        if 2 <= len(words) <= 3 and e <= run.start and words[0] in vocab.coordinators:
            return True  # "MOL és a kínai EVE Energy": an article and an adjective between
        if not words and gap.strip() in ("-", "–", "/", "+"):
            return True  # "Toyota-Acme tie-up"
    return False


# Group words dropped from the end of a reported name: analysts call "Coşkunöz Holding"
# Coşkunöz and "Saryarka Motors Group" Saryarka Motors.
_GROUP_WORDS = frozenset({"holding", "holdings", "group", "gruppe", "grupo", "groupe", "gruppo",
                          "groep", "grup", "grubu", "grupa", "skupina", "koncern", "konzern", "koncernen"})
# Swedish and Danish glue the group word on: "Volvokoncernen" is Volvo.
_GLUED_GROUP = re.compile(r"(?<=\w{3})(?:koncernen|koncernens|konzerns?)$", re.IGNORECASE)


def strip_legal_form(name: str) -> str:
    """'Acme Robotics GmbH' -> 'Acme Robotics' (as reported for an unresolved party)."""
    vocab = load_vocabulary()
    words = name.split()
    while len(words) > 1 and (fold(words[-1]).strip(".,") in vocab.legal_forms
                              or fold(words[-1]) in _GROUP_WORDS):
        words.pop()
    while len(words) > 1 and fold(words[0]).strip(".,") in vocab.legal_prefixes:
        words.pop(0)
    if len(words) == 1:
        words[0] = _GLUED_GROUP.sub("", words[0])
    return " ".join(words).rstrip(",")
