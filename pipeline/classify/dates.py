"""The date an article says its event happened, relative to the publication date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_MONTHS = {m: i for i, names in enumerate((
    "jan january", "feb february", "mar march", "apr april", "may", "jun june",
    "jul july", "aug august", "sep sept september", "oct october", "nov november",
    "dec december"), start=1) for m in names.split()}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_ISO = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")
_CJK = re.compile(r"(?:(20\d\d)年)?(\d{1,2})月(\d{1,2})日")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(20\d\d))?\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\.?(?:\s+(20\d\d))?\b")
_WEEKDAY = re.compile(r"\bon\s+(" + "|".join(_WEEKDAYS) + r")\b")
_CJK_DAY = re.compile(r"(?<![\d月])(\d{1,2})日")  # Japanese/Chinese news: "13日" = the 13th


def _as_date(published) -> date | None:
    if isinstance(published, datetime):
        return published.date()
    return published if isinstance(published, date) else None


def _build(year, month: int, day: int, ref: date | None) -> date | None:
    """A date; a missing year is the one that puts it on or before the reference."""
    try:
        if year:
            return date(int(year), month, day)
        if ref is None:
            return None
        found = date(ref.year, month, day)
        return found if found <= ref + timedelta(days=1) else date(ref.year - 1, month, day)
    except ValueError:
        return None


def _explicit(sentence: str, ref: date | None) -> date | None:
    if m := _ISO.search(sentence):
        return _build(m.group(1), int(m.group(2)), int(m.group(3)), ref)
    if m := _CJK.search(sentence):
        return _build(m.group(1), int(m.group(2)), int(m.group(3)), ref)
    if m := _MONTH_DAY.search(sentence):
        return _build(m.group(3), _MONTHS[m.group(1)], int(m.group(2)), ref)
    if m := _DAY_MONTH.search(sentence):
        return _build(m.group(3), _MONTHS[m.group(2)], int(m.group(1)), ref)
    return None


def _day_only(sentence: str, ref: date | None) -> date | None:
    m = _CJK_DAY.search(sentence)
    if not m or ref is None:
        return None
    day = int(m.group(1))
    month = ref.replace(day=1) if day <= ref.day else (ref.replace(day=1) - timedelta(days=1))
    try:
        return month.replace(day=day)
    except ValueError:
        return None


def _weekday(sentence: str, ref: date | None) -> date | None:
    m = _WEEKDAY.search(sentence)
    if not m or ref is None:
        return None
    back = (ref.weekday() - _WEEKDAYS.index(m.group(1))) % 7
    return ref - timedelta(days=back)


def event_date(folded_sentences: list[str], published) -> date | None:
    """First date stated in the (folded) evidence sentences, else the publication date."""
    ref = _as_date(published)
    for sentence in folded_sentences:
        found = _explicit(sentence, ref) or _weekday(sentence, ref) or _day_only(sentence, ref)
        if found and (ref is None or found <= ref + timedelta(days=1)):
            return found
    return ref
