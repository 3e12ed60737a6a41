"""Article pages -> text, metadata, publication date and language. Pure: bytes/str in, ExtractedPage out.

Main text comes from trafilatura with comments off and favor_precision on: that pair
scored highest on the article-extraction benchmark (bench/bench_extract.py), above
either setting alone. Metadata is read with lxml from the meta tags (BeautifulSoup
only for pages trafilatura finds no text in); dates with htmldate as the
last resort; language with py3langid (a naive Bayes model shipped in the package).
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from dataclasses import replace
from functools import lru_cache
from datetime import datetime, timezone
from typing import Iterable, Iterator

import htmldate
import lxml.etree
import lxml.html
import numpy as np
import trafilatura
from bs4 import BeautifulSoup
from dateutil import parser as dateparser
from trafilatura.settings import MANUALLY_CLEANED
from trafilatura.utils import HTML_PARSER, repair_faulty_html

from . import timestamps
from .charsets import decode_html, normalise_charset  # noqa: F401 - part of this module's API
from .models import ExtractedPage

log = logging.getLogger(__name__)

TRAFILATURA_OPTIONS = {"include_comments": False, "favor_precision": True}
# Elements trafilatura deletes in its own cleaning step (its public, user-tunable list), minus
# the three it treats specially: forms (large ones are kept as content), head, scripts.
_PRESTRIP = [tag for tag in MANUALLY_CLEANED if tag not in ("form", "head", "script")]
_SVG = "{http://www.w3.org/2000/svg}svg"

_NOT_HTML_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"RIFF")

# Only the tags that carry metadata are parsed for it: a regex scan and a tiny
# document cost far less than walking the whole page.
_METADATA_TAGS = re.compile(
    r"<html\b[^>]*>|<meta\b[^>]*>|<link\b[^>]*canonical[^>]*>|<title\b[^>]*>.*?</title\s*>"
    r"|<script\b[^>]*ld\+json[^>]*>.*?</script\s*>", re.I | re.S)
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                  "backgroundnewsarticle", "opinionnewsarticle", "report", "webpage", "liveblogposting"}
_PUBLISHED_META = ("article:published_time", "og:published_time", "published_time", "datepublished",
                   "pubdate", "publishdate", "publish-date", "date", "dc.date", "dc.date.issued",
                   "dcterms.created", "sailthru.date", "parsely-pub-date", "citation_publication_date")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified",
                  "dcterms.modified")
# The opening of the text is enough to tell its language, and the cost grows with length.
_LANG_SAMPLE = 500
# Abbreviations US news sites print in dates; dateutil cannot know their offsets.
_TZ_ABBREVIATIONS = {name: hours * 3600 for name, hours in (
    ("EST", -5), ("EDT", -4), ("CST", -6), ("CDT", -5), ("MST", -7), ("MDT", -6), ("PST", -8),
    ("PDT", -7), ("BST", 1), ("CET", 1), ("CEST", 2), ("JST", 9), ("KST", 9), ("IST", 5.5))}


# ------------------------------------------------------------------------ metadata

def read_metadata(html: str, url: str | None = None) -> dict:
    """Title, author, canonical URL, site name, language and dates from meta tags, OpenGraph and JSON-LD."""
    head = _metadata_elements(html)
    metas = _meta_values(head)
    ld = _json_ld_article(head)
    title_tag = head.find(".//title") if head is not None else None
    title = _first(metas.get("og:title"), metas.get("twitter:title"), _text(ld.get("headline")),
                   " ".join(title_tag.text_content().split()) if title_tag is not None else None)
    site = _first(metas.get("og:site_name"), _name(ld.get("publisher")), metas.get("application-name"))
    return {
        "title": _strip_site_suffix(title, site),
        "author": _first(_name(ld.get("author")), metas.get("author"), metas.get("article:author"),
                         metas.get("parsely-author"), metas.get("dc.creator")),
        "site_name": site,
        "canonical_url": _first(_link(head, "canonical"), metas.get("og:url"), _text(ld.get("url")), url),
        "language": _language_tag(_first(_html_lang(head), metas.get("og:locale"),
                                         metas.get("content-language"), _text(ld.get("inLanguage")))),
        "published": _first_date([ld.get("datePublished")] + [metas.get(k) for k in _PUBLISHED_META]),
        "modified": _first_date([ld.get("dateModified")] + [metas.get(k) for k in _MODIFIED_META]),
    }


def _metadata_elements(html: str):
    """The page's metadata tags (see _METADATA_TAGS) as one small lxml document; None when there are none.

    lxml directly, not BeautifulSoup: on a fragment this small BeautifulSoup's own
    set-up costs several times the parse.
    """
    fragment = "".join(_METADATA_TAGS.findall(html[:2_000_000]))
    try:
        return lxml.html.document_fromstring(fragment) if fragment.strip() else None
    except (ValueError, lxml.etree.ParserError):
        return None


def _meta_values(head) -> dict[str, str]:
    """First non-empty content per meta name/property/itemprop/http-equiv, keys lower-cased."""
    values: dict[str, str] = {}
    for tag in head.iter("meta") if head is not None else ():
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        content = (tag.get("content") or "").strip()
        if isinstance(key, str) and content:
            values.setdefault(key.strip().lower(), content)
    return values


def _json_ld_article(head) -> dict:
    """The first Article-like JSON-LD object on the page (also inside @graph), else {}."""
    for script in head.iter("script") if head is not None else ():
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for item in _ld_items(data):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                return item
    return {}


def _ld_items(data) -> Iterator[dict]:
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            if isinstance(item.get("@graph"), list):
                stack.extend(item["@graph"])


def _text(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(str(value).split()) or None
    return None


def _name(value) -> str | None:
    """A JSON-LD person/organisation (or a list of them) as a display name."""
    items = value if isinstance(value, list) else [value]
    names = [_text(v.get("name")) if isinstance(v, dict) else _text(v) for v in items]
    names = [n for n in names if n and not n.startswith("http")]
    return ", ".join(dict.fromkeys(names)) or None


def _first(*values) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:1000]
    return None


def _link(head, rel: str) -> str | None:
    for tag in head.iter("link") if head is not None else ():
        if rel in (tag.get("rel") or "").lower().split() and tag.get("href"):
            return tag.get("href").strip()
    return None


def _html_lang(head) -> str | None:
    if head is None:
        return None
    return head.get("lang") or head.get("xml:lang")


def _language_tag(value: str | None) -> str | None:
    """'en-US', 'en_GB' -> 'en'; None for anything that is not a language code."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower())[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def _strip_site_suffix(title: str | None, site: str | None) -> str | None:
    if title and site:
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            if title.endswith(sep + site):
                return title[: -len(sep + site)].strip() or title
    return title


def parse_date(value) -> datetime | None:
    """An aware UTC datetime from an ISO 8601 or common textual date; None if unparseable."""
    value = _text(value)
    if not value or len(value) > 100:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
                parsed = dateparser.parse(value, tzinfos=_TZ_ABBREVIATIONS)
        except (ValueError, OverflowError, TypeError, dateparser.ParserError):
            return None
    return timestamps.to_utc(parsed)


def _first_date(values: list) -> datetime | None:
    for value in values:
        parsed = timestamps.plausible(parse_date(value))
        if parsed:
            return parsed
    return None


# ----------------------------------------------------------------- text and dates

def prestrip(tree) -> None:
    """Remove, in place, what trafilatura would discard anyway, before its XPath passes see it.

    trafilatura runs several XPath prunes and a readability/justext comparison over the
    raw tree before its own cleaning drops these elements; dropping them first gives the
    same text (benchmark F1 0.9606 vs 0.9607) in about three quarters of the time. JSON-LD
    scripts stay, moved into the body, because trafilatura's baseline reads articleBody there.
    """
    head, body = tree.find("head"), tree.find("body")
    if head is not None and body is not None:
        for script in [s for s in head.iter("script") if "ld+json" in (s.get("type") or "")]:
            body.append(script)
        tree.remove(head)
    lxml.etree.strip_elements(tree, _SVG, "style", "template", "link", "meta", lxml.etree.Comment,
                              *_PRESTRIP, with_tail=False)
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or ""):
            script.text = None


def load_tree(html: str):
    """The page as trafilatura.load_html parses it (None when it is not HTML), in half the time.

    load_html repairs a page's first four lines after splitting the whole page into
    lines, then parses the str. Here only those opening lines go through the same
    repair, and lxml gets UTF-8 bytes (its own fallback path), which it reads faster
    than a str: the same tree (bench/bench_stages.py measures extraction).
    """
    beginning = html[:50].lower()
    opening, rest = _opening_lines(html, 4)
    html = repair_faulty_html(opening, beginning) + rest
    try:
        tree = lxml.html.fromstring(html.encode("utf-8", "replace"), parser=HTML_PARSER)
    except (ValueError, lxml.etree.ParserError):
        return None
    # load_html's rejection test: no sign of HTML at the start and next to no structure
    if "html" not in beginning and len(tree) < 2:
        return None
    return tree


def _opening_lines(text: str, count: int) -> tuple[str, str]:
    """text split after its count-th newline (all of it first when it has fewer)."""
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text, ""
    return text[:end + 1], text[end + 1:]


def main_text(tree_or_html) -> str:
    """Article body as paragraphs separated by newlines ('' when none is found)."""
    try:
        if not isinstance(tree_or_html, str):
            prestrip(tree_or_html)
        return trafilatura.extract(tree_or_html, **TRAFILATURA_OPTIONS) or ""
    except (ValueError, TypeError, RecursionError, AttributeError) as exc:
        log.debug("trafilatura failed: %s", exc)
        return ""


def fallback_text(html: str) -> str:
    """Paragraph text with boilerplate sections dropped, for pages trafilatura returns nothing for."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    paragraphs = [" ".join(p.get_text(" ").split()) for p in soup.find_all(["p", "h1", "h2", "h3", "li"])]
    text = "\n".join(p for p in paragraphs if len(p) > 1)
    if not text and soup.body:
        text = "\n".join(line for line in (" ".join(x.split()) for x in soup.body.get_text("\n").splitlines())
                         if line)
    return text


def htmldate_published(tree, url: str | None) -> datetime | None:
    """Publication date guessed by htmldate from the page (day precision, midnight UTC)."""
    try:
        found = htmldate.find_date(tree, original_date=True, extensive_search=False, url=url)
    except (ValueError, TypeError, RecursionError, AttributeError):
        return None
    if not found:
        return None
    return timestamps.plausible(datetime.strptime(found, "%Y-%m-%d").replace(tzinfo=timezone.utc))


def url_published(url: str) -> datetime | None:
    """The date a dated URL path carries ('/2024/06/26/', '2024-12-27-slug'), for text with none."""
    return htmldate_published(lxml.html.fromstring("<html><body></body></html>"), url)


_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _language_identifier():
    """py3langid's model, loaded once per process, answering with ISO 639-1 codes only.

    The model also knows dialects and scripts with longer codes (wuu, yue, zxx ...);
    articles.language holds two-letter codes, so those are left out of the choice.
    """
    from .langmodel import load_identifier
    identifier = load_identifier()
    identifier.set_languages([code for code in identifier.labels if len(code) == 2])
    # Scoring gathers one row per feature seen; the restricted table is a float16 copy
    # laid out by column. As C-ordered float32 the same scores (float16 widens
    # exactly) take about half the time an article, for some MB more memory.
    identifier.nb_ptc = np.ascontiguousarray(identifier.nb_ptc, dtype=np.float32)
    return identifier


def detect_language(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of text; the page's declared language when the text is too short to tell."""
    sample = text[:_LANG_SAMPLE]
    if len(_LETTER.findall(sample)) < 20:
        return declared
    return _language_identifier().classify(sample)[0]


# --------------------------------------------------------------------- the page

def _is_markup(html: str) -> bool:
    """False for binary or plainly non-HTML content (PDF, images, archives)."""
    head = html[:1024]
    if any(head.startswith(magic.decode("latin-1")) for magic in _NOT_HTML_MAGIC):
        return False
    # Binary files are full of NULs; one stray NUL in a page (a CMS bug) does not make it binary.
    if head.count("\x00") > len(head) // 20:
        return False
    return "<" in html[:65536]


def extract_page(html: bytes | str, *, url: str | None = None, http_charset: str | None = None,
                 feed_published: datetime | None = None) -> ExtractedPage:
    """Text, metadata, date and language of a page; never raises (junk in -> empty text out)."""
    encoding = None
    try:
        if isinstance(html, (bytes, bytearray)):
            if bytes(html[:8]).startswith(_NOT_HTML_MAGIC):
                return ExtractedPage(text="")
            html, encoding = decode_html(bytes(html), http_charset)
        if not _is_markup(html):
            return ExtractedPage(text="", encoding=encoding)
        return _without_nul(replace(_extract(html, url, feed_published), encoding=encoding))
    except Exception as exc:  # noqa: BLE001 - parsers raise assorted errors on junk; one page must not stop a batch
        log.warning("extraction failed for %s: %s: %s", url, type(exc).__name__, exc)
        return ExtractedPage(text="", encoding=encoding)


def _without_nul(page: ExtractedPage) -> ExtractedPage:
    """PostgreSQL text cannot hold NUL characters; junk pages do contain them."""
    return replace(page, **{name: value.replace("\x00", "") for name, value in vars(page).items()
                            if isinstance(value, str) and "\x00" in value})


def _extract(html: str, url: str | None, feed_published: datetime | None) -> ExtractedPage:
    meta = read_metadata(html, url)
    tree = load_tree(html)
    if _hit_depth_limit():
        # Markup nested past lxml's limit (256) is hostile or broken; lxml dropped what lies
        # deeper. The fallback's BeautifulSoup would build all of it (seconds and hundreds
        # of MB on a page of nested divs): give it the document lxml kept instead.
        html = lxml.html.tostring(lxml.html.fromstring(html.encode("utf-8", "replace"),
                                                       parser=HTML_PARSER), encoding="unicode")
    # htmldate deep-copies a tree it is given, but main_text prunes in place: date first.
    published, source = _published(feed_published, meta, tree, url)
    text = (main_text(tree) if tree is not None else "") or fallback_text(html)
    return ExtractedPage(
        text=text, title=meta["title"], author=meta["author"], site_name=meta["site_name"],
        canonical_url=meta["canonical_url"], language=detect_language(text, meta["language"]),
        published=published, modified=meta["modified"], date_source=source)


def _hit_depth_limit() -> bool:
    """True when the last parse with HTML_PARSER stopped at libxml2's nesting limit."""
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in HTML_PARSER.error_log)


def _published(feed_published, meta: dict, tree, url) -> tuple[datetime | None, str | None]:
    """The date chain: feed entry, then page metadata, then htmldate."""
    if timestamps.plausible(feed_published):
        return timestamps.plausible(feed_published), "feed"
    if meta["published"]:
        return meta["published"], "metadata"
    found = htmldate_published(tree, url) if tree is not None else None
    return (found, "htmldate") if found else (None, None)


# ------------------------------------------------------------- `tieup extract`

def extract_lines(lines: Iterable[str]) -> Iterator[str]:
    """The `tieup extract` contract: JSON Lines {id, html, url?} in, one result line per input, in order."""
    for line in lines:
        if not line.strip():
            continue
        yield json.dumps(_extract_line(line), ensure_ascii=False)


def _extract_line(line: str) -> dict:
    try:
        item = json.loads(line)
    except ValueError as exc:
        return {"id": None, "error": f"not JSON: {exc}"}
    if not isinstance(item, dict) or "id" not in item:
        return {"id": None, "error": 'expected an object with "id" and "html"'}
    html, url = item.get("html"), item.get("url")
    if not isinstance(html, str):
        return {"id": item["id"], "error": '"html" must be a string'}
    if url is not None and not isinstance(url, str):
        return {"id": item["id"], "error": '"url" must be a string'}
    page = extract_page(html, url=url)
    return {"id": item["id"], "text": page.text, "title": page.title,
            "published": page.published.isoformat() if page.published else None,
            "language": page.language}
