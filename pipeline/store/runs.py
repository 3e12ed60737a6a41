"""SQL for pipeline runs and their counts."""

from __future__ import annotations

import psycopg2.extras


def start_run(conn, trigger: str) -> int:
    """Open a pipeline_runs row; returns its id."""
    with conn.cursor() as cur:
        cur.execute("INSERT INTO pipeline_runs (trigger) VALUES (%s) RETURNING id", (trigger,))
        run_id = cur.fetchone()[0]
    conn.commit()
    return run_id


def finish_run(conn, run_id: int, counts: dict, status: str = "succeeded") -> None:
    """Close a run with its counts."""
    with conn.cursor() as cur:
        cur.execute("UPDATE pipeline_runs SET finished_at = now(), status = %s, counts = %s "
                    "WHERE id = %s", (status, psycopg2.extras.Json(counts), run_id))
    conn.commit()
