"""The 'rss' source kind: RSS and Atom feeds, fetched with a conditional GET and parsed by pipeline.feeds."""

from __future__ import annotations

from .. import feeds
from .base import Polled

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


def poll(client, feed: dict, until: float | None = None) -> Polled:
    """One conditional GET of the feed; its entries."""
    result = client.fetch(feed["url"], etag=feed["etag"], last_modified=feed["last_modified"],
                          accept=FEED_ACCEPT, until=until)
    if result.not_modified:
        return Polled(status=304, not_modified=True)
    parsed = feeds.parse_feed(result.body, base_url=result.final_url,
                              content_type=result.content_type, charset=result.charset)
    return Polled(status=result.status, entries=parsed.entries, etag=result.headers.get("etag"),
                  last_modified=result.headers.get("last-modified"), error=parsed.error)
