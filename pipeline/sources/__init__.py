"""Sources: the kinds of place news is polled from, each a module with one interface.

A source kind (feeds.kind, one of vocabulary.SOURCE_KINDS) has a module here
with poll(client, feed, until) -> Polled: one conditional request for the feed
row (url, etag, last_modified) and the entries it lists. stages/poll.py records
what comes back and never looks at the format, so a sitemap or an archive is a
new module and an entry in KINDS, not a change to the polling code.
"""

from __future__ import annotations

from . import rss
from .base import Polled

__all__ = ["KINDS", "Polled", "poll"]


KINDS = {"rss": rss.poll}


def poll(client, feed: dict, until: float | None = None) -> Polled:
    """Poll one feed row with the reader of its kind."""
    return KINDS[feed["kind"]](client, feed, until)
