"""Helpers every command shares: settings, the database connection, input and output files."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import psycopg2

from .. import db, runfile
from ..errors import TieupError, TransientError, UsageError
from ..settings import Settings, load_settings


def _settings(args) -> Settings:
    """Settings from the environment; the database is --database-url, else $DATABASE_URL,
    else the service `make run` is running from this folder (.data/tieup.env)."""
    settings = load_settings()
    url = getattr(args, "database_url", None) or settings.database_url or runfile.read()
    return settings.with_overrides(database_url=url) if url else settings


@contextmanager
def _connection(args):
    url = _settings(args).database_url
    try:
        conn = db.connect(url)
    except TransientError as exc:
        if url and url == runfile.read() and not getattr(args, "database_url", None):
            raise TransientError(f"{exc} (the URL is from {runfile.RUN_ENV}: is `make run` still running?)") from exc
        raise
    try:
        yield conn
    finally:
        conn.close()


def open_input(path: str | None):
    """An input file opened for reading text, or standard input for None or '-'."""
    if path in (None, "-"):
        return sys.stdin
    try:
        return open(path, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc


@contextmanager
def _output(path: str | None, newline: str | None = None):
    """The --out file, or standard output."""
    if path in (None, "-"):
        yield sys.stdout
        return
    try:
        out = open(path, "w", encoding="utf-8", newline=newline)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
    with out:
        yield out


def schema_problem(args) -> str | None:
    """What is wrong with the database's tieup schema, if anything (for error messages)."""
    try:
        from ..services.admin import pending_migrations
        with _connection(args) as conn:
            pending = pending_migrations(conn)
        if pending is None:
            return "the database has no tieup schema: run `tieup db migrate`"
    except (psycopg2.Error, TieupError):
        return None
    if pending:
        return f"the database's tieup schema is out of date ({', '.join(pending)} pending): run `tieup db migrate`"
    return None
