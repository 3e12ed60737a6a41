"""Sources: the kinds of place news is polled from, each a module with one interface.

A source kind (feeds.kind, one of vocabulary.SOURCE_KINDS) has a module here
with poll(client, feed, until) -> Polled: one conditional request for the feed
row (url, etag, last_modified) and the entries it lists. stages/poll.py records
what comes back and never looks at the format, so a sitemap or an archive is a
new module and an entry in KINDS, not a change to the polling code.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .. import feeds
from . import gdelt, rss, sitemap
from .base import Polled

__all__ = ["KINDS", "Polled", "detect_kind", "poll"]


KINDS = {"rss": rss.poll, "sitemap": sitemap.poll, "gdelt": gdelt.poll}

_SITEMAP_ROOT = re.compile(rb"<(?:[\w-]+:)?(urlset|sitemapindex)[\s>]")


def poll(client, feed: dict, until: float | None = None) -> Polled:
    """Poll one feed row with the reader of its kind."""
    return KINDS[feed["kind"]](client, feed, until)


def detect_kind(url: str, body: bytes = b"", content_type: str | None = None) -> str:
    """The kind of source a URL (and its answer, when fetched) is: gdelt, sitemap, else rss."""
    parts = urlsplit(url)
    head = body[:4096].lstrip()
    if parts.hostname == urlsplit(feeds.GDELT_DOC_API).hostname or (
            content_type == "application/json" and head.startswith(b"{")):
        return "gdelt"
    path = parts.path.lower()
    if (path.endswith(("/robots.txt", ".xml.gz")) or "sitemap" in path
            or head[:2] == b"\x1f\x8b" or _SITEMAP_ROOT.search(head)):
        return "sitemap"
    return "rss"
