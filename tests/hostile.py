"""A hostile publisher for tests: feeds and pages built to break a pass, served on loopback.

Each case is a page (or a feed) a hostile or broken site could serve. HostileSite
adds them to a LoopbackServer next to the healthy fixture site, lists them in a feed,
and checks the invariants every pass must keep: it finishes, each hostile item is
parked with a reason, and every healthy article is loaded.
"""

from __future__ import annotations

import random
import time

from pipeline import db, stages

from .loopback import drip, redirect_to, send_headers
from .site import article_count

GOOD_PAGE = ("<html lang='en'><head><title>{slug}</title>{head}</head><body><article>"
             "<p>Mazda said on Tuesday that its {slug} plant would add a second shift next spring "
             "to meet demand for hybrid crossovers in North America.</p>"
             "<p>The company expects output at the site to rise by a fifth, a spokesman said.</p>"
             "</article></body></html>")


def good_page(slug: str, head: str = "") -> str:
    """A page with enough article text to be extracted and loaded."""
    return GOOD_PAGE.format(slug=slug, head=head)


def silent(seconds: float):
    """Accept the request and say nothing for `seconds`."""
    def handle(h) -> None:
        time.sleep(seconds)
        try:
            send_headers(h, 200, Content_Type="text/html", Content_Length="2")
            h.wfile.write(b"ok")
        except OSError:
            pass
    return handle


def incompressible(length: int, low: int = 0x4E00, high: int = 0x9FFF, seed: int = 15) -> str:
    """Random characters (CJK by default: 3 UTF-8 bytes each) that PostgreSQL cannot compress
    into an index row, as a repeated string would be."""
    rng = random.Random(seed)
    return "".join(chr(rng.randint(low, high)) for _ in range(length))


def item(link: str, title: str, guid: str | None = None) -> str:
    """An RSS item (its GUID, if any, is written as given: the caller escapes it)."""
    guid_tag = f"<guid isPermaLink='false'>{guid}</guid>" if guid is not None else ""
    return f"<item><title>{title}</title><link>{link}</link>{guid_tag}</item>"


def rss(items: list[str], title: str = "hostile") -> str:
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>"
            + "".join(items) + "</channel></rss>")


class HostileSite:
    """Hostile cases added to the fixture site's server, and the feed that lists them."""

    def __init__(self, server, feeds_file):
        self.server, self.feeds_file = server, feeds_file
        self.items: list[str] = []

    def page(self, slug: str, body: bytes | str | None = None, handler=None, **headers) -> str:
        """Serve a page at /hostile/<slug> (a body or a handler) and list it in the feed."""
        path = f"/hostile/{slug}"
        url = self.server.add_handler(path, handler) if handler else \
            self.server.add(path, good_page(slug) if body is None else body, **headers)
        self.items.append(item(url, slug, guid=f"hostile-{slug}"))
        return url

    def redirect(self, slug: str, location: str) -> str:
        return self.page(slug, handler=redirect_to(location))

    def drip(self, slug: str, every: float = 0.3) -> str:
        return self.page(slug, handler=drip(b"<html>" + b"x" * 200, every=every))

    def silent(self, slug: str, seconds: float = 5) -> str:
        return self.page(slug, handler=silent(seconds))

    def publish(self, name: str = "hostile", body: str | bytes | None = None,
                content_type: str = "application/rss+xml", handler=None) -> str:
        """Serve the feed (its items, or a given body or handler) and list it in feeds.yml."""
        path = f"/feeds/{name}.rss"
        url = self.server.add_handler(path, handler) if handler else \
            self.server.add(path, rss(self.items) if body is None else body, content_type=content_type)
        with open(self.feeds_file, "a", encoding="utf-8") as f:
            f.write(f"- name: {name}\n  url: {url}\n  enabled: true\n")
        return url


def run_pass(settings, max_seconds: float = 60) -> dict:
    """One `run --once` pass; it must finish (not raise) within max_seconds."""
    started = time.monotonic()
    counts = stages.run_once(settings)
    assert time.monotonic() - started < max_seconds, counts
    return counts


def articles(url: str, where: str = "url LIKE '%%/hostile/%%'") -> dict[str, tuple]:
    """slug (path after /hostile/) -> (state, attempts, last_error) of the hostile articles."""
    with db.connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT substring(url from '/hostile/([^?]*)'), state, attempts, last_error "
                    f"FROM articles WHERE {where}")
        return {t: (s, a, e) for t, s, a, e in cur.fetchall()}


def healthy_loaded(url: str) -> int:
    """Loaded articles of the healthy fixture site (its /news/ pages)."""
    with db.connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE state = 'loaded' AND url LIKE '%%/news/%%'")
        return cur.fetchone()[0]


def assert_healthy_loaded(url: str) -> None:
    assert healthy_loaded(url) == article_count()


def feed_health(url: str, name: str) -> dict:
    with db.connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT * FROM v_feed_health WHERE name = %s", (name,))
        return dict(zip([c.name for c in cur.description], cur.fetchone()))
