"""Pipeline commands: db migrate, feeds, run, ingest, reclassify, extract, classify."""

from __future__ import annotations

import json
import sys

from .. import db, stages
from ..errors import UsageError
from ..services import admin, backfill
from ..services import feeds as feed_service
from .common import _connection, _settings, open_input

SUMMARY_LINES = (
    ("feeds", ("feeds_polled", "feeds_failed", "feeds_not_modified")),
    ("entries", ("entries_new", "entries_seen")),
    ("articles", ("articles_stored", "articles_retry", "articles_parked", "duplicates_exact", "duplicates_near",
                  "articles_classified", "alliance_articles")),
    ("alliance events", ("events_created", "events_updated")),
)


def cmd_db_migrate(args) -> int:
    with _connection(args) as conn:
        applied, companies = admin.migrate(conn)
    print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}; "
          f"views refreshed; {companies} companies synced from the gazetteer")
    return 0


def cmd_feeds_add(args) -> int:
    settings = _settings(args)
    with _connection(args) as conn:
        feed_id, url, kind = feed_service.add(conn, settings, args.url, args.name, args.kind, args.query)
    print(f"feed {feed_id} ({kind}): {url}")
    return 0


FEED_COLUMNS = ("id", "health", "failures", "kind", "last poll (UTC)", "name", "url", "last error")


def feed_rows(rows: list[dict]) -> list[tuple[str, ...]]:
    """Feeds as the text cells of `tieup feeds list`, in FEED_COLUMNS order."""
    def one_line(value) -> str:
        return " ".join(str(value).split()) if value is not None else "-"
    return [(str(r["feed_id"]), r["health"], str(r["consecutive_failures"]), r["kind"],
             f"{r['last_polled_at']:%Y-%m-%d %H:%M}" if r["last_polled_at"] else "-",
             one_line(r["name"]), one_line(r["url"]), one_line(r["last_error"])) for r in rows]


def align(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """Lines of a table with a header; every column but the last padded to its widest cell."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]).rstrip()
            for row in [header, *rows]]


def cmd_feeds_list(args) -> int:
    with _connection(args) as conn:
        rows = feed_service.list_feeds(conn)
    if not rows:
        print("no feeds yet: `tieup feeds sync` loads the feeds file, `tieup feeds add URL` adds one")
        return 0
    print("\n".join(align(FEED_COLUMNS, feed_rows(rows))))
    return 0


def cmd_feeds_toggle(args) -> int:
    enabled = args.feeds_command == "enable"
    with _connection(args) as conn:
        feed_id = feed_service.set_enabled(conn, args.feed, enabled)
    print(f"feed {feed_id} {'enabled' if enabled else 'disabled'}")
    return 0


def cmd_feeds_sync(args) -> int:
    settings = _settings(args)
    with db.connection(settings.database_url) as conn:
        counts = feed_service.sync(conn, settings)
    print(f"feeds.yml synced: {counts['feeds_added']} added, {counts['feeds_updated']} updated")
    return 0


def format_summary(counts: dict) -> str:
    """Human summary of a pass, one line per kind of item."""
    lines = [f"run {counts.get('run_id', '?')} finished"]
    for label, keys in SUMMARY_LINES:
        parts = [f"{k.split('_', 1)[1].replace('_', ' ')} {counts.get(k, 0)}" for k in keys]
        lines.append(f"  {label + ':':<17} " + ", ".join(parts))
    return "\n".join(lines)


def cmd_run(args) -> int:
    if not args.once:
        print("tieup run needs --once (the scheduled service runs under Airflow: make run)",
              file=sys.stderr)
        return 2
    counts = stages.run_once(_settings(args), trigger="cli")
    print(json.dumps(counts, default=str) if args.json else format_summary(counts))
    return 0


def _read_jsonl(source):
    """(line number, parsed object or the error) for each non-blank line of a JSON Lines file."""
    with source:
        for line_no, line in enumerate(source, 1):
            if line.strip():
                try:
                    yield line_no, json.loads(line)
                except ValueError as exc:
                    yield line_no, exc


def cmd_ingest(args) -> int:
    if backfill.is_warc_input(args.file):
        return _ingest_warc(args)
    if len(args.file) > 1:
        raise UsageError("JSON Lines ingest takes one file (several files: WARC only)")
    if args.language or args.keywords or args.companies or args.workers:
        raise UsageError("--language, --keywords, --companies and --workers are for WARC files only")
    from tqdm import tqdm
    settings = _settings(args)
    source = open_input(args.file[0])  # before the progress bar: a missing file is one line, no bar
    bar = tqdm(_read_jsonl(source), desc="ingest", unit=" records", disable=args.quiet)

    def report(line_no, error):
        bar.write(f"skipped {error}", file=sys.stderr)

    with db.connection(settings.database_url) as conn:
        counts = stages.ingest_archive(conn, settings, bar, progress=report)
    print(f"records: stored {counts['records_stored']}, already known {counts['records_known']}, "
          f"invalid {counts['records_invalid']}; duplicates {counts['duplicates_exact'] + counts['duplicates_near']}; "
          f"alliance events created {counts['events_created']}, updated {counts['events_updated']}")
    return 0


def _ingest_warc(args) -> int:
    from tqdm import tqdm
    settings = _settings(args)
    files = backfill.warc_paths(args.file)
    prefilter = backfill.prefilter(_words(args.language), _words(args.keywords), args.companies)
    bar = tqdm(total=sum(f.stat().st_size for f in files), desc="ingest", unit="B", unit_scale=True,
               disable=args.quiet)
    counts = backfill.ingest_warc(settings, files, prefilter,
                                  report=lambda where, error: bar.write(f"skipped {error}", file=sys.stderr),
                                  on_page=_progress(bar),
                                  workers=None if args.workers is None else max(0, args.workers))
    bar.close()
    print(format_warc_summary(counts, prefilter.active))
    return 0


def _words(value: str | None) -> list[str]:
    return [w for w in (value or "").split(",") if w.strip()]


def _progress(bar):
    """A WARC page callback moving the bar by file bytes, with records per second beside it."""
    state = {"records": 0, "offset": 0}

    def on_page(page):
        if page.offset < state["offset"]:  # the next file (or a resumed one) starts again at 0
            state["offset"] = page.offset
        bar.update(page.offset - state["offset"])
        state["offset"], state["records"] = page.offset, state["records"] + 1
        elapsed = bar.format_dict["elapsed"] or 1e-9
        bar.set_postfix_str(f"{state['records']} records, {state['records'] / elapsed:.0f} records/s",
                            refresh=False)
    return on_page


def format_warc_summary(counts: dict, filtered: bool) -> str:
    """What a WARC backfill did, in a few lines."""
    lines = [f"files: read {counts['files_read']}, already ingested {counts['files_skipped']}",
             f"records: read {counts['records_read']}, not HTML {counts['records_not_html']}, "
             f"invalid {counts['records_invalid']}, stored {counts['records_stored']}, "
             f"already known {counts['records_known']}"]
    if filtered:
        lines.append(f"pre-filter: dropped {counts['records_filtered']} before extraction "
                     f"(language {counts['filtered_language']}, words {counts['filtered_words']})")
    lines.append(f"duplicates {counts['duplicates_exact'] + counts['duplicates_near']}; "
                 f"alliance events created {counts['events_created']}, updated {counts['events_updated']}")
    return "\n".join(lines)


def cmd_reclassify(args) -> int:
    settings = _settings(args)
    with db.connection(settings.database_url) as conn:
        counts = stages.reclassify(conn, settings, since=args.since, outdated_only=args.outdated)
    print(f"reclassified {counts['articles_classified']} article(s); alliance events "
          f"created {counts['events_created']}, updated {counts['events_updated']}")
    return 0


def _jsonl_command(transform, args) -> int:
    with open_input(args.file) as source:
        for line in transform(line.rstrip("\n") for line in source):
            sys.stdout.write(line + "\n")
    return 0


def cmd_extract(args) -> int:
    from ..extract import extract_lines
    return _jsonl_command(extract_lines, args)


def cmd_classify(args) -> int:
    from ..classify.contract import classify_lines
    return _jsonl_command(classify_lines, args)


