"""Article pages -> text, metadata, publication date and language. Pure: bytes/str in, ExtractedPage out.

Main text comes from trafilatura with comments off and favor_precision on: that pair
scored highest on the article-extraction benchmark (bench/bench_extract.py), above
either setting alone. Metadata is read with lxml from the meta tags (BeautifulSoup
only for pages trafilatura finds no text in); dates with htmldate as the
last resort; language with py3langid (a naive Bayes model shipped in the package).
"""

from __future__ import annotations

import codecs
import json
import logging
import re
import warnings
from dataclasses import replace
from datetime import datetime, timezone
from functools import lru_cache
from typing import Iterable, Iterator

import htmldate
import lxml.etree
import lxml.html
import numpy as np
import trafilatura
from bs4 import BeautifulSoup
from charset_normalizer import from_bytes
from dateutil import parser as dateparser
from trafilatura.settings import MANUALLY_CLEANED
from trafilatura.utils import HTML_PARSER, repair_faulty_html

from . import dates
from .models import ExtractedPage

log = logging.getLogger(__name__)

TRAFILATURA_OPTIONS = {"include_comments": False, "favor_precision": True}
# Elements trafilatura deletes in its own cleaning step (its public, user-tunable list), minus
# the three it treats specially: forms (large ones are kept as content), head, scripts.
_PRESTRIP = [tag for tag in MANUALLY_CLEANED if tag not in ("form", "head", "script")]
_SVG = "{http://www.w3.org/2000/svg}svg"

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do we.
_CP1252_ALIASES = {"iso8859-1", "iso8859_1", "latin-1", "latin_1", "latin1", "iso-8859-1", "cp819"}
_NOT_HTML_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"RIFF")
# Candidates whose mess score is this close to the best one count as equally good fits.
_CHAOS_TOLERANCE = 0.02
_PREFERRED = ("utf-8", "ascii", "cp1252")
_LATIN_CODEPAGES = {"cp1250", "cp1252", "cp1254", "cp1257", "cp775", "cp850", "cp852", "cp858",
                    "latin_1", "iso8859-1"}
_CP1252_PUNCTUATION = set("\u00a0‘’‚“”„–—…€«»°·•©®™§¶¿¡×÷±½¼¾¹²³µ")

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


# ------------------------------------------------------------------------ decoding

def decode_html(body: bytes, http_charset: str | None) -> tuple[str, str]:
    """(text, encoding used): BOM, then HTTP charset, then <meta charset>, then detection."""
    # A byte order mark is unambiguous, so it outranks the header (as in the WHATWG decode rules).
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace"), encoding
    for declared in (http_charset, _meta_charset(body)):
        text = _try_declared(body, declared)
        if text is not None:
            return text
    return _detect(body)


def normalise_charset(label: str | None) -> str | None:
    """Python codec name for a charset label; None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _CP1252_ALIASES:
        label = "windows-1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "ignore") if match else None


def _try_declared(body: bytes, label: str | None) -> tuple[str, str] | None:
    """Decode with a declared charset, unless the bytes show the declaration is wrong."""
    encoding = normalise_charset(label)
    if encoding is None:
        return None
    if encoding != "utf-8" and _is_utf8_with_non_ascii(body):
        return body.decode("utf-8"), "utf-8"  # the classic mislabel: UTF-8 sent as Latin-1
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        return None
    # Single-byte charsets decode any bytes, so a wrong one (KOI8-R read as windows-1251)
    # only shows as a worse fit than the detector's best candidate.
    if _is_single_byte(encoding) and not body.isascii() and not _detection_agrees(body, encoding):
        return None
    return text, encoding


def _is_utf8_with_non_ascii(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@lru_cache(maxsize=64)
def _is_single_byte(encoding: str) -> bool:
    if encoding.startswith(("utf", "ascii")):
        return False
    return len(bytes(range(128, 256)).decode(encoding, errors="replace")) == 128


def _candidates(body: bytes) -> list[tuple[str, float]]:
    """(codec, chaos) per encoding charset-normalizer finds plausible, best first."""
    return [(normalise_charset(m.encoding) or m.encoding, m.chaos) for m in from_bytes(body[:500_000])]


def _detection_agrees(body: bytes, encoding: str) -> bool:
    candidates = _candidates(body)
    if not candidates:
        return True
    least = min(chaos for _, chaos in candidates)
    return any(name == encoding and chaos <= least + _CHAOS_TOLERANCE for name, chaos in candidates)


def _detect(body: bytes) -> tuple[str, str]:
    """Detected encoding; among near-equal fits prefer UTF-8, then windows-1252 (most of the web)."""
    candidates = _candidates(body)
    if not candidates:
        return body.decode("utf-8", errors="replace"), "utf-8"
    least = min(chaos for _, chaos in candidates)
    close = [name for name, chaos in candidates if chaos <= least + _CHAOS_TOLERANCE]
    encoding = next((p for p in _PREFERRED if p in close), close[0])
    if encoding == "ascii":
        encoding = "utf-8"
    elif _is_latin_single_byte(encoding) and _clean_cp1252(body):
        # On short texts the detector cannot tell Western from Baltic or Central European
        # single-byte code pages; like browsers, fall back to windows-1252 when it fits.
        encoding = "cp1252"
    return body.decode(encoding, errors="replace"), encoding


def _is_latin_single_byte(encoding: str) -> bool:
    return encoding in _LATIN_CODEPAGES or encoding.startswith(("iso8859-", "mac-"))


def _clean_cp1252(body: bytes) -> bool:
    """True when windows-1252 decodes every byte to a letter or common punctuation."""
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return all(c.isascii() or c.isalpha() or c in _CP1252_PUNCTUATION for c in text)


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
    set-up costs 0.3 ms a page, ten times the parse.
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
    return dates.to_utc(parsed)


def _first_date(values: list) -> datetime | None:
    for value in values:
        parsed = dates.plausible(parse_date(value))
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
    repair, and lxml gets UTF-8 bytes (its own fallback path), which it reads about
    1.6x faster than a str: the same tree, 0.6 ms instead of 1.2 ms on a 110 KB page.
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
    return dates.plausible(datetime.strptime(found, "%Y-%m-%d").replace(tzinfo=timezone.utc))


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
    # exactly) take 0.12 ms instead of 0.26 ms an article, for 23 MB more memory.
    identifier.nb_ptc = np.ascontiguousarray(identifier.nb_ptc, dtype=np.float32)
    return identifier


def detect_language(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of text; the page's declared language when the text is too short to tell."""
    sample = text[:_LANG_SAMPLE]
    if sum(ch.isalpha() for ch in sample) < 20:
        return declared
    return _language_identifier().classify(sample)[0]


# --------------------------------------------------------------------- the page

def looks_like_html(html: str) -> bool:
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
        if not looks_like_html(html):
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
    # htmldate deep-copies a tree it is given, but main_text prunes in place: date first.
    published, source = _published(feed_published, meta, tree, url)
    text = (main_text(tree) if tree is not None else "") or fallback_text(html)
    return ExtractedPage(
        text=text, title=meta["title"], author=meta["author"], site_name=meta["site_name"],
        canonical_url=meta["canonical_url"], language=detect_language(text, meta["language"]),
        published=published, modified=meta["modified"], date_source=source)


def _published(feed_published, meta: dict, tree, url) -> tuple[datetime | None, str | None]:
    """The date chain: feed entry, then page metadata, then htmldate."""
    if dates.plausible(feed_published):
        return dates.plausible(feed_published), "feed"
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
