"""Decoding fetched bytes to text: byte order mark, declared charset, then detection.

A declared charset is checked against the bytes (a wrong declaration does not produce
mojibake); mislabelled Western pages fall back to windows-1252 like browsers. Used
for pages (pipeline.extract) and for feeds whose bytes do not fit their declaration.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from charset_normalizer import from_bytes

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do we.
_CP1252_ALIASES = {"iso8859-1", "iso8859_1", "latin-1", "latin_1", "latin1", "iso-8859-1", "cp819"}
# Candidates whose mess score is this close to the best one count as equally good fits.
_CHAOS_TOLERANCE = 0.02
_PREFERRED = ("utf-8", "ascii", "cp1252")
_LATIN_CODEPAGES = {"cp1250", "cp1252", "cp1254", "cp1257", "cp775", "cp850", "cp852", "cp858",
                    "latin_1", "iso8859-1"}
_CP1252_PUNCTUATION = set("\u00a0‘’‚“”„–—…€«»°·•©®™§¶¿¡×÷±½¼¾¹²³µ")


def decode_html(body: bytes, http_charset: str | None) -> tuple[str, str]:
    """(text, encoding used): BOM, then HTTP charset, then <meta charset>, then detection."""
    # A byte order mark is unambiguous, so it outranks the header (as in the WHATWG decode rules).
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace"), encoding
    for declared in (http_charset, _meta_charset(body)):
        text = _try_declared(body, declared)
        if text is not None:
            return text
    return _detect(body)


def normalise_charset(label: str | None) -> str | None:
    """Python codec name for a charset label; None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _CP1252_ALIASES:
        label = "windows-1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "ignore") if match else None


def _try_declared(body: bytes, label: str | None) -> tuple[str, str] | None:
    """Decode with a declared charset, unless the bytes show the declaration is wrong."""
    encoding = normalise_charset(label)
    if encoding is None:
        return None
    if encoding != "utf-8" and _is_utf8_with_non_ascii(body):
        return body.decode("utf-8"), "utf-8"  # the classic mislabel: UTF-8 sent as Latin-1
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        return None
    # Single-byte charsets decode any bytes, so a wrong one (KOI8-R read as windows-1251)
    # only shows as a worse fit than the detector's best candidate.
    if _is_single_byte(encoding) and not body.isascii() and not _detection_agrees(body, encoding):
        return None
    return text, encoding


def _is_utf8_with_non_ascii(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@lru_cache(maxsize=64)
def _is_single_byte(encoding: str) -> bool:
    if encoding.startswith(("utf", "ascii")):
        return False
    return len(bytes(range(128, 256)).decode(encoding, errors="replace")) == 128


def _candidates(body: bytes) -> list[tuple[str, float]]:
    """(codec, chaos) per encoding charset-normalizer finds plausible, best first."""
    return [(normalise_charset(m.encoding) or m.encoding, m.chaos) for m in from_bytes(body[:500_000])]


def _detection_agrees(body: bytes, encoding: str) -> bool:
    candidates = _candidates(body)
    if not candidates:
        return True
    least = min(chaos for _, chaos in candidates)
    return any(name == encoding and chaos <= least + _CHAOS_TOLERANCE for name, chaos in candidates)


def _detect(body: bytes) -> tuple[str, str]:
    """Detected encoding; among near-equal fits prefer UTF-8, then windows-1252 (most of the web)."""
    candidates = _candidates(body)
    if not candidates:
        return body.decode("utf-8", errors="replace"), "utf-8"
    least = min(chaos for _, chaos in candidates)
    close = [name for name, chaos in candidates if chaos <= least + _CHAOS_TOLERANCE]
    encoding = next((p for p in _PREFERRED if p in close), close[0])
    if encoding == "ascii":
        encoding = "utf-8"
    elif _is_latin_single_byte(encoding) and _clean_cp1252(body):
        # On short texts the detector cannot tell Western from Baltic or Central European
        # single-byte code pages; like browsers, fall back to windows-1252 when it fits.
        encoding = "cp1252"
    return body.decode(encoding, errors="replace"), encoding


def _is_latin_single_byte(encoding: str) -> bool:
    return encoding in _LATIN_CODEPAGES or encoding.startswith(("iso8859-", "mac-"))


def _clean_cp1252(body: bytes) -> bool:
    """True when windows-1252 decodes every byte to a letter or common punctuation."""
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return all(c.isascii() or c.isalpha() or c in _CP1252_PUNCTUATION for c in text)
