"""Archive backfill (`tieup ingest`): validate JSON-lines records and store them as 'extracted'.

run.ingest_archive stores them here, then takes them through the queue like fetched
news. Records go in batches of ARCHIVE_BATCH_ROWS; a batch the database refuses (a value
it cannot hold) is redone one record at a time, so only the bad record is reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from urllib.parse import urlsplit

from .. import db, extract, fingerprint, safetext, timestamps, urls
from ..models import ExtractedPage
from ..store import articles as article_store


# Archive records per INSERT in a backfill: one round trip and one commit per batch, not per row.
ARCHIVE_BATCH_ROWS = 500


def store_archive_records(conn, records, progress=None) -> Counter:
    """The storing half of ingest_archive: validate and insert records as 'extracted', committed."""
    return store_archived_rows(conn, map(archived_row, records), progress)


def archived_row(numbered: tuple) -> tuple:
    """(line number, the articles row of a record), or (line number, why the record is unusable)."""
    line_no, record = numbered
    try:
        return line_no, _archived_row(record)
    except (KeyError, TypeError, ValueError) as exc:
        return line_no, exc


def store_archived_rows(conn, rows, progress=None) -> Counter:
    """Insert archived_row results in batches, committed; the unusable ones are reported and counted."""
    counts, batch = Counter(), []
    for line_no, row in rows:
        if isinstance(row, Exception):  # found before anything is written
            counts += _invalid(line_no, row, progress)
            continue
        batch.append((line_no, row))
        if len(batch) >= ARCHIVE_BATCH_ROWS:
            counts += _store_archived(conn, batch, progress)
            batch = []
    return counts + _store_archived(conn, batch, progress)


def _store_archived(conn, batch: list[tuple], progress) -> Counter:
    """Insert (line_no, row) pairs in one transaction; redo them one by one if it fails."""
    try:
        stored = len(article_store.insert_archived_batch(conn, [row for _, row in batch]))
        conn.commit()
        return Counter(records_stored=stored, records_known=len(batch) - stored)
    except Exception as exc:  # noqa: BLE001 - an outage propagates, a refused value is the record's
        conn.rollback()
        if db.is_transient_db_error(exc, conn):
            raise
        if len(batch) == 1:
            return _invalid(batch[0][0], safetext.describe(exc), progress)
    return sum((_store_archived(conn, [one], progress) for one in batch), Counter())


def _invalid(line_no, error, progress) -> Counter:
    if progress:  # a JSON Lines line number, or where a WARC record is ("name.warc.gz@offset")
        progress(line_no, f"line {line_no}: {error}" if isinstance(line_no, int) else f"{line_no}: {error}")
    return Counter(records_invalid=1)


def _archived_row(record) -> dict:
    """The articles row of one archive record; ValueError when the record is unusable."""
    if isinstance(record, ValueError):
        raise ValueError(f"not valid JSON ({record})")
    if not isinstance(record, dict) or not isinstance(record.get("url"), str):
        raise ValueError("a record needs a string 'url'")
    page = _archived_page(record)
    if not page.text.strip():
        raise ValueError("a record needs non-empty 'text' or 'html'")
    title = record.get("title") or page.title
    if title is not None and not isinstance(title, str):
        raise ValueError("'title' must be a string")
    url, text = _storable(record["url"], "url"), _storable(page.text, "text")
    canonical = urls.canonical_url(url)
    return {"canonical": canonical, "url_hash": urls.url_hash(canonical), "url": url,
            "domain": urlsplit(canonical).hostname or "",
            "title": _storable(title.replace("\x00", ""), "title") if title is not None else None,
            "text": text, "text_hash": fingerprint.text_hash(text), "published": page.published,
            "language": page.language}


def _storable(value: str, field: str) -> str:
    """value, if PostgreSQL text can hold it; ValueError for a NUL or a lone surrogate."""
    if "\x00" in value:
        raise ValueError(f"'{field}' contains a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"'{field}' contains a lone surrogate (not Unicode text)") from None
    return value


def _archived_page(record: dict):
    # the same date parsing (and plausibility check) as page metadata
    published = timestamps.plausible(extract.parse_date(record.get("published")))
    if isinstance(record.get("text"), str):
        # a text record without a date takes its URL's, as a fetched page would (stories need one)
        published = published or extract.url_published(record["url"])
        # PostgreSQL text cannot hold NUL characters
        text = record["text"].replace("\x00", "")
        # the language is detected as for a fetched page (stories and v_articles need it)
        return ExtractedPage(text=text, title=record.get("title"), published=published,
                             language=extract.detect_language(text))
    if isinstance(record.get("html"), str):
        page = extract.extract_page(record["html"], url=record["url"], feed_published=published)
        # a web archive's capture date stands in for a page that states none
        crawled = timestamps.plausible(extract.parse_date(record.get("crawled")))
        return page if page.published or not crawled else replace(page, published=crawled)
    raise ValueError("a record needs 'text' or 'html'")
