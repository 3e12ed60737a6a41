"""Bad input never raises out of the classifier; results always keep the contract."""

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify import MAX_TEXT_CHARS, classify_article, find_mentions
from pipeline.classify.contract import classify_lines
from pipeline.models import DEAL_STATUSES, DEAL_TYPES, FOCUS_AREAS

SEED = ("Honda and Nissan signed a memorandum of understanding on Monday. 本田と日産は提携。"
        "Хонда и Ниссан подписали меморандум. Harrison Ford. Smart Seat Genesis.")


def _check(result, text):
    assert 0.0 <= result.confidence <= 1.0
    assert result.deal_type is None or result.deal_type in DEAL_TYPES
    assert result.status is None or result.status in DEAL_STATUSES
    assert set(result.focus_areas) <= set(FOCUS_AREAS)
    if isinstance(text, str):
        assert all(sentence in text for sentence in result.evidence)


@st.composite
def mutated(draw):
    """The seed text with random slices replaced, inserted or deleted."""
    text = SEED
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 20)))
        text = text[:i] + draw(st.text(max_size=12)) + text[j:]
    return text


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=400), mutated()), st.one_of(st.none(), st.text(max_size=80)))
def test_random_and_mutated_text_never_raises(text, title):
    result = classify_article(text, title=title)
    _check(result, text)
    assert isinstance(find_mentions(text), dict)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=200),
                 st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(), st.text())),
       st.one_of(st.none(), st.integers(), st.binary(max_size=20), st.text(max_size=20)),
       st.one_of(st.none(), st.text(max_size=10), st.dates(), st.datetimes(), st.integers()))
def test_wrong_types_never_raise(text, title, published):
    result = classify_article(text, title=title, url=123, published=published)
    _check(result, None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=5))
def test_contract_answers_every_line(lines):
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    assert len(list(classify_lines(lines))) == len(lines)


def test_empty_binary_and_huge_inputs():
    assert not classify_article("").is_alliance
    assert not classify_article("\x00\x01\xff junk \ud800").is_alliance
    junk = bytes(range(256)) * 40
    assert not classify_article(junk).is_alliance
    huge = "Honda and Nissan signed a memorandum of understanding. " + "Filler text. " * 200_000
    result = classify_article(huge, title="Honda, Nissan sign MoU", published=date(2024, 3, 15))
    assert result.is_alliance and result.deal_type == "mou"
    assert sum(result.mentions.values()) <= MAX_TEXT_CHARS
    assert classify_article("x", published=datetime(2024, 1, 1)).event_date == date(2024, 1, 1)


@settings(max_examples=150, deadline=None)
@given(mutated(), st.text(max_size=40))
def test_the_rules_themselves_do_not_raise(text, title):
    """classify_article's safety net must not be what keeps these green."""
    from pipeline.classify import _classify
    _classify(text, title, None)
