"""Daily housekeeping run by the tieup_maintenance DAG: pruning raw pages and VACUUM (ANALYZE).

Each takes a DB connection (and settings) and returns counts, like the stages;
reclassification is a stage (stages/classify.py).
"""

from __future__ import annotations

from .settings import Settings
from .store import maintenance as maintenance_store

# Raw pages are deleted in slices so no single transaction holds many row locks.
PRUNE_BATCH = 5000


def prune_raw_pages(conn, settings: Settings) -> dict:
    """Delete raw pages fetched longer ago than settings.raw_html_retention_days."""
    pruned = 0
    while True:
        deleted = maintenance_store.delete_raw_pages_before(
            conn, settings.raw_html_retention_days, PRUNE_BATCH)
        conn.commit()
        pruned += deleted
        if deleted < PRUNE_BATCH:
            return {"raw_pages_pruned": pruned}


def vacuum_analyze(conn, settings: Settings | None = None) -> dict:
    """VACUUM (ANALYZE) the big tables, so the planner and the free space map keep up."""
    return {"tables_vacuumed": maintenance_store.vacuum_analyze(conn)}
