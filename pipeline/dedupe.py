"""Canonical URLs and content hashes (first version; near-duplicates come with issue 4)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga)$", re.I)


def canonical_url(url: str, rel_canonical: str | None = None) -> str:
    """Normalise scheme/host, drop tracking parameters and the fragment."""
    parts = urlsplit((rel_canonical or url).strip())
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.match(k))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       urlencode(query), ""))


def url_hash(canonical: str) -> bytes:
    """The article identity key."""
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def normalise_text(text: str) -> str:
    """Case-folded, NFKC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_hash(text: str) -> bytes:
    """Exact-copy key of a body text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).digest()
