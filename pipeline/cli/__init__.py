"""The `tieup` command line: everything that is not the scheduler."""

from __future__ import annotations

import argparse
import logging
import os
import sys

import psycopg2
import psycopg2.errors

from .. import db
from ..errors import TieupError, UsageError
from ..vocabulary import SOURCE_KINDS
from .commands import (cmd_classify, cmd_db_migrate, cmd_extract, cmd_feeds_add, cmd_feeds_list,
                       cmd_feeds_sync, cmd_feeds_toggle, cmd_ingest, cmd_reclassify, cmd_run,
                       format_summary)
from .common import schema_problem
from .companies import add_companies_commands
from .review import _add_report_commands, _add_review_commands, _iso_date
from .watch import add_watch_commands

__all__ = ["build_parser", "format_summary", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tieup", description=__doc__)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: $DATABASE_URL, else the running `make run`)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    db_parser = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db_parser.add_parser("migrate", help="apply pending migrations and refresh views").set_defaults(func=cmd_db_migrate)

    feeds = sub.add_parser("feeds", help="manage feeds").add_subparsers(dest="feeds_command", required=True)
    add = feeds.add_parser("add", help="add a source by URL: an RSS/Atom feed, a news sitemap, a GDELT query")
    add.add_argument("url", nargs="?", help="feed, sitemap, sitemap index or robots.txt URL (GDELT: the DOC API)")
    add.add_argument("--name")
    add.add_argument("--kind", choices=SOURCE_KINDS, help="source kind (default: detected from the URL and its content)")
    add.add_argument("--query", help="a GDELT DOC API query, e.g. '(Honda OR Nissan) (alliance OR merger)'")
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

    ingest = sub.add_parser("ingest", help="backfill from a JSON Lines archive {url, title?, text|html, published?} "
                                           "or from WARC files (CC-NEWS)")
    ingest.add_argument("file", nargs="+", help="JSON Lines file (- for stdin), or WARC files (.warc, .warc.gz), "
                                                "folders of them, or files listing their paths")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ingest.add_argument("--language", help="WARC: keep pages declaring one of these languages (en,de,ja); "
                                           "pages declaring none are kept")
    ingest.add_argument("--keywords", help="WARC: keep pages containing one of these words (comma-separated)")
    ingest.add_argument("--companies", action="store_true",
                        help="WARC: keep pages naming a company of the gazetteer (with --keywords: either)")
    ingest.add_argument("--workers", type=int, metavar="N",
                        help="WARC: extract pages in N more processes while this one stores and processes "
                             "(default: one per core, at most 4; 0 on one core: all in this process)")
    ingest.set_defaults(func=cmd_ingest)

    reclass = sub.add_parser("reclassify", help="re-run classification on stored articles (no refetch)")
    reclass.add_argument("--since", type=_iso_date, help="only articles published on or after YYYY-MM-DD")
    reclass.add_argument("--outdated", action="store_true", help="only articles classified by an older classifier version")
    reclass.set_defaults(func=cmd_reclassify)

    for name, func, text in (("extract", cmd_extract, "JSON Lines {id, html, url?} -> {id, text, title, published, language}"),
                             ("classify", cmd_classify, "JSON Lines {id, text, ...} -> alliance classification")):
        p = sub.add_parser(name, help=text)
        p.add_argument("file", nargs="?", help="input JSON Lines file (default: stdin)")
        p.set_defaults(func=func)
    _add_review_commands(sub, db_parser)
    add_companies_commands(sub)
    _add_report_commands(sub)
    add_watch_commands(sub)
    _add_common_options(parser)
    return parser


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    """Give every command --database-url and -v, so they work after the subcommand too.

    SUPPRESS keeps the value given before the subcommand (or the default) when the
    option is not repeated after it.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                if not any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                    sub.add_argument("--database-url", default=argparse.SUPPRESS,
                                     help="PostgreSQL URL (default: $DATABASE_URL, else the running `make run`)")
                    sub.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                                     help="log progress to stderr")
                _add_common_options(sub)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        status = args.func(args)
        sys.stdout.flush()  # here, so a closed pipe is caught below and not at exit
        return status
    except BrokenPipeError:
        # The reader went away (`tieup export | head`): stop quietly like other Unix tools.
        # stdout is pointed at /dev/null so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a process ended by SIGPIPE
    except KeyboardInterrupt:
        print("tieup: interrupted", file=sys.stderr)
        return 130
    except UsageError as exc:
        print(f"tieup: {exc}", file=sys.stderr)
        return 2
    except TieupError as exc:
        print(f"tieup: {exc}", file=sys.stderr)
        return 1
    except psycopg2.Error as exc:
        print(f"tieup: {_database_error(exc, args)}", file=sys.stderr)
        return 75 if db.is_transient_db_error(exc) else 1  # EX_TEMPFAIL: worth retrying


def _database_error(exc: psycopg2.Error, args) -> str:
    """One line saying what went wrong with the database, and what to do about it."""
    if isinstance(exc, psycopg2.errors.InsufficientPrivilege):
        # e.g. a tieup_reviewer login running a pipeline command
        return f"{exc.diag.message_primary} (the database role lacks this privilege)"
    message = (exc.diag.message_primary if exc.diag.message_primary else str(exc)).strip()
    if db.is_transient_db_error(exc):
        return f"temporary database error: {message} (rerun to continue; finished work is kept)"
    if isinstance(exc, (psycopg2.errors.UndefinedTable, psycopg2.errors.UndefinedFunction,
                        psycopg2.errors.UndefinedColumn)):
        return schema_problem(args) or f"database error: {message}"
    return f"database error: {message}"
