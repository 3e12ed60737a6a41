"""The `tieup` command line: everything that is not the scheduler."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg2
import psycopg2.errors

from . import db, stages
from .errors import TieupError, ValidationError
from .models import DEAL_STATUSES, DEAL_TYPES
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
    from .extract import extract_lines
    return _jsonl_command(extract_lines, args)


def cmd_classify(args) -> int:
    from .classify.contract import classify_lines
    return _jsonl_command(classify_lines, args)


# --- review, roles, report and export -----------------------------------------
# Kept in one block so that merging it with other work on the CLI stays trivial.

def _default_reviewer() -> str | None:
    """$TIEUP_REVIEWER, else the login name; the database login is audited separately."""
    import getpass
    try:
        return os.environ.get("TIEUP_REVIEWER") or getpass.getuser()
    except (KeyError, OSError):
        return None


def cmd_db_roles(args) -> int:
    from .store import roles
    with _connection(args) as conn:
        created = roles.create_roles(conn)
    print(f"roles ready: {', '.join(roles.ROLES)} (created now: {', '.join(created) or 'none'}); grants applied")
    return 0


def cmd_review_list(args) -> int:
    from .store import review as review_store
    with _connection(args) as conn:
        rows = review_store.list_events(conn, args.state, args.limit)
    if rows:
        print(f"{'event':>6}  {'review':<9}  {'date':<10}  {'deal type':<18}  {'status':<10}  "
              f"{'art':>3}  parties")
    for r in rows:
        print(f"{r['event_id']:>6}  {r['review_state']:<9}  {str(r['event_date'] or '-'):<10}  "
              f"{r['deal_type']:<18}  {r['status']:<10}  {r['article_count']:>3}  "
              f"{' × '.join(r['parties'])}")
    return 0


def cmd_review_show(args) -> int:
    from .review_text import format_event
    from .store import review as review_store
    with _connection(args) as conn:
        event = review_store.get_event(conn, args.event_id)
        text = format_event(event, review_store.alliance_timeline(conn, event["alliance_id"]),
                            review_store.event_articles(conn, args.event_id),
                            review_store.audit_trail(conn, args.event_id))
    print(text)
    return 0


def cmd_review_decide(args) -> int:
    from .store import review as review_store
    reviewer = args.reviewer or _default_reviewer()
    if not reviewer:
        raise ValidationError("no reviewer name: pass --reviewer NAME")
    correction = {}
    if args.review_command == "correct":
        correction = {"parties": _split_parties(args.parties), "deal_type": args.deal_type,
                      "status": args.status, "event_date": args.date}
    with _connection(args) as conn:
        audit_id = review_store.review_event(conn, args.event_id, args.review_command, reviewer,
                                             note=args.note, **correction)
    print(f"event {args.event_id}: {args.review_command} by {reviewer} (audit {audit_id})")
    return 0


def _split_parties(text: str | None) -> list[str] | None:
    return None if text is None else [p.strip() for p in text.split(",") if p.strip()]


def _iso_date(text: str):
    from datetime import date
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def _add_review_commands(sub, db_parser) -> None:
    db_parser.add_parser("roles", help="create the tieup_reviewer and tieup_pipeline roles and grant them"
                         ).set_defaults(func=cmd_db_roles)
    review = sub.add_parser("review", help="review alliance events").add_subparsers(
        dest="review_command", required=True)
    ls = review.add_parser("list", help="events with their review state, newest first")
    ls.add_argument("--state", choices=("pending", "confirmed", "rejected", "corrected"))
    ls.add_argument("--limit", type=int, default=50)
    ls.set_defaults(func=cmd_review_list)
    show = review.add_parser("show", help="an event, its alliance's timeline, articles and evidence")
    show.add_argument("event_id", type=int)
    show.set_defaults(func=cmd_review_show)
    for action in ("confirm", "reject", "correct"):
        p = review.add_parser(action, help=f"{action} an event (recorded in review_audit)")
        p.add_argument("event_id", type=int)
        p.add_argument("--reviewer", help="your name (default: $TIEUP_REVIEWER, else $USER)")
        p.add_argument("--note")
        if action == "correct":
            p.add_argument("--parties", help="comma-separated canonical names, e.g. Honda,Nissan")
            p.add_argument("--deal-type", choices=DEAL_TYPES)
            p.add_argument("--status", choices=DEAL_STATUSES)
            p.add_argument("--date", type=_iso_date, help="event date, YYYY-MM-DD")
        p.set_defaults(func=cmd_review_decide)


@contextmanager
def _output(path: str | None, newline: str | None = None):
    """The --out file, or standard output."""
    if path in (None, "-"):
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline=newline) as out:
        yield out


def cmd_report(args) -> int:
    from datetime import datetime, timezone
    from . import report
    from .digest import load_report
    now = datetime.now(timezone.utc)
    since = report.parse_since(args.since, now)
    with _connection(args) as conn:
        text = report.render(load_report(conn, since, now), args.format)
    with _output(args.out) as out:
        out.write(text)
    return 0


def cmd_export(args) -> int:
    from . import export
    from .store import report as report_store
    write = export.write_csv if args.format == "csv" else export.write_jsonl
    with _connection(args) as conn, _output(args.out, newline="") as out:
        count = write(report_store.export_columns(conn, args.what),
                      report_store.export_rows(conn, args.what), out)
    if args.out not in (None, "-"):
        print(f"exported {count} {args.what} to {args.out}", file=sys.stderr)
    return 0


def _add_report_commands(sub) -> None:
    rep = sub.add_parser("report", help="new and changed alliance events, grouped by relationship")
    rep.add_argument("--since", default="7d", help="7d, 24h or YYYY-MM-DD (default: 7d)")
    rep.add_argument("--format", choices=("table", "csv", "json", "html"), default="table")
    rep.add_argument("--out", help="write to FILE instead of standard output")
    rep.set_defaults(func=cmd_report)
    exp = sub.add_parser("export", help="stream events or articles as CSV or JSON Lines for BI tools")
    exp.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    exp.add_argument("--what", choices=("events", "articles"), default="events")
    exp.add_argument("--out", help="write to FILE instead of standard output")
    exp.set_defaults(func=cmd_export)


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
    _add_review_commands(sub, db_parser)
    _add_report_commands(sub)
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
    except psycopg2.errors.InsufficientPrivilege as exc:
        # e.g. a tieup_reviewer login running a pipeline command: say so, no traceback
        print(f"tieup: {exc.diag.message_primary} (the database role lacks this privilege)",
              file=sys.stderr)
        return 1
    except psycopg2.Error as exc:
        kind = "temporary " if db.is_transient_db_error(exc) else ""
        print(f"tieup: {kind}database error: {str(exc).strip()} (rerun to continue; "
              "finished work is kept)", file=sys.stderr)
        return 75 if kind else 1  # EX_TEMPFAIL: worth retrying


if __name__ == "__main__":
    sys.exit(main())
