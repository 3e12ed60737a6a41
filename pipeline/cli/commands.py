"""Pipeline commands: db migrate, feeds, run, ingest, reclassify, extract, classify."""

from __future__ import annotations

import json
import sys

from .. import db, stages
from ..store import feeds as feed_store
from ..store.migrations import migrate
from .common import _connection, _settings

SUMMARY_LINES = (
    ("feeds", ("feeds_polled", "feeds_failed", "feeds_not_modified")),
    ("entries", ("entries_new", "entries_seen")),
    ("articles", ("articles_stored", "articles_retry", "articles_parked", "duplicates_exact", "duplicates_near",
                  "articles_classified", "alliance_articles")),
    ("alliance events", ("events_created", "events_updated")),
)


def cmd_db_migrate(args) -> int:
    with _connection(args) as conn:
        applied = migrate(conn)
        companies = stages.sync_companies(conn)
    print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}; "
          f"views refreshed; {companies} companies synced from the gazetteer")
    return 0


def cmd_feeds_add(args) -> int:
    with _connection(args) as conn:
        feed_id = feed_store.add_feed(conn, args.url, args.name or args.url)
    print(f"feed {feed_id}: {args.url}")
    return 0


def cmd_feeds_list(args) -> int:
    with _connection(args) as conn:
        rows = feed_store.list_feeds(conn)
    for r in rows:
        state = "enabled" if r["enabled"] else "disabled"
        print(f"{r['id']:>4}  {state:<8}  failures={r['consecutive_failures']:<3} "
              f"{r['name']}  {r['url']}")
    return 0


def cmd_feeds_toggle(args) -> int:
    enabled = args.feeds_command == "enable"
    with _connection(args) as conn:
        feed_id = feed_store.set_feed_enabled(conn, args.feed, enabled)
    print(f"feed {feed_id} {'enabled' if enabled else 'disabled'}")
    return 0


def cmd_feeds_sync(args) -> int:
    settings = _settings(args)
    with db.connection(settings.database_url) as conn:
        counts = stages.sync_feeds(conn, settings)
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


def _read_jsonl(path: str):
    """(line number, parsed object or the error) for each non-blank line of a JSON Lines file."""
    source = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")
    with source:
        for line_no, line in enumerate(source, 1):
            if line.strip():
                try:
                    yield line_no, json.loads(line)
                except ValueError as exc:
                    yield line_no, exc


def cmd_ingest(args) -> int:
    from tqdm import tqdm
    settings = _settings(args)
    bar = tqdm(_read_jsonl(args.file), desc="ingest", unit=" records", disable=args.quiet)

    def report(line_no, error):
        bar.write(f"skipped {error}", file=sys.stderr)

    with db.connection(settings.database_url) as conn:
        counts = stages.ingest_archive(conn, settings, bar, progress=report)
    print(f"records: stored {counts['records_stored']}, already known {counts['records_known']}, "
          f"invalid {counts['records_invalid']}; duplicates {counts['duplicates_exact'] + counts['duplicates_near']}; "
          f"alliance events created {counts['events_created']}, updated {counts['events_updated']}")
    return 0


def cmd_reclassify(args) -> int:
    settings = _settings(args)
    with db.connection(settings.database_url) as conn:
        counts = stages.reclassify(conn, settings, since=args.since, outdated_only=args.outdated)
    print(f"reclassified {counts['articles_classified']} article(s); alliance events "
          f"created {counts['events_created']}, updated {counts['events_updated']}")
    return 0


def _jsonl_command(transform, args) -> int:
    source = sys.stdin if args.file in (None, "-") else open(args.file, encoding="utf-8")
    with source:
        for line in transform(line.rstrip("\n") for line in source):
            sys.stdout.write(line + "\n")
    return 0


def cmd_extract(args) -> int:
    from ..extract import extract_lines
    return _jsonl_command(extract_lines, args)


def cmd_classify(args) -> int:
    from ..classify.contract import classify_lines
    return _jsonl_command(classify_lines, args)


