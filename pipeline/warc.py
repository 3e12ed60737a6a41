"""Reading WARC files for backfill (`tieup ingest FILE.warc.gz`): HTML responses, their URL and date.

FastWARC reads the records. On the same per-record gzipped file it used about a
third of warcio's CPU (bench/RESULTS.md, "WARC backfill"); both are kept up, and
FastWARC also seeks to a record's offset, which resuming needs. Each record read
is a WarcPage: an HTML page ready for extraction, or why it was skipped (not an
HTML 200 response) or is bad (truncated, undecodable). A record's offset is where
it starts in the file, so a rerun can start at the first record not yet stored.
The pre-filter (PreFilter) keeps backfill affordable: a record whose declared
language or whose words do not match is dropped before extraction.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

import ahocorasick
from fastwarc.warc import ArchiveIterator, WarcRecordType

from . import timestamps
from .charsets import decode_html
from .errors import FetchError
from .httpdecode import decode_stream

HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_SUFFIXES = (".warc", ".warc.gz")
_HEAD = 4096
_TAIL_CHECKED = 64 << 20   # at most this much after the last response is checked for a cut-off record
_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)


@dataclass(frozen=True)
class WarcPage:
    """One response record: html set when it is a page to extract, else skipped or error says why."""

    offset: int
    size: int
    url: str | None = None
    date: datetime | None = None
    html: str | None = None
    content_language: str | None = None
    skipped: str | None = None
    error: str | None = None


def warc_files(paths: list[str]) -> list[Path]:
    """The WARC files named: files, folders (their *.warc and *.warc.gz, sorted), or list files of paths."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))
        elif path.name.endswith(WARC_SUFFIXES):
            found.append(path)
        else:  # a list of WARC files, one path a line (relative to the list's folder)
            lines = path.read_text(encoding="utf-8").splitlines()
            found += [path.parent / line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return list(dict.fromkeys(found))


def file_key(path: Path) -> bytes:
    """A WARC file's identity for resuming: SHA-256 of its size and first MiB (the name may change)."""
    digest = hashlib.sha256(str(path.stat().st_size).encode())
    with open(path, "rb") as f:
        digest.update(f.read(1 << 20))
    return digest.digest()


def read_pages(path: Path, start: int = 0, max_bytes: int = 5 * 1024 * 1024) -> Iterator[WarcPage]:
    """The response records of a WARC file from offset `start`, in order.

    Records larger than max_bytes are skipped unread; an unreadable stretch ends the
    file with an error page (what came before it is kept); a record cut off at the
    end of the file is an error page too, never half a page.
    """
    with open(path, "rb") as stream:
        stream.seek(start)
        records = ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True,
                                  auto_decode="transfer", max_content_length=max_bytes)
        offset, last = start, None
        try:
            for record in records:
                if last is not None:
                    yield last
                offset = record.stream_pos
                last = _page(record, max_bytes)
        except OSError as exc:
            if last is not None:
                yield last
            yield WarcPage(offset=offset, size=0, error=f"unreadable after offset {offset}: {exc}")
            return
    if last is not None:
        yield _checked_last(path, last)


def _page(record, max_bytes: int) -> WarcPage:
    url = record.headers.get("WARC-Target-URI")
    offset, size = record.stream_pos, record.content_length
    date = timestamps.plausible(record.record_date) if record.record_date else None
    status = record.http_headers.status_code if record.http_headers else None
    content_type = (record.http_content_type or "").lower()
    if status != 200 or content_type not in HTML_TYPES:
        return WarcPage(offset, size, url, skipped=f"HTTP {status} {content_type or 'no type'}")
    try:
        body = _decoded(record.reader.read(), record.http_headers.get("Content-Encoding"), max_bytes)
    except FetchError as exc:
        return WarcPage(offset, size, url, error=f"record at offset {offset}: {exc}")
    html, _ = decode_html(body, record.http_charset)
    return WarcPage(offset, size, url, date, html, record.http_headers.get("Content-Language"))


def _decoded(body: bytes, encoding: str | None, max_bytes: int) -> bytes:
    """The payload with its Content-Encoding undone, under the same cap as fetching."""
    encodings = [e.strip().lower() for e in (encoding or "").split(",") if e.strip().lower() not in ("", "identity")]
    return b"".join(decode_stream(iter([body]), encodings, max_bytes)) if encodings else body


def _checked_last(path: Path, page: WarcPage) -> WarcPage:
    """The last response, or an error page when the file ends inside a record from it on (a cut download)."""
    with open(path, "rb") as stream:
        stream.seek(page.offset)
        gzipped = stream.read(2) == b"\x1f\x8b"
        stream.seek(page.offset)
        if gzipped:  # past _TAIL_CHECKED the file is not checked: what is cut there is not the file's end
            tail = stream.read(_TAIL_CHECKED)
            cut = _cut_gzip_member(tail) and not stream.read(1)
        else:
            cut = _cut_plain_record(stream)
    if cut:
        return WarcPage(page.offset, page.size, page.url,
                        error=f"record at offset {page.offset} or after it is truncated (the file ends inside it)")
    return page


def _cut_gzip_member(data: bytes) -> bool:
    """True when one of the gzip members in data stops before its end (FastWARC drops such a member silently)."""
    while data.strip():
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            inflate.decompress(data, 1 << 16)
            while inflate.unconsumed_tail and not inflate.eof:  # output bounded: a bomb is not unpacked
                inflate.decompress(inflate.unconsumed_tail, 1 << 16)
        except zlib.error:
            return True
        if not inflate.eof:
            return True
        data = inflate.unused_data
    return False


def _cut_plain_record(stream) -> bool:
    """True when an uncompressed record from the stream's position on holds less than its Content-Length."""
    for record in ArchiveIterator(stream, parse_http=False):
        if len(record.reader.read()) != record.content_length:
            return True
    return False


@dataclass(frozen=True)
class PreFilter:
    """Which records are worth extracting: a declared language among `languages`, any of `words` in the HTML."""

    languages: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()

    def __post_init__(self):
        automaton = ahocorasick.Automaton()
        for word in {w.casefold() for w in self.words if w.strip()}:
            automaton.add_word(word, word)
        if len(automaton):
            automaton.make_automaton()
        object.__setattr__(self, "_automaton", automaton if len(automaton) else None)

    @property
    def active(self) -> bool:
        return bool(self.languages or self.words)

    def reason_to_drop(self, page: WarcPage) -> str | None:
        """Why this page is not worth extracting ('language' or 'words'), or None to keep it.

        A page that declares no language (no <html lang>, no Content-Language) is kept.
        """
        if self.languages:
            declared = declared_language(page)
            if declared and declared not in self.languages:
                return "language"
        if self._automaton is not None:
            if next(self._automaton.iter(page.html.casefold()), None) is None:
                return "words"
        return None


def declared_language(page: WarcPage) -> str | None:
    """The primary language tag a page declares (<html lang>, else Content-Language), lower case."""
    match = _LANG.search(page.html[:_HEAD]) if page.html else None
    value = match.group(1) if match else (page.content_language or "").split(",")[0].split("-")[0].strip()
    return value.lower() or None
