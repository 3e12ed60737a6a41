"""Typed, frozen settings built from the environment. The repr never shows passwords."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from . import __version__
from .errors import ConfigError

PACKAGE_DATA = Path(__file__).parent / "data"
DEFAULT_FEEDS_FILE = PACKAGE_DATA / "feeds.yml"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def redact_url(url: str | None) -> str | None:
    """Replace the password of a connection URL (and any password=... parameter) with ***."""
    if not url:
        return url
    url = re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)
    return re.sub(r"(password=)[^&\s]+", r"\1***", url, flags=re.I)


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with polite and safe defaults."""

    database_url: str | None = field(default=None, repr=False)
    # the review web app's own login (a member of tieup_reviewer only), see README: Review in the browser
    review_database_url: str | None = field(default=None, repr=False)
    allow_private_hosts: bool = False
    contact_url: str = "https://github.com/tieup/tieup"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_body_bytes: int = 5 * 1024 * 1024
    max_sitemap_bytes: int = 50 * 1024 * 1024   # the sitemaps protocol's limit, uncompressed
    max_sitemaps_per_poll: int = 50
    max_new_entries_per_poll: int = 1000
    max_redirects: int = 5
    max_retries: int = 3
    retry_backoff_seconds: float = 1.0
    retry_backoff_max_seconds: float = 30.0
    retry_after_max_seconds: float = 60.0
    host_interval_seconds: float = 1.0
    host_interval_margin_seconds: float = 0.05
    robots_ttl_seconds: int = 3600
    robots_error_ttl_seconds: int = 300
    max_crawl_delay_seconds: float = 60.0
    max_host_wait_seconds: float = 60.0
    batch_size: int = 50
    lease_seconds: int = 600
    max_attempts: int = 5
    feed_backoff_max_seconds: int = 24 * 3600
    pass_deadline_seconds: float = 1500.0
    batch_deadline_seconds: float = 300.0
    feeds_file: Path = DEFAULT_FEEDS_FILE
    schedule: str = "*/30 * * * *"
    raw_html_retention_days: int = 90
    digest_dir: Path = Path("digests")
    # alerts and the emailed digest (pipeline/services/alerts.py)
    smtp_url: str | None = field(default=None, repr=False)
    smtp_timeout: float = 20.0
    alert_from: str = "tieup@localhost"
    review_url: str = "http://localhost:8080/tieup/event/{event_id}"
    alert_batch_size: int = 20
    alert_max_attempts: int = 8
    alert_retry_seconds: float = 60.0
    alert_retry_max_seconds: float = 3600.0
    digest_hour: int = 6

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return (f"Settings(database_url={redact_url(self.database_url)!r}, "
                f"review_database_url={redact_url(self.review_database_url)!r}, {shown})")

    @property
    def user_agent(self) -> str:
        """Descriptive User-Agent naming the project and where to reach its operator."""
        return f"tieup/{__version__} (+{self.contact_url}; auto-industry news monitor)"

    def with_overrides(self, **changes) -> "Settings":
        """A copy with some values changed (used by tests and the CLI)."""
        return replace(self, **changes)


_ENV = {
    "database_url": "DATABASE_URL",
    "review_database_url": "TIEUP_REVIEW_DATABASE_URL",
    "allow_private_hosts": "TIEUP_ALLOW_PRIVATE_HOSTS",
    "contact_url": "TIEUP_CONTACT_URL",
    "connect_timeout": "TIEUP_CONNECT_TIMEOUT",
    "read_timeout": "TIEUP_READ_TIMEOUT",
    "total_timeout": "TIEUP_TOTAL_TIMEOUT",
    "max_body_bytes": "TIEUP_MAX_BODY_BYTES",
    "max_sitemap_bytes": "TIEUP_MAX_SITEMAP_BYTES",
    "max_sitemaps_per_poll": "TIEUP_MAX_SITEMAPS_PER_POLL",
    "max_new_entries_per_poll": "TIEUP_MAX_NEW_ENTRIES_PER_POLL",
    "max_redirects": "TIEUP_MAX_REDIRECTS",
    "max_retries": "TIEUP_MAX_RETRIES",
    "retry_backoff_seconds": "TIEUP_RETRY_BACKOFF_SECONDS",
    "retry_backoff_max_seconds": "TIEUP_RETRY_BACKOFF_MAX_SECONDS",
    "retry_after_max_seconds": "TIEUP_RETRY_AFTER_MAX_SECONDS",
    "host_interval_seconds": "TIEUP_HOST_INTERVAL_SECONDS",
    "host_interval_margin_seconds": "TIEUP_HOST_INTERVAL_MARGIN_SECONDS",
    "robots_ttl_seconds": "TIEUP_ROBOTS_TTL_SECONDS",
    "robots_error_ttl_seconds": "TIEUP_ROBOTS_ERROR_TTL_SECONDS",
    "max_crawl_delay_seconds": "TIEUP_MAX_CRAWL_DELAY_SECONDS",
    "max_host_wait_seconds": "TIEUP_MAX_HOST_WAIT_SECONDS",
    "batch_size": "TIEUP_BATCH_SIZE",
    "lease_seconds": "TIEUP_LEASE_SECONDS",
    "max_attempts": "TIEUP_MAX_ATTEMPTS",
    "feed_backoff_max_seconds": "TIEUP_FEED_BACKOFF_MAX_SECONDS",
    "pass_deadline_seconds": "TIEUP_PASS_DEADLINE_SECONDS",
    "batch_deadline_seconds": "TIEUP_BATCH_DEADLINE_SECONDS",
    "feeds_file": "TIEUP_FEEDS_FILE",
    "schedule": "TIEUP_SCHEDULE",
    "raw_html_retention_days": "TIEUP_RAW_HTML_RETENTION_DAYS",
    "digest_dir": "TIEUP_DIGEST_DIR",
    "smtp_url": "TIEUP_SMTP_URL",
    "smtp_timeout": "TIEUP_SMTP_TIMEOUT",
    "alert_from": "TIEUP_ALERT_FROM",
    "review_url": "TIEUP_REVIEW_URL",
    "alert_batch_size": "TIEUP_ALERT_BATCH_SIZE",
    "alert_max_attempts": "TIEUP_ALERT_MAX_ATTEMPTS",
    "alert_retry_seconds": "TIEUP_ALERT_RETRY_SECONDS",
    "alert_retry_max_seconds": "TIEUP_ALERT_RETRY_MAX_SECONDS",
    "digest_hour": "TIEUP_DIGEST_HOUR",
}


def _convert(name: str, raw: str, kind):
    try:
        if kind is bool or kind == "bool":
            value = raw.strip().lower()
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
            raise ValueError(raw)
        if kind in (int, "int"):
            return int(raw)
        if kind in (float, "float"):
            return float(raw)
        if kind in (Path, "Path"):
            return Path(raw)
        return raw
    except ValueError as exc:
        raise ConfigError(f"{_ENV[name]}={raw!r} is not a valid {kind}") from exc


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (TIEUP_*, DATABASE_URL)."""
    environ = os.environ if environ is None else environ
    types = {f.name: f.type for f in fields(Settings)}
    values = {}
    for name, var in _ENV.items():
        if var in environ:
            kind = types[name].split(" |")[0] if isinstance(types[name], str) else types[name]
            values[name] = _convert(name, environ[var], kind)
    return Settings(**values)
