"""The classifier vocabulary (pipeline/data/classify_lexicon.yml) as matchable terms."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


from pipeline import yamlfile
from pipeline.classify.text import WORD_CLASS, fold, is_word_char

STRONG, WEAK = 2.0, 1.0
# A German or Dutch separable verb: its particle closes the clause, words away from the
# verb ("VDL neemt de Belgische concurrent over"), so the term is the verb plus a check.
SEPARABLE = " ... "
# What a `*` inside a multi-word term stands for: a case ending of that word (Polish,
# Czech, Slovak, Ukrainian adjectives and nouns: "wspóln* przedsięwzię*").
_LATIN_CASE_ENDINGS = ("", "a", "e", "ego", "ej", "emu", "ym", "ą", "ych", "i", "ymi", "y", "u",
                       "ów", "om", "ami", "ach", "ie", "ę", "o", "é", "ý", "á", "ou", "ého", "ému",
                       "ém", "ým", "ích", "ími", "ě", "em", "ov", "ovi", "ia")
_CYRILLIC_CASE_ENDINGS = ("", "а", "я", "о", "е", "и", "ы", "у", "ю", "ой", "ей", "ом", "ем", "ого",
                          "его", "ому", "ему", "ая", "ую", "ые", "ий", "ій", "і", "ї", "их", "іх",
                          "ими", "ами", "ах", "ів", "ам", "ої", "ою", "ий", "им", "ім")


@dataclass(frozen=True)
class Term:
    """A folded vocabulary entry; `prefix` terms match the start of a longer word,
    `hyphen_stop` terms do not match before a hyphen ("non" in "non-binding"), and a
    separable verb ("neemt ... over") counts only with its `particle` later in the sentence."""

    key: str
    category: str
    value: str
    weight: float = 1.0
    prefix: bool = False
    hyphen_stop: bool = False
    particle: str = ""


@dataclass(frozen=True)
class Lexicon:
    """Every term (found in one pass with the gazetteer) and the person-name lists."""

    terms: tuple[Term, ...]
    future: re.Pattern  # short lists, matched only in a few words or sentences
    hedges: re.Pattern
    event_words: re.Pattern
    person_titles: frozenset[str]
    given_names: frozenset[str]
    not_names: frozenset[str]


def _all_languages(by_lang: dict | None) -> list[str]:
    terms = [t for per_lang in (by_lang or {}).values() for t in (per_lang or ())]
    bad = [t for t in terms if not isinstance(t, str)]
    if bad:  # YAML reads a bare no/yes as a boolean: quote it in the data file
        raise ValueError(f"lexicon terms must be strings, got {bad!r}")
    return [form for term in terms for form in _inflected(term)]


def _inflected(term: str) -> list[str]:
    """A term with `*` inside ("wspóln* przedsięwzię*") as every form its starred inner
    words take with a case ending; the final `*` stays a prefix."""
    words = term.split(" ")
    if not any(w.endswith("*") for w in words[:-1]):
        return [term]
    options = []
    for word in words[:-1]:
        if not word.endswith("*"):
            options.append((word,))
            continue
        endings = _CYRILLIC_CASE_ENDINGS if re.search("[\u0400-\u04ff]", word) else _LATIN_CASE_ENDINGS
        options.append(tuple(dict.fromkeys(word[:-1] + e for e in endings)))
    return [" ".join((*combo, words[-1])) for combo in itertools.product(*options)]


def _make(raw: str, category: str, value: str, weight: float = 1.0, hyphen_stop: bool = False):
    raw, _, particle = raw.partition(SEPARABLE)
    key = fold(raw.strip())
    prefix = key.endswith("*")
    key = key.rstrip("*")
    if "*" in key:  # the automaton matches literal text: only a final * is supported
        raise ValueError(f"lexicon term {raw!r}: '*' is only allowed at the end")
    return Term(key, category, value, weight, prefix, hyphen_stop, fold(particle.strip())) if key else None


def _terms(data: dict) -> list[Term | None]:
    out = []
    for deal_type, grades in data["deal_types"].items():
        for grade, weight in (("strong", STRONG), ("weak", WEAK)):
            out += [_make(t, "deal", deal_type, weight) for t in _all_languages(grades.get(grade))]
    for category in ("generic_deal", "auto_words", "distractors", "background", "rivalry",
                     "new_entity", "boilerplate", "labour", "title_recap", "adoption", "operations", "news_day"):
        out += [_make(t, category, category) for t in _all_languages(data[category])]
    for name, by_lang in data["status"].items():
        out += [_make(t, "status", name) for t in _all_languages(by_lang)]
    for area, by_lang in data["focus"].items():
        out += [_make(t, "focus", area) for t in _all_languages(by_lang)]
    negation = data["negation"]
    out += [_make(t, "neg_before", "neg_before", hyphen_stop=True)
            for t in _all_languages(negation["before"])]
    out += [_make(t, "neg_after", "neg_after") for t in _all_languages(negation["after"])]
    out += [_make(t, "denial", "denial") for t in _all_languages(negation["sentence"])]
    return out


def _window_pattern(terms: list[str]) -> re.Pattern:
    """A regex for a short word list, applied to folded text a few words long.

    Word-edge checks wrap whole groups (not each word), which keeps the search fast.
    """
    words, prefixes, others = [], [], []
    for raw in sorted(set(terms), key=len, reverse=True):
        key = fold(raw.strip())
        body = re.escape(key.rstrip("*")).replace(r"\ ", r"\s+")
        if not is_word_char(key[0]):
            others.append(body)
        elif key.endswith("*") or not is_word_char(key[-1]):
            prefixes.append(body)
        else:
            words.append(body)
    edge = f"[{WORD_CLASS}]"
    groups = [f"(?<!{edge})(?:{'|'.join(words)})(?!{edge})" if words else "",
              f"(?<!{edge})(?:{'|'.join(prefixes)})" if prefixes else "",
              "|".join(others)]
    return re.compile("|".join(g for g in groups if g) or "(?!)")


@lru_cache(maxsize=1)
def _data() -> dict:
    raw = resources.files("pipeline").joinpath("data/classify_lexicon.yml").read_text("utf-8")
    return yamlfile.safe_load(raw)


def languages() -> tuple[str, ...]:
    """Language codes the lexicon covers (those with partnership words)."""
    return tuple(_data()["deal_types"]["strategic_alliance"]["strong"])


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon, parsed once."""
    data = _data()
    people = data["person_before"]
    return Lexicon(
        terms=tuple(t for t in _terms(data) if t is not None),
        future=_window_pattern(_all_languages(data["future"])),
        hedges=_window_pattern(_all_languages(data["hedges"])),
        event_words=_window_pattern(_all_languages(data["event_words"])),
        person_titles=frozenset(fold(t) for t in people["titles"]),
        given_names=frozenset(fold(t) for t in people["given_names"]),
        not_names=frozenset(fold(str(t)) for t in data["not_names"]))
