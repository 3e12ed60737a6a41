"""Text made safe for PostgreSQL at the one place it enters: lone surrogates and NULs
replaced, lengths capped by bytes.

PostgreSQL text holds neither NUL nor a lone surrogate (UTF-8 cannot encode one), and
psycopg2 raises on both while the statement is being built. Hostile pages and feeds
carry both (a JSON-LD "\\ud800", a NUL in a title), so every str parameter passes
through clean() (db.py registers it as psycopg2's adapter for str).
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_UNSAFE = re.compile("[\x00\ud800-\udfff]")
# Short fields (titles, authors, keys, error messages) are capped at this many bytes.
SHORT_FIELD_BYTES = 2000


def clean(value: str) -> str:
    """value with NULs and lone surrogates replaced by U+FFFD; unchanged when already safe."""
    if value.isascii():
        return value.replace("\x00", REPLACEMENT) if "\x00" in value else value
    return _UNSAFE.sub(REPLACEMENT, value)


def cap_bytes(value: str | None, max_bytes: int = SHORT_FIELD_BYTES) -> str | None:
    """Cleaned value cut to at most max_bytes of UTF-8 (never inside a character)."""
    if value is None:
        return None
    value = clean(value)
    if len(value) * 4 <= max_bytes:
        return value
    data = value.encode("utf-8")
    if len(data) <= max_bytes:
        return value
    return data[:max_bytes].decode("utf-8", "ignore")


def describe(exc: BaseException, max_bytes: int = SHORT_FIELD_BYTES) -> str:
    """'Type: message' of an exception, safe to store as an item's last error."""
    message = str(exc).strip()
    return cap_bytes(f"{type(exc).__name__}: {message}" if message else type(exc).__name__, max_bytes)
