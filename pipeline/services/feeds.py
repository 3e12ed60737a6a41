"""Source administration: adding a feed, sitemap or GDELT query (its URL checked now, its kind detected), listing, enabling, syncing.

Polling is the stages' job (stages/poll.py); this is what a person does to the
feeds table through a face.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .. import feeds, sources, stages
from ..errors import FetchError, UsageError
from ..sources import rss, sitemap
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


def add(conn, settings: Settings, url: str | None, name: str | None = None, kind: str | None = None,
        query: str | None = None) -> tuple[int, str, str]:
    """Add a source: (its id, the URL as stored, its kind). The kind is detected when not given.

    A GDELT query (query, or kind 'gdelt' with a DOC API URL) is stored as the API URL with the query.
    """
    if query is not None:
        if kind not in (None, "gdelt"):
            raise UsageError("--query is for a GDELT source (--kind gdelt)")
        try:
            url, kind = feeds.gdelt_url(query, url or feeds.GDELT_DOC_API), "gdelt"
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    if not url:
        raise UsageError("a source needs a URL (or --query for a GDELT query)")
    url = check_feed_url(url)
    kind = kind or detect_kind(settings, url)
    return feed_store.add_feed(conn, url, name or url, kind), url, kind


def detect_kind(settings: Settings, url: str) -> str:
    """The source kind of a URL: from the URL when it says (robots.txt, a sitemap path, GDELT),
    else from what it answers; 'rss' when it cannot be fetched now."""
    kind = sources.detect_kind(url)
    if kind != "rss":
        return kind
    try:
        with stages.http_client(settings) as client:
            result = client.fetch(url, accept=f"{rss.FEED_ACCEPT}, {sitemap.SITEMAP_ACCEPT}")
    except FetchError:
        return "rss"
    return sources.detect_kind(result.final_url, result.body, result.content_type)


def list_feeds(conn) -> list[dict]:
    """Every feed with its health."""
    return feed_store.list_feeds(conn)


def set_enabled(conn, feed: str, enabled: bool) -> int:
    """Enable or disable a feed given by id or URL; its id."""
    return feed_store.set_feed_enabled(conn, feed, enabled)


def sync(conn, settings: Settings) -> dict:
    """Upsert the feeds of the feeds file."""
    return stages.sync_feeds(conn, settings)
