"""Helpers every command shares: settings, the database connection, input and output files."""

from __future__ import annotations

import sys
from contextlib import contextmanager

from .. import db
from ..settings import Settings, load_settings


def _settings(args) -> Settings:
    settings = load_settings()
    if getattr(args, "database_url", None):
        settings = settings.with_overrides(database_url=args.database_url)
    return settings


@contextmanager
def _connection(args):
    with db.connection(_settings(args).database_url) as conn:
        yield conn


@contextmanager
def _output(path: str | None, newline: str | None = None):
    """The --out file, or standard output."""
    if path in (None, "-"):
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline=newline) as out:
        yield out


