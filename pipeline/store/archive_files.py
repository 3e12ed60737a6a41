"""SQL for archive_files: how far `tieup ingest` got in each WARC file, so a rerun resumes there."""

from __future__ import annotations

from .. import safetext


def start_file(conn, file_key: bytes, path: str, size: int) -> dict:
    """The file's row (created at offset 0 when new): next_offset, finished and its counts."""
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO archive_files (file_key, path, size_bytes) VALUES (%s, %s, %s)
            ON CONFLICT (file_key) DO UPDATE SET path = excluded.path
            RETURNING id, next_offset, finished, records_read, records_stored""", (file_key, path, size))
        row = dict(zip([c.name for c in cur.description], cur.fetchone()))
    conn.commit()
    return row


def record_progress(conn, file_id: int, *, next_offset: int, counts: dict, finished: bool = False,
                    error: str | None = None) -> None:
    """Move the file's resume point and add this stretch's counts (the caller commits)."""
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE archive_files SET next_offset = %s, finished = %s,
                   records_read = records_read + %s, records_stored = records_stored + %s,
                   records_filtered = records_filtered + %s, records_invalid = records_invalid + %s,
                   last_error = coalesce(%s, last_error), updated_at = clock_timestamp()
             WHERE id = %s""",
                    (next_offset, finished, counts.get("records_read", 0), counts.get("records_stored", 0),
                     counts.get("records_filtered", 0), counts.get("records_invalid", 0),
                     safetext.cap_bytes(error) if error else None, file_id))
