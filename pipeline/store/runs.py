"""SQL for pipeline runs and their counts."""

from __future__ import annotations

import psycopg2.extras


def start_run(conn, trigger: str) -> int:
    """Open a pipeline_runs row; returns its id."""
    with conn.cursor() as cur:
        cur.execute("INSERT INTO pipeline_runs (trigger, backend_pid) VALUES (%s, pg_backend_pid()) "
                    "RETURNING id", (trigger,))
        run_id = cur.fetchone()[0]
    conn.commit()
    return run_id


def finish_run(conn, run_id: int, counts: dict, status: str = "succeeded") -> None:
    """Close a run with its counts."""
    with conn.cursor() as cur:
        cur.execute("UPDATE pipeline_runs SET finished_at = now(), status = %s, counts = %s "
                    "WHERE id = %s", (status, psycopg2.extras.Json(counts), run_id))
    conn.commit()


def mark_abandoned(conn) -> int:
    """Mark 'running' runs whose database session is gone (a SIGKILLed pass) as abandoned.

    A run's session lives exactly as long as its process, so a running run whose
    backend no longer exists will never finish by itself. Returns how many were marked.
    """
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE pipeline_runs SET status = 'abandoned', finished_at = clock_timestamp()
             WHERE status = 'running' AND backend_pid IS NOT NULL
               AND backend_pid NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)""")
        count = cur.rowcount
    conn.commit()
    return count
