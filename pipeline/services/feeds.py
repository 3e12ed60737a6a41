"""Feed administration: adding a feed (its URL checked now, not at its first poll), listing, enabling, syncing.

Polling is the stages' job (stages/poll.py); this is what a person does to the
feeds table through a face.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .. import stages
from ..errors import UsageError
from ..settings import Settings
from ..store import feeds as feed_store


def check_feed_url(url: str) -> str:
    """The URL if a poll could fetch it (http or https, a host); UsageError otherwise."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise UsageError(f"not a feed URL: {url!r} ({exc})") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise UsageError(f"not a feed URL: {url!r} (expected http:// or https:// and a host, "
                         "e.g. https://news.example/feed.xml)")
    return url


def add(conn, url: str, name: str | None = None) -> tuple[int, str]:
    """Add a feed: (its id, the URL as stored)."""
    url = check_feed_url(url)
    return feed_store.add_feed(conn, url, name or url), url


def list_feeds(conn) -> list[dict]:
    """Every feed with its health."""
    return feed_store.list_feeds(conn)


def set_enabled(conn, feed: str, enabled: bool) -> int:
    """Enable or disable a feed given by id or URL; its id."""
    return feed_store.set_feed_enabled(conn, feed, enabled)


def sync(conn, settings: Settings) -> dict:
    """Upsert the feeds of the feeds file."""
    return stages.sync_feeds(conn, settings)
