"""Per-host politeness shared by every worker: robots.txt (cached in the hosts table) and request spacing.

HttpClient calls `before_request(url, client)` before every request and redirect hop.
robots.txt outcomes, following RFC 9309:
- 2xx: parsed with urllib.robotparser; Crawl-delay raises the host's interval (capped).
- 4xx (incl. 401/403/404): no usable rules, everything allowed.
- 5xx, 429 or unreachable: the host is treated as disallowed, but as a transient
  failure: items are retried later, and the outcome is cached only for
  robots_error_ttl_seconds so a recovered host is asked again soon.
Spacing is reserved in PostgreSQL (store.hosts.reserve_slot), never in process
memory, so it holds across processes and machines. The configured interval is a floor
as the server sees it: slots are spaced interval + host_interval_margin_seconds apart,
because a request reaches the server some milliseconds after its slot (scheduling on a
busy machine) and the next one may be quicker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from . import db
from .errors import ConfigError, FetchError, RobotsDisallowedError, TransientFetchError
from .settings import Settings
from .store import hosts as store

ROBOTS_AGENT = "tieup"
# RFC 9309 asks crawlers to parse at least 500 KiB of robots.txt; more is not needed.
MAX_ROBOTS_CHARS = 512 * 1024
UNREACHABLE = 0
# How late after its slot a request may still start before the worker reserves a new one.
_LATE_TOLERANCE = 0.005


class PolitenessDeferral(TransientFetchError):
    """Politeness decided this URL must wait for a later pass; HttpClient does not retry it inline."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message, retry_after=retry_after)


def host_key(url: str) -> str:
    """hostname[:port] (port only when not the scheme's default): the unit of politeness."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def robots_url(url: str) -> str:
    """The robots.txt URL for url's scheme, host and port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}/robots.txt"


@dataclass(frozen=True)
class RobotsRules:
    """What a host's robots.txt says for us."""

    status: int
    parser: RobotFileParser | None
    crawl_delay: float | None

    @property
    def unavailable(self) -> bool:
        return self.status == UNREACHABLE or self.status == 429 or self.status >= 500

    def allows(self, url: str) -> bool:
        if self.parser is None:
            return not self.unavailable
        return self.parser.can_fetch(ROBOTS_AGENT, url)


def parse_robots(text: str | None, status: int, max_delay: float) -> RobotsRules:
    """Rules from a robots.txt fetch outcome."""
    if not (200 <= status < 300):
        return RobotsRules(status, None, None)
    parser = RobotFileParser()
    parser.parse((text or "")[:MAX_ROBOTS_CHARS].splitlines())
    delay = parser.crawl_delay(ROBOTS_AGENT)
    return RobotsRules(status, parser, min(float(delay), max_delay) if delay is not None else None)


class Politeness:
    """robots.txt checks and per-host spacing, coordinated through the database.

    One instance per thread of work, like HttpClient: it holds one database connection.
    """

    def __init__(self, settings: Settings, conn=None, *, sleep=time.sleep):
        self.settings = settings
        self._own_conn = conn is None
        self._conn = conn or db.connect(settings.database_url, application_name="tieup-politeness",
                                        autocommit=True)
        if not self._conn.autocommit:
            # A slot reservation inside a long transaction would hold the host's row lock.
            raise ConfigError("Politeness needs an autocommit connection")
        self._sleep = sleep
        self._rules: dict[str, tuple[float, RobotsRules]] = {}

    def close(self) -> None:
        if self._own_conn:
            self._conn.close()

    def before_request(self, url: str, client) -> None:
        """Raise if robots.txt forbids url; otherwise block until this host's next slot is ours."""
        host = host_key(url)
        rules = self.rules_for(url, client)
        if rules.unavailable:
            raise PolitenessDeferral(f"robots.txt of {host} unavailable (status {rules.status}); "
                                     "host treated as disallowed until it answers")
        if not rules.allows(url):
            raise RobotsDisallowedError(f"robots.txt of {host} disallows {url}")
        if self.settings.host_interval_seconds > 0 or rules.crawl_delay:
            self.wait_turn(host)  # with no interval and no Crawl-delay there is no turn to wait for

    def wait_turn(self, host: str) -> None:
        """Reserve the host's next slot in the database and sleep until it comes."""
        for _ in range(2):
            slot = store.reserve_slot(self._conn, host, self.settings.host_interval_seconds,
                                      self.settings.max_host_wait_seconds,
                                      self.settings.host_interval_margin_seconds)
            if slot is None:
                busy = store.seconds_until_free(self._conn, host)
                raise PolitenessDeferral(f"{host} is booked for the next {busy:.0f}s", retry_after=busy)
            # Slots are database timestamps; workers rely on NTP-synchronised clocks to wait for them.
            wait = slot - time.time()
            if wait <= 0:
                return
            self._sleep(wait)
            # A worker that overslept its slot (a busy CPU) would crowd the next slot's owner:
            # it takes one new slot instead.
            if time.time() - slot <= _LATE_TOLERANCE:
                return

    def rules_for(self, url: str, client) -> RobotsRules:
        """The host's robots rules: from memory, else the hosts table, else fetched now."""
        host = host_key(url)
        cached = self._rules.get(host)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        rules, left = self._cached_rules(host)
        if rules is None:
            # Workers starting together would all fetch robots.txt: one does, the others wait and reuse it.
            with store.robots_fetch_lock(self._conn, host):
                rules, left = self._cached_rules(host)
                if rules is None:
                    rules = self._fetch_robots(url, host, client)
                    left = self._ttl(rules.status)
        self._rules[host] = (time.monotonic() + left, rules)
        return rules

    def _cached_rules(self, host: str) -> tuple[RobotsRules | None, float]:
        """Rules from the hosts table and seconds they stay fresh; (None, 0) when stale or absent."""
        record = store.load_robots(self._conn, host)
        if record is None or record.age_seconds >= self._ttl(record.status):
            return None, 0.0
        rules = parse_robots(record.text, record.status, self.settings.max_crawl_delay_seconds)
        return rules, self._ttl(record.status) - record.age_seconds

    def _ttl(self, status: int) -> float:
        error = status == UNREACHABLE or status == 429 or status >= 500
        return self.settings.robots_error_ttl_seconds if error else self.settings.robots_ttl_seconds

    def _fetch_robots(self, url: str, host: str, client) -> RobotsRules:
        self.wait_turn(host)
        text = None
        try:
            result = client.fetch_unpoliced(robots_url(url), accept="text/plain")
            # PostgreSQL text cannot hold NUL; nothing past the parse limit matters.
            text = result.body.decode("utf-8", errors="replace").replace("\x00", "")[:MAX_ROBOTS_CHARS]
            status = result.status
        except FetchError as exc:
            status = exc.status or UNREACHABLE
        rules = parse_robots(text, status, self.settings.max_crawl_delay_seconds)
        store.save_robots(self._conn, host, text, status, rules.crawl_delay)
        return rules
