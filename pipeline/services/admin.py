"""Database administration: migrating (and syncing the gazetteer's companies) and what is pending."""

from __future__ import annotations

from .. import stages
from ..store.migrations import applied_migrations, bundled_migrations, migrate as apply_migrations


def migrate(conn) -> tuple[list[str], int]:
    """Apply pending migrations, refresh views, sync companies: (versions applied, companies synced)."""
    applied = apply_migrations(conn)
    return applied, stages.sync_companies(conn)


def pending_migrations(conn) -> list[str] | None:
    """Names of bundled migrations not applied yet; None when the database has no tieup schema."""
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('public.schema_migrations') IS NOT NULL")
        if not cur.fetchone()[0]:
            return None
    applied = applied_migrations(conn)
    return [m.name for m in bundled_migrations() if m.version not in applied]
