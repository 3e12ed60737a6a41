"""Apply sql/migrations in order, once each, then re-apply sql/views.

Hand-written rather than yoyo-migrations: it is ~80 lines, adds no dependency,
and does exactly what we need: checksums that refuse edited files, an advisory
lock so two runners cannot collide, one transaction per file, and views
re-applied on every run because they are code, not history.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

from ..errors import MigrationError

# An arbitrary constant shared by every tieup process: pg_advisory_lock key.
MIGRATION_LOCK_KEY = 0x7_1E_0F_00D
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def _sql_files(folder: str) -> list[tuple[str, str]]:
    root = resources.files("pipeline") / "sql" / folder
    return sorted((f.name, f.read_text(encoding="utf-8")) for f in root.iterdir()
                  if f.name.endswith(".sql"))


def bundled_migrations() -> list[Migration]:
    """The migrations shipped with the package, in version order."""
    found = []
    for name, sql in _sql_files("migrations"):
        match = _NAME.match(name)
        if not match:
            raise MigrationError(f"migration file name must look like 0001_name.sql: {name}")
        found.append(Migration(match.group(1), name, sql))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a version number: {versions}")
    return found


def bundled_views() -> list[tuple[str, str]]:
    """View definitions (file name, SQL), applied in file-name order."""
    return _sql_files("views")


def migrate(conn, migrations: list[Migration] | None = None,
            views: list[tuple[str, str]] | None = None) -> list[str]:
    """Apply pending migrations and re-apply views; returns the versions applied now."""
    migrations = bundled_migrations() if migrations is None else migrations
    views = bundled_views() if views is None else views
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
    try:
        _ensure_history_table(conn)
        applied_now = _apply_pending(conn, migrations)
        _apply_views(conn, views)
        return applied_now
    finally:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
        conn.autocommit = False


def _ensure_history_table(conn) -> None:
    with conn.cursor() as cur:
        cur.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    text PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())""")


def applied_migrations(conn) -> dict[str, tuple[str, str]]:
    """version -> (name, checksum) of what the database has applied."""
    with conn.cursor() as cur:
        cur.execute("SELECT version, name, checksum FROM schema_migrations")
        return {v: (n, c) for v, n, c in cur.fetchall()}


def _apply_pending(conn, migrations: list[Migration]) -> list[str]:
    applied = applied_migrations(conn)
    for m in migrations:
        if m.version in applied and applied[m.version][1] != m.checksum:
            raise MigrationError(
                f"migration {m.name} was changed after it was applied "
                "(checksum differs); add a new migration instead of editing it")
    applied_now = []
    for m in migrations:
        if m.version in applied:
            continue
        try:
            with conn.cursor() as cur:
                cur.execute("BEGIN")
                cur.execute(m.sql)
                cur.execute("INSERT INTO schema_migrations (version, name, checksum) "
                            "VALUES (%s, %s, %s)", (m.version, m.name, m.checksum))
                cur.execute("COMMIT")
        except Exception as exc:
            with conn.cursor() as cur:
                cur.execute("ROLLBACK")
            raise MigrationError(f"migration {m.name} failed: {exc}") from exc
        applied_now.append(m.version)
    return applied_now


def _apply_views(conn, views: list[tuple[str, str]]) -> None:
    with conn.cursor() as cur:
        cur.execute("BEGIN")
        try:
            for _name, sql in views:
                cur.execute(sql)
            cur.execute("COMMIT")
        except Exception as exc:
            cur.execute("ROLLBACK")
            raise MigrationError(f"view definitions failed: {exc}") from exc
