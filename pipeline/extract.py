"""Main text and metadata from article HTML (first version: BeautifulSoup paragraphs)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Iterable, Iterator

from bs4 import BeautifulSoup

from .models import ExtractedPage


def decode_html(body: bytes, http_charset: str | None) -> tuple[str, str]:
    """Decode with the HTTP charset when given, else UTF-8 with replacement."""
    encoding = http_charset or "utf-8"
    try:
        return body.decode(encoding), encoding
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace"), "utf-8"


def extract_page(html: bytes | str, *, url: str | None = None, http_charset: str | None = None,
                 feed_published: datetime | None = None) -> ExtractedPage:
    """Paragraph text, title, canonical URL and language of a page."""
    if isinstance(html, bytes):
        html, _ = decode_html(html, http_charset)
    soup = BeautifulSoup(html, "lxml")
    paragraphs = [p.get_text(" ", strip=True) for p in soup.find_all("p")]
    title = soup.title.get_text(strip=True) if soup.title else None
    canonical = soup.find("link", rel="canonical")
    lang = soup.html.get("lang") if soup.html else None
    return ExtractedPage(text="\n\n".join(p for p in paragraphs if p), title=title,
                         canonical_url=canonical.get("href") if canonical else None,
                         language=lang, published=feed_published)


def extract_lines(lines: Iterable[str]) -> Iterator[str]:
    """The `tieup extract` contract: JSON Lines in, one JSON line out per input."""
    for line in lines:
        try:
            item = json.loads(line)
            page = extract_page(item["html"], url=item.get("url"))
            out = {"id": item.get("id"), "text": page.text, "title": page.title,
                   "published": page.published.isoformat() if page.published else None,
                   "language": page.language}
        except (ValueError, KeyError, TypeError) as exc:
            out = {"id": None, "error": f"bad input line: {exc}"}
        yield json.dumps(out, ensure_ascii=False)
