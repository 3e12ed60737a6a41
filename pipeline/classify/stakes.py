"""The size of a stake a deal sentence states ("a 4.99% stake", "20 per cent of").

Analysts track stakes: an acquisition record carries the percentage when the
headline sentences state one next to a stake word.
"""

from __future__ import annotations

import re

# A number followed by a percent sign or word, in the languages the lexicon covers.
_PERCENT = re.compile(
    r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,3})?|100)\s?(?:%|％|percent\b|per\s?cent\b|pct\b|prozent\b|"
    r"pour\s?cent\b|por\s?ciento\b|per\s?cento\b|por\s?cento\b|procent\w*|процент\w*|"
    r"відсот\w*|yüzde|persen\b|phần\s?trăm|퍼센트|프로)", re.IGNORECASE)
# Turkish writes the percent sign first ("%20 hisse").
_PERCENT_BEFORE = re.compile(r"(?:%|yüzde\s?)(\d{1,2}(?:[.,]\d{1,3})?)(?![\d])", re.IGNORECASE)
# Words of a stake near the number; anything else (a sales share, a growth rate) is not.
STAKE_WORDS = re.compile(
    r"stake|holding|shares?\b|equity|interest in|anteil|beteiligung|participation|participación|"
    r"participação|partecipazione|quota|aandeel|belang|udział|podíl|andel|hisse|pay\b|"
    r"acțiuni|participați|részesedés|részvény|частк|долю|доли|пакет|saham|kepemilikan|cổ phần|"
    r"株|出資|持股|股份|股权|지분|หุ้น|حصة|हिस्सेदारी", re.IGNORECASE)
_WINDOW = 60  # characters either side of the number where a stake word must be


def stake_percent(sentences: list[str]) -> float | None:
    """The first stake percentage stated in these sentences, or None."""
    stakes = stake_percents(sentences)
    return stakes[0] if stakes else None


def stake_percents(sentences: list[str]) -> list[float]:
    """Every stake percentage stated in these sentences, in order."""
    found = []
    for text in sentences:
        for match in sorted((*_PERCENT.finditer(text), *_PERCENT_BEFORE.finditer(text)),
                            key=lambda m: m.start()):
            around = text[max(0, match.start() - _WINDOW):match.end() + _WINDOW]
            if STAKE_WORDS.search(around):
                value = float(match.group(1).replace(",", "."))
                if 0 < value <= 100:
                    found.append(value)
    return found


def splits_a_venture(sentences: list[str]) -> bool:
    """The stakes stated are the founders' split of one company: 50-50 ("buys half of ZF's
    axle unit, to be run 50-50") or shares adding up to 100% ("Toyota 51%, Panasonic 49%")."""
    stakes = stake_percents(sentences)
    return 50.0 in stakes or any(abs(a + b - 100.0) < 0.01 for a, b in zip(stakes, stakes[1:]))
