"""One Aho-Corasick pass finding organisation names and vocabulary terms in text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from pipeline.classify.gazetteer import Gazetteer, Organisation, load_gazetteer
from pipeline.classify.lexicon import Lexicon, load_lexicon
from pipeline.classify.text import ANYWHERE_RANGES, fold, is_anywhere_char, is_word_char

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CYRILLIC_ENDING = 3  # Russian case endings: Хонда, Хонды, Хондой
_CYRILLIC_VOWELS = "аяоеыийь"
# Case endings of Polish, Czech, Slovak, Hungarian and Romanian on Latin names of five
# letters or more (Nissana, Nissanem, Nissanowi, Nissannal, Nissanului); none makes an
# English word of a gazetteer name. Turkish sets its endings off (Toyota'nın).
_LATIN_ENDINGS = frozenset("""a u em om ie owi ovi nal nel val vel nak nek ban ben ul ului
    ot et hoz hez nál nél ra re ról ről tól től""".split())
# A name ending in -a declines on its stem: Toyoty, Toyotę, Toyotą, Toyotou, Toyotával.
_LATIN_STEM_ENDINGS = frozenset("""y ę ą u ou ě e i ei ie ával ának át ában ából ához ánál
    ára áról ától áért ája ájá""".split())
_NOT_STEMS = frozenset({"moment", "hell", "asian", "magn"})  # words themselves (momentu)
# Four-letter names take the commonest Slavic endings only (Forda, Fordem, Fordowi).
_SHORT_ENDINGS = frozenset("a em u owi ovi om".split())
_NOT_DECLINED = frozenset({"sony"})  # Sonya is a given name
# Every non-word character of space-separated scripts becomes a space (same length).
_CJK_START = 0x2E80
# A CJK, Thai or Arabic character is a word edge too ("与Stellantis合作"). A str table:
# str.translate is faster with it than with a dict; characters past its end stay as they are.
_EDGES = "".join(chr(c) if c < _CJK_START and is_word_char(chr(c)) else " " for c in range(0x10000))
# Text in the scripts matched anywhere: CJK, kana and Hangul; Thai and Arabic (their
# keys have automatons of their own, run only on text in those scripts).
_CJK = re.compile("[\u2e80-\U0010ffff]")
_THAI_ARABIC = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ANYWHERE_RANGES) + "]")


@dataclass(frozen=True)
class AliasRule:
    """How one folded alias of one organisation may match."""

    org: Organisation
    variants: dict  # exact spellings allowed -> whether that spelling is ambiguous; empty = any case
    cyrillic: bool
    endings: frozenset = frozenset()  # case endings allowed right after the key (Latin)


@dataclass(slots=True)
class Mention:
    """An organisation named at text[start:end]; `ambiguous` needs sentence context."""

    start: int
    end: int
    org: Organisation
    ambiguous: bool


@dataclass(slots=True)
class TermHit:
    """A vocabulary term at text[start:end]."""

    start: int
    end: int
    category: str
    value: str
    weight: float
    particle: str = ""  # a separable verb's particle, looked for later in the sentence


@dataclass(frozen=True)
class Matcher:
    """The compiled automaton; payloads are (key length, alias rules, terms)."""

    names: object  # names in space-separated scripts, matched on space-edged text
    terms: object  # vocabulary in those scripts, matched on the lead only
    cjk_names: object  # names with CJK/kana/Hangul characters, matched on folded text
    cjk_terms: object  # vocabulary in those scripts, matched on the lead only
    gazetteer: Gazetteer
    lexicon: Lexicon
    other_names: object = None  # names in Thai or Arabic script (no CJK), on folded text
    other_terms: object = None  # vocabulary in those scripts, on the lead only


def _alias_rules(org: Organisation) -> dict[str, AliasRule]:
    flagged = {**{a: False for a in org.exact_case}, **{a: True for a in org.ambiguous}}
    by_key: dict[str, dict] = {}
    for alias in (org.name, *org.aliases, *flagged):
        if len(alias) <= 3 and alias.isupper() and alias.isascii():
            flagged.setdefault(alias, False)  # GM, VW, MG: capitals only
        by_key.setdefault(fold(alias), {})[alias] = flagged.get(alias)
    rules = {}
    for key, spellings in by_key.items():
        strict = any(flag is not None for flag in spellings.values())
        variants = {s: bool(flag) for s, flag in spellings.items()} if strict else {}
        cyrillic = bool(_CYRILLIC.search(key))
        latin = not cyrillic and not variants and len(key) >= 4 and key[-1].isalpha() \
            and key[-1].isascii() and key not in _NOT_DECLINED
        endings = (_LATIN_ENDINGS if len(key) >= 5 else _SHORT_ENDINGS) if latin else frozenset()
        rules[key] = AliasRule(org, variants, cyrillic, endings)
        if cyrillic and key[-1] in _CYRILLIC_VOWELS and len(key) > 4 and not variants:
            rules.setdefault(key[:-1], AliasRule(org, {}, True))  # Тойота -> Тойоты, Тойоте
        elif latin and len(key) >= 5 and key[-1] == "a" and " " not in key \
                and key[:-1] not in _NOT_STEMS:
            for ending in _LATIN_STEM_ENDINGS:  # Toyota -> Toyoty, Toyotą, Toyotával: whole words
                rules.setdefault(key[:-1] + ending, AliasRule(org, {}, False))
    return rules


def _is_spaced_script(key: str) -> bool:
    return not any(is_anywhere_char(c) for c in key)


def _automaton_key(key: str, right: bool) -> str:
    """Keys of space-separated scripts get word edges as spaces ("ev" -> " ev ") so the
    automaton reports whole words only; keys with CJK characters stay as they are."""
    if not _is_spaced_script(key):
        return key
    key = key.translate(_EDGES)
    return " " + key + (" " if right and is_word_char(key[-1]) else "")


def _build(entries: dict[str, tuple[list, dict]]):
    automaton = ahocorasick.Automaton()
    for key, (rules, terms) in entries.items():
        if len(key.strip()) >= 2 or not key.isascii():
            lead, trail = key.startswith(" "), key.endswith(" ")
            latin_start = not lead and is_word_char(key[0])  # "LG에너지솔루션": edge still to check
            automaton.add_word(key, (len(key), lead, trail, latin_start, tuple(rules),
                                     tuple(terms.values())))
    if len(automaton):
        automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1)
def load_matcher() -> Matcher:
    """Automatons over every alias of the gazetteer and every lexicon term."""
    gazetteer, lexicon = load_gazetteer(), load_lexicon()
    entries: dict[str, tuple[list, dict]] = {}
    for org in gazetteer:
        for key, rule in _alias_rules(org).items():
            # aliases take their right edge after matching: Toyotas, Хонды
            entries.setdefault(_automaton_key(key, right=False), ([], {}))[0].append(rule)
    for term in lexicon.terms:  # one entry per key and meaning, even if several languages list it
        same = entries.setdefault(_automaton_key(term.key, right=not term.prefix), ([], {}))[1]
        old = same.get((term.category, term.value))
        if old is None or old.weight < term.weight:
            same[(term.category, term.value)] = term
    for key, (_, terms) in entries.items():  # "memorandum" next to "memorandum*": one hit
        prefix = entries.get(key[:-1]) if key.endswith(" ") else None
        for meaning, term in list(terms.items()):
            other = prefix[1].get(meaning) if prefix else None
            if other is not None and other.weight >= term.weight:
                del terms[meaning]
    # Names are looked for in the whole text, vocabulary only in the lead: separate
    # automatons, and separate ones again for CJK keys (those scripts have many first
    # characters, which slows an automaton down).
    def part(spaced: bool, names: bool, cjk: bool = True) -> dict:
        return {k: (rules, {}) if names else ([], terms) for k, (rules, terms) in entries.items()
                if k.startswith(" ") == spaced and (rules if names else terms)
                and (spaced or bool(_CJK.search(k)) == cjk)}

    return Matcher(_build(part(True, True)), _build(part(True, False)),
                   _build(part(False, True)), _build(part(False, False)), gazetteer, lexicon,
                   _build(part(False, True, cjk=False)), _build(part(False, False, cjk=False)))


def _alias_end(text: str, start: int, end: int, rule: AliasRule) -> int | None:
    """End of an alias match (with an allowed ending), or None when it is inside a word."""
    if is_word_char(text[start]) and start > 0 and is_word_char(text[start - 1]):
        return None
    if end >= len(text) or not is_word_char(text[end - 1]) or not is_word_char(text[end]):
        return end
    if rule.endings:
        stop = end
        while stop < len(text) and stop - end <= 4 and is_word_char(text[stop]):
            stop += 1
        ending = text[end:stop].lower()
        doubled = ending[1:] in ("al", "el") and ending[0] == text[end - 1].lower()
        if ending in rule.endings or doubled:  # Hungarian doubles a final consonant: Northvolttal
            return stop
    if rule.cyrillic:
        stop = end
        while stop < len(text) and stop - end <= _CYRILLIC_ENDING and is_word_char(text[stop]):
            stop += 1
        return stop if stop - end <= _CYRILLIC_ENDING else None
    plural = text[end] in "sS" and (end + 1 >= len(text) or not is_word_char(text[end + 1]))
    return end + 1 if plural and not rule.variants else None


def _alias_mention(text: str, start: int, end: int, rule: AliasRule) -> Mention | None:
    stop = _alias_end(text, start, end, rule)
    if stop is None:
        return None
    ambiguous = False
    if rule.variants:
        spelled = text[start:end]
        if spelled in rule.variants:
            ambiguous = rule.variants[spelled]
        elif spelled.upper() == spelled and any(v.upper() == spelled for v in rule.variants):
            ambiguous = any(rule.variants[v] for v in rule.variants if v.upper() == spelled)
        else:
            return None
    return Mention(start, stop, rule.org, ambiguous)


def _cjk_matches(automaton, folded: str, end: int) -> list:
    """Keys with CJK (Thai, Arabic) characters; a key that begins in Latin ("LG에너지솔루션")
    needs an edge, and so does an Arabic key (after its clitics)."""
    found = []
    if not len(automaton) or end <= 0:
        return found
    for last, (length, _, _, latin_start, rules, terms) in automaton.iter(folded, 0, end):
        start = last - length + 1
        if latin_start and start > 0 and is_word_char(folded[start - 1]):
            continue
        if _is_arabic(folded[start]) and not _arabic_edges(folded, start, last + 1, rules, terms):
            continue
        found.append((start, last + 1, rules, terms))
    return found


# Arabic writes conjunctions, prepositions and the article onto the next word: a key
# may follow these (والشراكة, بالاستحواذ, لتويوتا) but not other letters (تركيا is no كيا).
_ARABIC_CLITICS = ("وال", "بال", "فال", "كال", "ولل", "لل", "ال", "ول", "وب", "فل", "فب", "وك",
                   "و", "ف", "ب", "ل", "ك")


def _is_arabic(ch: str) -> bool:
    return "\u0620" <= ch <= "\u06ff" and not "\u0660" <= ch <= "\u066d" and ch not in "،؛؟۔"


def _arabic_edges(folded: str, start: int, end: int, rules, terms) -> bool:
    """A whole Arabic word, after clitics; a prefix term may continue (شراك* -> شراكتها)."""
    if start > 0 and _is_arabic(folded[start - 1]):
        if not any(folded.startswith(c, start - len(c)) and (
                start - len(c) == 0 or not _is_arabic(folded[start - len(c) - 1]))
                for c in _ARABIC_CLITICS):
            return False
    if end < len(folded) and _is_arabic(folded[end]):
        return bool(terms) and not rules and all(t.prefix for t in terms)
    return True


def _matches(matcher: Matcher, folded: str, lead_end: int) -> list:
    """(start, end, rules, terms) of every key found, word edges checked."""
    spaced = " " + folded.translate(_EDGES) + " "  # offsets shift by one
    found = [(last - length + lead, last - trail, rules, terms)
             for last, (length, lead, trail, _, rules, terms) in matcher.names.iter(spaced)]
    if lead_end > 0:
        found += [(last - length + lead, last - trail, rules, terms) for last, (
            length, lead, trail, _, rules, terms) in matcher.terms.iter(spaced, 0, lead_end + 2)]
    if not folded.isascii():
        if _CJK.search(folded):
            found += _cjk_matches(matcher.cjk_names, folded, len(folded))
            found += _cjk_matches(matcher.cjk_terms, folded, lead_end)
        if _THAI_ARABIC.search(folded):
            found += _cjk_matches(matcher.other_names, folded, len(folded))
            found += _cjk_matches(matcher.other_terms, folded, lead_end)
    return found


def scan(matcher: Matcher, text: str, folded: str, lead_end: int | None = None
         ) -> tuple[list[Mention], list[TermHit]]:
    """Organisation mentions (longest, non-overlapping) and term hits outside them.

    Vocabulary is looked for up to `lead_end` only (default: the whole text).
    """
    candidates: list[Mention] = []
    hits: list[TermHit] = []
    size = len(folded)
    lead_end = size if lead_end is None else lead_end
    for start, end, rules, terms in _matches(matcher, folded, lead_end):
        for rule in rules:
            if not rule.variants and (end == size or not is_word_char(text[end])):
                candidates.append(Mention(start, end, rule.org, False))  # the common case
            elif mention := _alias_mention(text, start, end, rule):
                candidates.append(mention)
        for term in terms:
            if not (term.hyphen_stop and end < size and folded[end] == "-"):
                hits.append(TermHit(start, end, term.category, term.value, term.weight, term.particle))
    mentions = _longest_first(candidates)
    hits.sort(key=_start)
    if mentions and hits:
        hits = _outside(hits, mentions)
    return mentions, hits


def _start(hit: TermHit) -> int:
    return hit.start


def _longest_first(candidates: list[Mention]) -> list[Mention]:
    candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
    chosen, reach = [], -1
    for mention in candidates:
        if mention.start >= reach:
            chosen.append(mention)
            reach = mention.end
    return chosen


def _outside(hits: list[TermHit], mentions: list[Mention]) -> list[TermHit]:
    """Drop terms inside a name ("Alliance for Automotive Innovation" is no alliance)."""
    covered = [(m.start, m.end) for m in mentions]
    out, i = [], 0
    for hit in hits:
        while i < len(covered) and covered[i][1] <= hit.start:
            i += 1
        if i < len(covered) and covered[i][0] < hit.end and hit.start < covered[i][1]:
            continue
        out.append(hit)
    return out
