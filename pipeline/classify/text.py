"""Input hygiene: coerce anything to bounded, clean text and fold it for matching."""

from __future__ import annotations

import re
import unicodedata

# Only the first MAX_TEXT_CHARS of an article (and MAX_TITLE_CHARS of a title) are
# analysed: the news is in the lead, and the cap bounds the work on huge inputs.
MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 1_000

# Letters, digits and combining marks of scripts that separate words with spaces
# (Latin with Vietnamese, Greek, Cyrillic, Devanagari and the other Indic scripts,
# whose vowel signs and virama are combining marks inside a word). CJK, Hangul,
# Thai and Arabic are not in it: terms there are matched anywhere (Thai writes no
# spaces between words; Arabic attaches و, ال, ب, ل to the word that follows).
WORD_CLASS = ("0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u0300-\u036f"
              "\u0370-\u03ff\u0400-\u052f\u0900-\u0dff\u1e00-\u1eff")
# Scripts below the CJK block whose terms match anywhere, like CJK: Arabic, Thai.
ANYWHERE_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0x0E00, 0x0E7F))
_CJK_START = 0x2E80

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def coerce_text(value, limit: int) -> str:
    """Any value as text of at most `limit` characters (bytes decoded, others empty)."""
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value[: limit * 4]).decode("utf-8", errors="replace")
    return value[:limit] if isinstance(value, str) else ""


def clean(text: str) -> str:
    """Control characters and lone surrogates replaced, length kept (offsets stay valid)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from broken JSON escapes become '?'
        text = text.encode("utf-8", errors="replace").decode("utf-8")
    return _CONTROL.sub(" ", text) if _CONTROL.search(text) else text


def fold(text: str) -> str:
    """Lower-cased text with the same length as `text` (offsets stay valid); ё = е, ş = ș,
    ţ = ț, a typographic apostrophe is a plain one ("d’accord" = "d'accord", as most pages
    print it), and the Turkish İ, I, ı and i all fold to i ("İŞBİRLİĞİ" = "işbirliği")."""
    folded = text.lower()
    if len(folded) != len(text):  # 'İ' lowers to two characters (i + combining dot)
        folded = "".join(_one_lower(c) for c in text)
    if "ı" in folded:
        folded = folded.replace("ı", "i")
    if "’" in folded:
        folded = folded.replace("’", "'")
    if "ş" in folded or "ţ" in folded:  # Romanian and Turkish cedillas = commas below
        folded = folded.replace("ş", "ș").replace("ţ", "ț")
    return folded.replace("ё", "е") if "ё" in folded else folded


def _one_lower(c: str) -> str:
    low = c.lower()
    if len(low) == 1:
        return low
    return "i" if c == "İ" else c


def _word_table() -> bytes:
    table = bytearray(_CJK_START)
    for code in range(_CJK_START):
        ch = chr(code)
        table[code] = ch.isalnum() or unicodedata.category(ch).startswith("M")
    for first, last in ANYWHERE_RANGES:
        table[first:last + 1] = bytes(last + 1 - first)
    return bytes(table)


_WORD_TABLE = _word_table()


def is_word_char(ch: str) -> bool:
    """True for letters, digits and combining marks (Devanagari vowel signs, virama) of
    space-separated scripts, where word edges matter; False for CJK, Thai, Arabic."""
    code = ord(ch)
    return code < _CJK_START and _WORD_TABLE[code] == 1


def is_anywhere_char(ch: str) -> bool:
    """A character of a script whose terms are matched anywhere (CJK, Thai, Arabic)."""
    code = ord(ch)
    return code >= _CJK_START or any(a <= code <= b for a, b in ANYWHERE_RANGES)
