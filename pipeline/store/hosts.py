"""SQL for per-host politeness: request slots and the cached robots.txt, shared by every worker."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

# Reserve the next request slot of a host atomically: the row lock serialises workers, so two
# slots are never closer than the spacing whatever the number of processes. The spacing is
# the larger of our interval and the host's Crawl-delay, plus a margin for arrival jitter
# (none when both are 0). The WHERE clause declines (no row returned) when the slot would
# be more than max_wait seconds away.
_SPACING = """(CASE WHEN greatest(%(interval)s, coalesce(h.crawl_delay, 0)) > 0
                   THEN greatest(%(interval)s, coalesce(h.crawl_delay, 0)) + %(margin)s ELSE 0 END)"""
_RESERVE = f"""
INSERT INTO hosts AS h (host, next_request_at)
VALUES (%(host)s, clock_timestamp() + make_interval(secs => %(first_spacing)s))
ON CONFLICT (host) DO UPDATE
   SET next_request_at = greatest(clock_timestamp(), h.next_request_at)
                         + make_interval(secs => {_SPACING})
 WHERE h.next_request_at <= clock_timestamp() + make_interval(secs => %(max_wait)s)
RETURNING extract(epoch FROM h.next_request_at)::float8 - {_SPACING}
"""

_NEXT_SLOT = """
SELECT greatest(0, extract(epoch FROM next_request_at - clock_timestamp()))::float8
  FROM hosts WHERE host = %(host)s
"""

_LOAD_ROBOTS = """
SELECT robots_txt, robots_status, crawl_delay,
       extract(epoch FROM clock_timestamp() - robots_fetched_at)::float8
  FROM hosts WHERE host = %(host)s AND robots_fetched_at IS NOT NULL
"""

_SAVE_ROBOTS = """
INSERT INTO hosts AS h (host, robots_txt, robots_status, robots_fetched_at, crawl_delay)
VALUES (%(host)s, %(text)s, %(status)s, clock_timestamp(), %(crawl_delay)s)
ON CONFLICT (host) DO UPDATE
   SET robots_txt = EXCLUDED.robots_txt, robots_status = EXCLUDED.robots_status,
       robots_fetched_at = EXCLUDED.robots_fetched_at, crawl_delay = EXCLUDED.crawl_delay
"""


# Advisory-lock namespace (first key) for "fetching robots.txt of a host" (second key).
_ROBOTS_LOCK_SPACE = 0x0B075


@dataclass(frozen=True)
class RobotsRecord:
    """robots.txt as last fetched for a host; status 0 means the host was unreachable."""

    text: str | None
    status: int
    crawl_delay: float | None
    age_seconds: float


def reserve_slot(conn, host: str, interval: float, max_wait: float, margin: float = 0.0) -> float | None:
    """Unix time at which the reserved request may start; None if the host is booked beyond max_wait.

    An absolute time, not a delay: a worker that reads the answer late must not shift its
    request into the next worker's slot.
    """
    with conn.cursor() as cur:
        cur.execute(_RESERVE, {"host": host, "interval": float(interval), "max_wait": float(max_wait),
                               "margin": float(margin),
                               "first_spacing": float(interval + margin if interval > 0 else 0)})
        row = cur.fetchone()
    return None if row is None else row[0]


def seconds_until_free(conn, host: str) -> float:
    """Seconds until the host's next free slot (0 when free now or unknown)."""
    with conn.cursor() as cur:
        cur.execute(_NEXT_SLOT, {"host": host})
        row = cur.fetchone()
    return row[0] if row else 0.0


def load_robots(conn, host: str) -> RobotsRecord | None:
    """The cached robots.txt of a host, with its age; None if never fetched."""
    with conn.cursor() as cur:
        cur.execute(_LOAD_ROBOTS, {"host": host})
        row = cur.fetchone()
    return RobotsRecord(*row) if row else None


def save_robots(conn, host: str, text: str | None, status: int, crawl_delay: float | None) -> None:
    """Cache a robots.txt fetch outcome for every worker."""
    with conn.cursor() as cur:
        cur.execute(_SAVE_ROBOTS, {"host": host, "text": text, "status": status,
                                   "crawl_delay": crawl_delay})


@contextlib.contextmanager
def robots_fetch_lock(conn, host: str):
    """Hold a session advisory lock so one worker fetches a host's robots.txt while others wait for it."""
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (_ROBOTS_LOCK_SPACE, host))
    try:
        yield
    finally:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (_ROBOTS_LOCK_SPACE, host))
