"""Throwaway PostgreSQL for the benches: a server (DATABASE_URL's or an embedded one) and scratch databases."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import db  # noqa: E402
from pipeline.store.migrations import migrate  # noqa: E402


@contextlib.contextmanager
def server(database_url: str | None = None):
    """Yield a server URL: the given one, $DATABASE_URL's, or an embedded server in a temp dir."""
    url = database_url or os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from pipeline.embedded_pg import start
    # Outside pytest's tmp tree and readable by the unprivileged user the server may run as.
    tmp = Path(tempfile.mkdtemp(prefix="tieup-bench-pg-"))
    handle = start(tmp / "data")
    try:
        yield handle.get_uri()
    finally:
        handle.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


def _admin(server_url: str, statement: str) -> None:
    conn = db.connect(server_url, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def create_database(server_url: str, template: str | None = None, migrated: bool = True) -> str:
    """A new database (migrated, cloned from template, or empty when not migrated); returns its URL."""
    name = f"tieup_bench_{uuid.uuid4().hex[:10]}"
    # generated names only, never user input
    _admin(server_url, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    url = db.with_database(server_url, name)
    if template is None and migrated:
        conn = db.connect(url)
        try:
            migrate(conn)
        finally:
            conn.close()
    return url


def drop_database(database_url: str) -> None:
    """Drop a database made by create_database."""
    name = db.database_name(database_url)
    _admin(db.with_database(database_url, "postgres"), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def database(server_url: str, template: str | None = None):
    """A fresh migrated database for one measurement, dropped afterwards."""
    url = create_database(server_url, template)
    try:
        yield url
    finally:
        drop_database(url)


def server_version(server_url: str) -> str:
    """The server's version string, e.g. '18.1'."""
    conn = db.connect(server_url, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            return cur.fetchone()[0]
    finally:
        conn.close()


def postgres_cpu_seconds(server_url: str) -> float | None:
    """CPU seconds used so far by an embedded server and its finished backends; None if unknown."""
    import psutil
    from urllib.parse import parse_qs, urlsplit
    host = parse_qs(urlsplit(server_url).query).get("host", [""])[0]
    pid_file = Path(host) / "postmaster.pid"
    if not host or not pid_file.is_file():
        return None
    times = psutil.Process(int(pid_file.read_text().split()[0])).cpu_times()
    return times.user + times.system + times.children_user + times.children_system
