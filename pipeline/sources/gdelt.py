"""The 'gdelt' source kind: a saved query run against the GDELT 2.0 DOC API every pass.

The source's URL is the API endpoint with the saved query in its `query`
parameter (feeds.gdelt_url makes it from companies, deal words and languages). A pass
asks for the articles GDELT saw between where the last pass ended
(feeds.poll_state.window_end) and now, oldest first, MAX_RECORDS at most; when
the answer is full, the window ends at the last article returned, so the next
pass goes on from there. After an outage the next pass resumes from the stored
end (at most MAX_WINDOW back, the span the DOC API searches). The URLs it
returns are discovered like a feed's entries: the same fetch, politeness and
dedupe follow.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .. import timestamps, urls
from ..errors import TerminalFetchError
from ..models import FeedEntry
from .base import Polled

MAX_RECORDS = 250                       # the DOC API's largest page
FIRST_WINDOW = timedelta(days=1)        # how far back a new query starts
MAX_WINDOW = timedelta(days=90)         # the DOC API searches the last three months
_STAMP = "%Y%m%d%H%M%S"


def poll(client, feed: dict, until: float | None = None, now: datetime | None = None) -> Polled:
    """One DOC API request for the query's next window; its articles as entries."""
    now = now or datetime.now(timezone.utc)
    start = window_start(feed.get("poll_state") or {}, now)
    result = client.fetch(window_url(feed["url"], start, now), accept="application/json", until=until)
    articles = parse_articles(result.body)
    entries = [e for e in map(_entry, articles) if e is not None]
    end = now
    if len(articles) >= MAX_RECORDS:  # a full page: the next pass starts where this one stopped
        seen = [e.published for e in entries if e.published]
        end = max(seen) if seen else now
    return Polled(status=result.status, entries=entries, state={"window_end": end.isoformat()})


def window_start(state: dict, now: datetime) -> datetime:
    """Where this pass's window starts: the last window's end, FIRST_WINDOW back for a new query."""
    try:
        start = timestamps.to_utc(datetime.fromisoformat(state["window_end"]))
    except (KeyError, TypeError, ValueError):
        start = now - FIRST_WINDOW
    return max(min(start, now), now - MAX_WINDOW)


def window_url(url: str, start: datetime, end: datetime) -> str:
    """The saved query's URL asking for one window of articles, oldest first, as JSON."""
    parts = urlsplit(url)
    params = {k: v for k, v in parse_qsl(parts.query) if k not in _WINDOW_PARAMS}
    params.update(mode="artlist", format="json", sort="dateasc", maxrecords=str(MAX_RECORDS),
                  startdatetime=start.strftime(_STAMP), enddatetime=end.strftime(_STAMP))
    return urlunsplit(parts._replace(query=urlencode(params)))


_WINDOW_PARAMS = {"mode", "format", "sort", "maxrecords", "startdatetime", "enddatetime", "timespan"}


def parse_articles(body: bytes) -> list[dict]:
    """The `articles` of a DOC API answer ({} when nothing matched); TerminalFetchError when not one.

    The API answers a bad query with 200 and a sentence of plain text, which is
    reported as it is.
    """
    try:
        document = json.loads(body.decode("utf-8", "replace") or "{}")
    except ValueError:
        text = " ".join(body[:300].decode("utf-8", "replace").split())
        raise TerminalFetchError(f"GDELT answered with no JSON: {text!r}") from None
    if not isinstance(document, dict) or not isinstance(document.get("articles", []), list):
        raise TerminalFetchError("GDELT answered with JSON that is not an article list")
    return [a for a in document.get("articles", []) if isinstance(a, dict)]


def _entry(article: dict) -> FeedEntry | None:
    link = urls.entry_link(article.get("url") if isinstance(article.get("url"), str) else None)
    if not link:
        return None
    title = article.get("title") if isinstance(article.get("title"), str) else None
    published = _seen_date(article.get("seendate"))
    return FeedEntry(entry_key=link, link=link, title=" ".join(title.split())[:1000] if title else None,
                     published=published)


def _seen_date(value) -> datetime | None:
    """GDELT's seendate (20261203T101500Z) in UTC."""
    try:
        return timestamps.plausible(datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc))
    except (TypeError, ValueError):
        return None
