"""Feed parsing on fetched bytes, and the versioned feeds file (first version)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import yaml

from .errors import ConfigError
from .models import FeedEntry, ParsedFeed


@dataclass(frozen=True)
class FeedSpec:
    url: str
    name: str
    enabled: bool = True


def load_feeds_file(path: Path) -> list[FeedSpec]:
    """Read feeds.yml: a top-level `feeds:` list of {name, url, enabled}."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return [FeedSpec(f["url"], f.get("name") or f["url"], bool(f.get("enabled", True)))
                for f in data.get("feeds", [])]
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"cannot read feeds file {path}: {exc}") from exc


def _entry_date(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*parsed[:6], tzinfo=timezone.utc) if parsed else None


def parse_feed(body: bytes, *, base_url: str | None = None,
               content_type: str | None = None) -> ParsedFeed:
    """Entries of an RSS/Atom document; keeps valid entries of a malformed feed."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url or ""})
    entries, seen = [], set()
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        key = entry.get("id") or link
        if key in seen:
            continue
        seen.add(key)
        entries.append(FeedEntry(key, link, entry.get("title"), entry.get("summary"),
                                 _entry_date(entry)))
    error = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    return ParsedFeed(tuple(entries), parsed.feed.get("title"), error)
