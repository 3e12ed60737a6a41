"""Locks that serialise pipeline steps across workers, held until the transaction ends.

Row locks on pipeline_locks rather than advisory locks: any database login can take
any advisory key (a reviewer could stall every loader), while these rows can only
be locked by a role allowed to UPDATE the table. Pipeline connections wait at most
their lock_timeout (db.PIPELINE_LOCK_TIMEOUT) for one.
"""

from __future__ import annotations


def take(conn, name: str) -> None:
    """Lock the named step ('load', 'dedupe', 'stories') until commit or rollback."""
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM pipeline_locks WHERE name = %s FOR UPDATE", (name,))
        if cur.fetchone() is None:
            raise LookupError(f"no pipeline lock named {name!r}")
