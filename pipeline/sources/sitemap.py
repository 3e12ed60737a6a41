"""The 'sitemap' source kind: news sitemaps, sitemap indexes, and robots.txt `Sitemap:` lines.

A source's URL is a sitemap, a sitemap index or a site's robots.txt; poll() reads
it and the sitemaps it names, breadth first, with the Google News extension's
title, publication date, language and keywords where present. Bounded: every
document goes through pipeline/http.py (SSRF guard, politeness, timeouts) under
settings.max_sitemap_bytes, decompressed or not; at most settings.max_sitemaps_per_poll
documents a pass and MAX_URLS_PER_SITEMAP URLs a document. Incremental: the top
document is fetched conditionally (ETag/Last-Modified), a child whose <lastmod> is
the one read last time is skipped (feeds.poll_state), and stages/poll.py records
only URLs the source has not listed before, newest first, up to its per-pass cap
(canonicalising only those).

Parsed with lxml's iterparse rather than ultimate-sitemap-parser: USP fetches and
recurses by itself (through requests, so outside our SSRF guard, politeness and
caps, without conditional requests), and its local parser cannot follow an
index's children; what remains of it for us, reading <url> and <sitemap>
elements, is the few lines below.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from .. import timestamps, urls
from ..errors import FetchError
from ..httpdecode import decode_stream
from ..models import FeedEntry
from .base import Polled

SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, application/gzip;q=0.8, text/plain;q=0.5, */*;q=0.1"
MAX_URLS_PER_SITEMAP = 50_000   # the sitemaps protocol's own limit for one file
MAX_DEPTH = 2                   # robots.txt -> index -> sitemaps
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Sitemap:
    """What one sitemap document lists: child sitemaps (loc, lastmod) or URLs, and what went wrong."""

    children: list[tuple[str, str | None]] = field(default_factory=list)
    entries: list[FeedEntry] = field(default_factory=list)
    error: str | None = None


def poll(client, feed: dict, until: float | None = None) -> Polled:
    """Read the source's sitemap (or robots.txt) and the sitemaps it names; their URLs, newest first."""
    limit = client.settings.max_sitemap_bytes
    result = client.fetch(feed["url"], etag=feed.get("etag"), last_modified=feed.get("last_modified"),
                          accept=SITEMAP_ACCEPT, until=until, max_bytes=limit)
    if result.not_modified:
        return Polled(status=304, not_modified=True)
    top = read_document(result.body, result.final_url, limit)
    known = (feed.get("poll_state") or {}).get("sitemaps") or {}
    entries, errors, read = _read_children(client, top, known, until)
    entries.sort(key=_newest_first)
    return Polled(status=result.status, entries=entries, etag=result.headers.get("etag"),
                  last_modified=result.headers.get("last-modified"),
                  error="; ".join(errors)[:2000] or None, state={"sitemaps": read})


def _read_children(client, top: Sitemap, known: dict, until):
    """Follow the top document's children breadth first, within the per-pass document cap."""
    entries, errors, read = list(top.entries), [top.error] if top.error else [], {}
    queue = [(loc, lastmod, 1) for loc, lastmod in top.children]
    to_read, deferred = client.settings.max_sitemaps_per_poll, 0
    while queue:
        loc, lastmod, depth = queue.pop(0)
        if lastmod and known.get(loc) == lastmod:
            read[loc] = lastmod  # unchanged since the last pass
            continue
        if to_read == 0:
            deferred += 1  # read by the next pass (not in `read`, so not taken as unchanged)
            continue
        to_read -= 1
        try:
            child = _fetch_document(client, loc, until)
        except FetchError as exc:  # one bad child: recorded, the others are still read
            errors.append(f"{loc}: {exc}")
            continue
        entries += child.entries
        if child.error:
            errors.append(f"{loc}: {child.error}")
        if child.children and depth >= MAX_DEPTH:
            errors.append(f"{loc}: sitemap index nested too deep; ignored")
        elif child.children:
            queue += [(c, m, depth + 1) for c, m in child.children]
        read[loc] = lastmod or ""
    if deferred:
        errors.append(f"{deferred} sitemaps left for the next pass "
                      f"(at most {client.settings.max_sitemaps_per_poll} are read a pass)")
    return entries, errors, read


def _fetch_document(client, url: str, until) -> Sitemap:
    limit = client.settings.max_sitemap_bytes
    result = client.fetch(url, accept=SITEMAP_ACCEPT, until=until, max_bytes=limit)
    return read_document(result.body, result.final_url, limit)


def read_document(body: bytes, url: str, limit: int) -> Sitemap:
    """A fetched sitemap, sitemap index or robots.txt; gzip files unpacked under `limit` bytes."""
    if body[:2] == _GZIP_MAGIC:
        body = unpack_gzip(body, limit)
    if url.lower().split("?")[0].endswith("/robots.txt"):
        return Sitemap(children=robots_sitemaps(body.decode("utf-8", "replace"), url))
    return parse_sitemap(body, base_url=url)


def unpack_gzip(body: bytes, limit: int) -> bytes:
    """A .xml.gz sitemap's XML; TerminalFetchError past `limit` bytes (a gzip bomb stops there)."""
    out = bytearray()
    for chunk in decode_stream(iter([body]), ["gzip"], limit):
        out += chunk
    return bytes(out)


def robots_sitemaps(text: str, base_url: str | None = None) -> list[tuple[str, None]]:
    """The sitemaps a robots.txt names in its `Sitemap:` lines."""
    links = (urls.entry_link(m, base_url) for m in _ROBOTS_SITEMAP.findall(text))
    return [(link, None) for link in dict.fromkeys(link for link in links if link)]


def parse_sitemap(body: bytes, base_url: str | None = None) -> Sitemap:
    """URLs (with Google News fields) or child sitemaps of one XML document, streamed by lxml.

    The parser resolves no entities, reads no DTD and fetches nothing; a document
    cut off or malformed keeps what was read before the fault, with the error.
    """
    doc = Sitemap()
    parser = etree.iterparse(io.BytesIO(body), events=("end",), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False, recover=False)
    try:
        for _, element in parser:
            if element.tag == _SITEMAP_NS + "url" or element.tag == "url":
                if len(doc.entries) >= MAX_URLS_PER_SITEMAP:
                    doc.error = f"more than {MAX_URLS_PER_SITEMAP} URLs in one sitemap; the rest ignored"
                    break
                _add_entry(doc, element, base_url)
                _free(element)
            elif element.tag == _SITEMAP_NS + "sitemap" or element.tag == "sitemap":
                loc = urls.entry_link(_text(element, "loc"), base_url)
                if loc:
                    doc.children.append((loc, _text(element, "lastmod")))
                _free(element)
    except etree.XMLSyntaxError as exc:
        doc.error = f"malformed sitemap: {exc}"
    if not doc.error and not doc.entries and not doc.children:
        doc.error = "not a sitemap: no <url> or <sitemap> elements"
    return doc


def _add_entry(doc: Sitemap, element, base_url: str | None) -> None:
    # Canonicalised later, by the poll step, for the few entries it keeps: a sitemap lists
    # up to 50,000 URLs, most of them seen before, and canonicalising costs 40 us each.
    link = _absolute(_text(element, "loc"), base_url)
    if not link:
        return
    news = element.find(_NEWS_NS + "news")
    title = published = language = keywords = None
    if news is not None:
        title = _text(news, "title", _NEWS_NS)
        published = _date(_text(news, "publication_date", _NEWS_NS))
        publication = news.find(_NEWS_NS + "publication")
        language = _text(publication, "language", _NEWS_NS) if publication is not None else None
        keywords = _text(news, "keywords", _NEWS_NS)
    updated = _date(_text(element, "lastmod"))
    summary = "; ".join(f"{k}: {v}" for k, v in (("language", language), ("keywords", keywords)) if v)
    doc.entries.append(FeedEntry(entry_key=link, link=link, title=title[:1000] if title else None,
                                 summary=summary[:2000] or None, published=published or updated,
                                 updated=updated))


def _absolute(loc: str | None, base_url: str | None) -> str | None:
    """An http(s) URL from <loc> (relative ones resolved against the sitemap's URL), else None."""
    if not loc:
        return None
    if not loc.startswith(("http://", "https://")):
        loc = urls.entry_link(loc, base_url)
    return loc


def _text(element, name: str, namespace: str = _SITEMAP_NS) -> str | None:
    child = element.find(namespace + name)
    if child is None and namespace == _SITEMAP_NS:
        child = element.find(name)  # a sitemap without its namespace declaration
    value = (child.text or "").strip() if child is not None else ""
    return value or None


def _date(value: str | None) -> datetime | None:
    """A W3C datetime (2026-12-03, 2026-12-03T10:00:00Z, ...+09:00) in UTC; None when unreadable."""
    if not value:
        return None
    try:
        return timestamps.plausible(timestamps.to_utc(datetime.fromisoformat(value.replace("Z", "+00:00"))))
    except ValueError:
        return None


def _free(element) -> None:
    """Drop a handled element and its finished siblings: memory stays flat on a 50,000-URL file."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


def _newest_first(entry: FeedEntry):
    when = entry.published or entry.updated
    return (when is None, -(when.timestamp()) if when else 0.0)
