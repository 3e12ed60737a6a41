"""The `tieup` command line: everything that is not the scheduler."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg2

from . import db, stages
from .errors import TieupError
from .settings import Settings, load_settings
from .store import feeds as feed_store
from .store.migrations import migrate

SUMMARY_LINES = (
    ("feeds", ("feeds_polled", "feeds_failed", "feeds_not_modified")),
    ("entries", ("entries_new", "entries_seen")),
    ("articles", ("articles_stored", "articles_retry", "articles_parked", "duplicates_exact", "duplicates_near",
                  "articles_classified", "alliance_articles")),
    ("alliance events", ("events_created", "events_updated")),
)


def _settings(args) -> Settings:
    settings = load_settings()
    if getattr(args, "database_url", None):
        settings = settings.with_overrides(database_url=args.database_url)
    return settings


@contextmanager
def _connection(args):
    with db.connection(_settings(args).database_url) as conn:
        yield conn


def cmd_db_migrate(args) -> int:
    with _connection(args) as conn:
        applied = migrate(conn)
    print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}; views refreshed")
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
    from .extract import extract_lines
    return _jsonl_command(extract_lines, args)


def cmd_classify(args) -> int:
    from .classify.contract import classify_lines
    return _jsonl_command(classify_lines, args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tieup", description=__doc__)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: $DATABASE_URL)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    db_parser = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db_parser.add_parser("migrate", help="apply pending migrations and refresh views").set_defaults(func=cmd_db_migrate)

    feeds = sub.add_parser("feeds", help="manage feeds").add_subparsers(dest="feeds_command", required=True)
    add = feeds.add_parser("add", help="add a feed by URL")
    add.add_argument("url")
    add.add_argument("--name")
    add.set_defaults(func=cmd_feeds_add)
    feeds.add_parser("list", help="list feeds and their health").set_defaults(func=cmd_feeds_list)
    feeds.add_parser("sync", help="upsert the feeds listed in feeds.yml").set_defaults(func=cmd_feeds_sync)
    for name in ("disable", "enable"):
        toggle = feeds.add_parser(name, help=f"{name} a feed by id or URL")
        toggle.add_argument("feed")
        toggle.set_defaults(func=cmd_feeds_toggle)

    run = sub.add_parser("run", help="one full pass without Airflow")
    run.add_argument("--once", action="store_true", help="poll, fetch, extract, dedupe, classify, load, then exit")
    run.add_argument("--json", action="store_true", help="print the counts as JSON")
    run.set_defaults(func=cmd_run)

    ingest = sub.add_parser("ingest", help="backfill from a JSON Lines archive {url, title?, text|html, published?}")
    ingest.add_argument("file", help="JSON Lines file, or - for stdin")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(func=cmd_ingest)

    reclass = sub.add_parser("reclassify", help="re-run classification on stored articles (no refetch)")
    reclass.add_argument("--since", type=date.fromisoformat, help="only articles published on or after YYYY-MM-DD")
    reclass.add_argument("--outdated", action="store_true", help="only articles classified by an older classifier version")
    reclass.set_defaults(func=cmd_reclassify)

    for name, func, text in (("extract", cmd_extract, "JSON Lines {id, html, url?} -> {id, text, title, published, language}"),
                             ("classify", cmd_classify, "JSON Lines {id, text, ...} -> alliance classification")):
        p = sub.add_parser(name, help=text)
        p.add_argument("file", nargs="?", help="input JSON Lines file (default: stdin)")
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except TieupError as exc:
        print(f"tieup: {exc}", file=sys.stderr)
        return 1
    except psycopg2.Error as exc:
        kind = "temporary " if db.is_transient_db_error(exc) else ""
        print(f"tieup: {kind}database error: {str(exc).strip()} (rerun to continue; "
              "finished work is kept)", file=sys.stderr)
        return 75 if kind else 1  # EX_TEMPFAIL: worth retrying


if __name__ == "__main__":
    sys.exit(main())
