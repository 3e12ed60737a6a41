"""The classifier vocabulary (pipeline/data/classify_lexicon.yml) as terms and regexes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from pipeline.classify.text import WORD_CLASS, fold

STRONG, WEAK = 2.0, 1.0
_NOT_WORD_BEFORE = f"(?<![{WORD_CLASS}])"
_NOT_WORD_AFTER = f"(?![{WORD_CLASS}])"


@dataclass(frozen=True)
class Term:
    """A folded vocabulary entry; `prefix` terms match the start of a longer word."""

    key: str
    category: str
    value: str
    weight: float
    prefix: bool


def _split(term: str) -> tuple[str, bool]:
    term = fold(str(term).strip())
    return (term[:-1], True) if term.endswith("*") else (term, False)


def _all_languages(by_lang: dict | None) -> list[str]:
    terms = [t for per_lang in (by_lang or {}).values() for t in (per_lang or ())]
    bad = [t for t in terms if not isinstance(t, str)]
    if bad:  # YAML reads a bare no/yes as a boolean: quote it in the data file
        raise ValueError(f"lexicon terms must be strings, got {bad!r}")
    return terms


def _is_spaced_script(ch: str) -> bool:
    return ord(ch) < 0x2E80


def compile_terms(terms: list[str], hyphen_ends: bool = True) -> re.Pattern:
    """One regex matching any of `terms` on folded text, honouring word edges and `*`.

    With hyphen_ends=False a term followed by a hyphen does not match ("non-binding").
    """
    after = _NOT_WORD_AFTER if hyphen_ends else f"(?![{WORD_CLASS}-])"
    parts = []
    for raw in sorted(set(terms), key=len, reverse=True):
        key, prefix = _split(raw)
        if not key:
            continue
        body = re.escape(key).replace(r"\ ", r"\s+")
        if _is_spaced_script(key[0]):
            body = _NOT_WORD_BEFORE + body
        if _is_spaced_script(key[-1]) and not prefix:
            body += after
        parts.append(body)
    return re.compile("|".join(parts) if parts else r"(?!x)x")


@dataclass(frozen=True)
class Lexicon:
    """Automaton terms (deal words, auto words, distractors) and per-sentence regexes."""

    terms: tuple[Term, ...]
    status: dict[str, re.Pattern]
    focus: dict[str, re.Pattern]
    negation_before: re.Pattern
    negation_after: re.Pattern
    denial: re.Pattern
    future: re.Pattern
    hedge_before: re.Pattern
    background: re.Pattern
    rivalry: re.Pattern
    person_titles: frozenset[str]
    given_names: frozenset[str]
    not_names: frozenset[str]


def _terms(data: dict) -> list[Term]:
    out = []
    for deal_type, grades in data["deal_types"].items():
        for grade, weight in (("strong", STRONG), ("weak", WEAK)):
            for raw in _all_languages(grades.get(grade)):
                key, prefix = _split(raw)
                out.append(Term(key, "deal", deal_type, weight, prefix))
    for category in ("generic_deal", "auto_words", "distractors"):
        for raw in _all_languages(data[category]):
            key, prefix = _split(raw)
            out.append(Term(key, category, category, 1.0, prefix))
    return [t for t in out if t.key]


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon, parsed and compiled once."""
    raw = resources.files("pipeline").joinpath("data/classify_lexicon.yml").read_text("utf-8")
    data = yaml.safe_load(raw)
    status = {name: compile_terms(_all_languages(by_lang)) for name, by_lang in data["status"].items()}
    focus = {name: compile_terms(_all_languages(by_lang)) for name, by_lang in data["focus"].items()}
    neg = data["negation"]
    people = data["person_before"]
    return Lexicon(
        terms=tuple(_terms(data)), status=status, focus=focus,
        negation_before=compile_terms(_all_languages(neg["before"]), hyphen_ends=False),
        negation_after=compile_terms(_all_languages(neg["after"])),
        denial=compile_terms(_all_languages(neg["sentence"])),
        future=compile_terms(_all_languages(data["future"])),
        hedge_before=compile_terms(_all_languages(data["hedges"])),
        background=compile_terms(_all_languages(data["background"])),
        rivalry=compile_terms(_all_languages(data["rivalry"])),
        person_titles=frozenset(fold(t) for t in people["titles"]),
        given_names=frozenset(fold(t) for t in people["given_names"]),
        not_names=frozenset(fold(str(t)) for t in data["not_names"]))
