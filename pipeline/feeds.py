"""Feed parsing (RSS/Atom bytes -> ParsedFeed), the versioned feeds.yml list and GDELT query URLs. Pure: no I/O but reading feeds.yml."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import feedparser
import yaml
from bs4 import BeautifulSoup

from . import safetext, timestamps, urls, yamlfile
from .charsets import decode_html, normalise_charset
from .errors import ConfigError
from .models import FeedEntry, ParsedFeed
from .vocabulary import SOURCE_KINDS

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_MAX_TITLE = 1000


@dataclass(frozen=True)
class FeedSpec:
    """One feed of feeds.yml."""

    url: str
    name: str
    enabled: bool = True
    kind: str = "rss"           # a source kind (vocabulary.SOURCE_KINDS): which reader polls it


def _is_html_page(body: bytes, content_type: str | None = None) -> bool:
    """True for an HTML page served where a feed was expected (a homepage, a login wall)."""
    head = body[:2048]
    if _FEED_ROOT.search(body[:4096]):
        return False
    return bool(_HTML_START.match(head)) or (content_type or "").startswith("text/html")


def parse_feed(body: bytes, *, base_url: str | None = None, content_type: str | None = None,
               charset: str | None = None) -> ParsedFeed:
    """Entries of an RSS/Atom document; malformed feeds keep their readable entries and record the error."""
    if not body or not body.strip():
        return ParsedFeed(entries=(), error="empty feed body")
    if _is_html_page(body, content_type):
        return ParsedFeed(entries=(), error="not a feed: the URL returned an HTML page")
    body, charset = _checked_encoding(body, charset)
    body = _INVALID_CHAR_REF.sub(_replace_bad_reference, body)
    headers = {"content-location": base_url or "",
               "content-type": (content_type or "application/xml") + (f"; charset={charset}" if charset else "")}
    try:
        parsed = _feedparser(body, headers)
    except (UnicodeError, ValueError, LookupError) as exc:
        # feedparser's charset sniffing raises on some garbled declarations (a non-ASCII or
        # NUL byte in the encoding name): read the document again without its declaration.
        try:
            parsed = _feedparser(_XML_DECLARATION.sub(b"", body, count=1),
                                 {**headers, "content-type": "application/xml; charset=utf-8"})
        except (UnicodeError, ValueError, LookupError):
            return ParsedFeed(entries=(), error=f"unreadable feed ({type(exc).__name__}: {exc})")
    base = base_url or parsed.feed.get("link")
    entries, skipped, duplicates = _collect_entries(parsed.entries, base)
    return ParsedFeed(entries=tuple(entries), title=_clean(parsed.feed.get("title")),
                      error=_feed_error(parsed, entries), skipped_without_link=skipped,
                      duplicates=duplicates)


_XML_DECLARATION = re.compile(rb"^\s*<\?[^>]*\?>")
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._:-]{1,40})[\"']", re.I)
_INVALID_CHAR_REF = re.compile(rb"&#(x[0-9a-fA-F]{1,12}|[0-9]{1,14});")


def _replace_bad_reference(match: re.Match) -> bytes:
    """A numeric character reference XML 1.0 forbids (a control character, a surrogate,
    beyond U+10FFFF) becomes U+FFFD: one bad entry must not make the whole feed unreadable."""
    ref = match.group(1)
    code = int(ref[1:], 16) if ref[:1] in (b"x", b"X") else int(ref)
    allowed = (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
               or 0x10000 <= code <= 0x10FFFF)
    return match.group(0) if allowed else b"&#xFFFD;"


def _checked_encoding(body: bytes, charset: str | None) -> tuple[bytes, str | None]:
    """(body, charset to declare): the feed re-encoded as UTF-8 when its declared encoding
    does not fit its bytes (a Shift_JIS feed labelled UTF-8), checked as pages are."""
    if body.isascii():
        return body, charset
    match = _XML_ENCODING.match(body)
    declared = normalise_charset(charset or (match.group(1).decode("ascii") if match else "utf-8"))
    if declared == "utf-8" and _is_utf8(body):
        return body, charset  # the common case: nothing to check
    text, used = decode_html(body, declared)
    if used == declared:
        return body, charset
    return _XML_DECLARATION.sub(b"", text.encode("utf-8"), count=1), "utf-8"


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _feedparser(body: bytes, headers: dict):
    # A BytesIO, never raw bytes: feedparser treats a bytes/str argument that names a file as a path.
    return feedparser.parse(io.BytesIO(body), response_headers=headers,
                            resolve_relative_uris=True, sanitize_html=True)


def _feed_error(parsed, entries: list[FeedEntry]) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if isinstance(exc, (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)):
        return None  # a wrong declared charset or media type that feedparser recovered from
    message = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
    if not entries and not parsed.version:
        return f"not a feed ({message})"
    return f"malformed feed, {len(entries)} entries recovered ({message})"


def _collect_entries(raw_entries, base: str | None) -> tuple[list[FeedEntry], int, int]:
    """FeedEntry per usable item; (entries, skipped without link, duplicates collapsed)."""
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    skipped = duplicates = 0
    for raw in raw_entries:
        entry = _entry(raw, base)
        if entry is None:
            skipped += 1
        elif entry.entry_key in seen:
            duplicates += 1
        else:
            seen.add(entry.entry_key)
            entries.append(entry)
    return entries, skipped, duplicates


def _entry(raw, base: str | None) -> FeedEntry | None:
    link = urls.entry_link(_entry_link(raw), base)
    if link is None:
        return None
    guid = (raw.get("id") or "").replace("\x00", "").strip()
    # dict.get bypasses feedparser's deprecated updated->published key aliasing.
    updated = timestamps.plausible(timestamps.from_struct_time(dict.get(raw, "updated_parsed")))
    published = timestamps.plausible(timestamps.from_struct_time(dict.get(raw, "published_parsed"))) or updated
    return FeedEntry(entry_key=safetext.cap_bytes(guid) or link, link=link, title=_clean(raw.get("title")),
                     summary=_clean(_plain_text(raw.get("summary")), limit=20_000),
                     published=published, updated=updated)


def _entry_link(raw) -> str:
    """The entry's article link: <link>, else an alternate link, else a permalink GUID."""
    if raw.get("link"):
        return raw["link"]
    for link in raw.get("links") or ():
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    if raw.get("guidislink") and raw.get("id"):
        return raw["id"]
    return ""


def _plain_text(html: str | None) -> str | None:
    """Feed summaries are (sanitised) HTML; keep their text only."""
    if not html or "<" not in html:
        return html
    return BeautifulSoup(html, "html.parser").get_text(" ")


def _clean(value: str | None, limit: int = _MAX_TITLE) -> str | None:
    """Whitespace-collapsed text, bounded in length; None when empty."""
    if not value:
        return None
    text = " ".join(value.replace("\x00", "").split())  # PostgreSQL text cannot hold NUL
    return text[:limit] or None


def load_feeds_file(path: str | Path) -> list[FeedSpec]:
    """Read a feeds.yml (`feeds:` list of {name, url, enabled, kind}); raise ConfigError on bad entries."""
    try:
        document = yamlfile.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read feeds file {path}: {exc}") from exc
    items = document.get("feeds") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ConfigError(f"{path}: expected a top-level 'feeds:' list")
    specs = [_feed_spec(path, i, item) for i, item in enumerate(items)]
    urls = [s.url for s in specs]
    dupes = sorted({u for u in urls if urls.count(u) > 1})
    if dupes:
        raise ConfigError(f"{path}: feed listed twice: {', '.join(dupes)}")
    return specs


def _feed_spec(path, index: int, item) -> FeedSpec:
    if isinstance(item, dict) and item.get("kind") == "gdelt" and item.get("query") is not None:
        item = {**item, "url": _gdelt_url(path, index, item)}
    if not isinstance(item, dict) or not item.get("url") or not item.get("name"):
        raise ConfigError(f"{path}: feed #{index + 1} needs a name and a url")
    url = str(item["url"]).strip()
    if urlsplit(url).scheme not in ("http", "https"):
        raise ConfigError(f"{path}: feed #{index + 1} url must be http(s): {url}")
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{path}: feed #{index + 1} enabled must be true or false")
    kind = item.get("kind", "rss")
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"{path}: feed #{index + 1} kind must be one of {', '.join(SOURCE_KINDS)}: {kind!r}")
    return FeedSpec(url=url, name=str(item["name"]).strip(), enabled=enabled, kind=kind)


def _gdelt_url(path, index: int, item: dict) -> str:
    """The source URL of a saved GDELT query: {companies, deal_words, languages} (lists) or a query string."""
    query = item["query"]
    if isinstance(query, dict):
        lists = {k: query.get(k) or [] for k in ("companies", "deal_words", "languages")}
        unknown = set(query) - set(lists)
        if unknown or not all(isinstance(v, list) and all(isinstance(w, str) for w in v) for v in lists.values()):
            raise ConfigError(f"{path}: feed #{index + 1} query takes lists of words: "
                              "companies, deal_words, languages")
        query = gdelt_query(**lists)
    if not isinstance(query, str) or not query.strip():
        raise ConfigError(f"{path}: feed #{index + 1} needs a non-empty GDELT query")
    return gdelt_url(query, str(item.get("url") or GDELT_DOC_API).strip())


# ------------------------------------------------------------- GDELT queries (the 'gdelt' source kind)

GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"


def gdelt_query(companies=(), deal_words=(), languages=()) -> str:
    """A GDELT DOC API query: (company OR ...) (deal word OR ...) (sourcelang:x OR ...)."""
    groups = [[_term(c) for c in companies], [_term(w) for w in deal_words],
              [f"sourcelang:{lang.strip().lower()}" for lang in languages]]
    return " ".join(_any_of(terms) for terms in groups if terms)


def gdelt_url(query: str, endpoint: str = GDELT_DOC_API) -> str:
    """The source URL of a saved query: the endpoint with `query=` (its identity in the feeds table)."""
    if not query.strip():
        raise ValueError("a GDELT query needs at least one term")
    return f"{endpoint}?{urlencode({'query': query})}"


def _term(word: str) -> str:
    word = word.strip().replace('"', "")
    return f'"{word}"' if " " in word or "-" in word else word


def _any_of(terms: list[str]) -> str:
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"
