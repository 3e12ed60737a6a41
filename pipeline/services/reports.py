"""Reports: the report of a period, the daily digest and the exports, from the database to plain data.

load_report() is what `tieup report`, the alliance digest and a web page show;
write_digest() writes the digest files for the alliance_digest DAG; export_table()
gives the columns and a row stream of an export view. Rendering is pipeline.report
and pipeline.export (pure).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from .. import report
from ..settings import Settings
from ..store import report as report_store

DIGEST_PERIOD = timedelta(days=1)


def load_report(conn, since: datetime, until: datetime, only=None) -> report.Report:
    """New and changed events of [since, until), grouped for display; `only`: just these event ids."""
    rows = report_store.report_events(conn, since, until)
    if only is not None:
        wanted = set(only)
        rows = [row for row in rows if row["event_id"] in wanted]
    return report.build_report(rows, since, until)


def export_table(conn, what: str) -> tuple[list[str], Iterator[tuple]]:
    """The columns and the rows (streamed) of the `events` or `articles` export."""
    return report_store.export_columns(conn, what), report_store.export_rows(conn, what)


def _write_atomically(path: Path, text: str) -> None:
    # A reader (a mail job, a web server) never sees a half-written digest.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_digest(conn, settings: Settings, now: datetime | None = None) -> dict:
    """Write alliance-digest-YYYY-MM-DD.html and .json for the last day; returns paths and counts."""
    now = now or datetime.now(timezone.utc)
    digest = load_report(conn, now - DIGEST_PERIOD, now)
    folder = Path(settings.digest_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"alliance-digest-{now:%Y-%m-%d}"
    html_path, json_path = folder / f"{stem}.html", folder / f"{stem}.json"
    _write_atomically(html_path, report.render(digest, "html"))
    _write_atomically(json_path, report.render(digest, "json"))
    return {"html": str(html_path), "json": str(json_path), "events": len(digest.events),
            "relationships": len(digest.relationships)}
