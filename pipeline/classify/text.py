"""Input hygiene: coerce anything to bounded, clean text and fold it for matching."""

from __future__ import annotations

import re

# Only the first MAX_TEXT_CHARS of an article (and MAX_TITLE_CHARS of a title) are
# analysed: the news is in the lead, and the cap bounds the work on huge inputs.
MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 1_000

# Letters and digits of scripts that separate words with spaces (Latin, Greek,
# Cyrillic). CJK and Hangul are not in it: names there need no word edges.
WORD_CLASS = "0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u0370-\u03ff\u0400-\u052f"

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
    """Lower-cased text with the same length as `text` (offsets stay valid); ё = е."""
    folded = text.lower()
    if len(folded) != len(text):  # e.g. 'İ' lowers to two characters
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return folded.replace("ё", "е") if "ё" in folded else folded


def is_word_char(ch: str) -> bool:
    """True for letters/digits of space-separated scripts (word edges matter there)."""
    return ch.isalnum() and ord(ch) < 0x2E80
