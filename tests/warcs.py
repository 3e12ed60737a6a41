"""WARC files for the backfill tests, written with FastWARC's own writer (the reader tieup uses)."""

from __future__ import annotations

from pathlib import Path

from fastwarc.stream_io import GzipWriter
from fastwarc.warc import WarcRecord, WarcRecordType

from .site import SITE


def response(url: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK",
             date: str = "2026-11-02T10:00:00Z", record_type=WarcRecordType.response) -> WarcRecord:
    """One WARC record holding an HTTP response (as CC-NEWS stores them)."""
    record = WarcRecord()
    record.init_headers(record_type=record_type)
    record.headers["WARC-Target-URI"] = url
    record.headers["WARC-Date"] = date
    record.headers["Content-Type"] = "application/http; msgtype=response"
    record.set_bytes_content(f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n\r\n".encode() + body)
    return record


def write_warc(path: Path, records: list[WarcRecord], gzip: bool = True) -> Path:
    """A WARC file of these records, each its own gzip member (as Common Crawl writes them)."""
    with open(path, "wb") as out:
        for record in records:
            if gzip:
                writer = GzipWriter(out)
                record.write(writer)
                writer.close()  # ends the member; the file stays open
            else:
                record.write(out)
    return path


def site_records(base: str = "https://archive.example/news/") -> list[WarcRecord]:
    """The fixture site's twelve articles as responses (their {{BASE}} pointing at `base`)."""
    pages = sorted((SITE / "articles").glob("*.html"))
    return [response(base + page.name, page.read_text(encoding="utf-8").replace("{{BASE}}", base.rstrip("/"))
                     .encode("utf-8")) for page in pages]
