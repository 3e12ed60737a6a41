"""The 'sitemap' source kind: robots.txt -> sitemap index -> news sitemaps over loopback, bounded and incremental."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest

from pipeline import stages
from pipeline.sources import sitemap
from pipeline.store import feeds as feed_store

from .loopback import LoopbackServer

NEWS_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def news_sitemap(base: str, names: list[str], day: str = "2026-11-0") -> str:
    """A Google News sitemap listing /news/<name> with title, date, language and keywords."""
    urls = "".join(f"""<url><loc>{base}/news/{name}</loc><news:news>
        <news:publication><news:name>Example</news:name><news:language>en</news:language></news:publication>
        <news:publication_date>{day}{i + 1}T08:00:00+09:00</news:publication_date>
        <news:title>Story {name}</news:title><news:keywords>Honda, Nissan</news:keywords></news:news></url>"""
                   for i, name in enumerate(names))
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NEWS_NS}>{urls}</urlset>'


def index(base: str, children: list[tuple[str, str]]) -> str:
    items = "".join(f"<sitemap><loc>{base}{path}</loc><lastmod>{lastmod}</lastmod></sitemap>" for path, lastmod in children)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'


def gzip_bomb(size: int) -> bytes:
    """A small .xml.gz that unpacks to `size` bytes of a never-ending sitemap."""
    return gzip.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + b" " * size, 9)


def add_source(conn, url: str, kind: str = "sitemap") -> int:
    return feed_store.add_feed(conn, url, url, kind)


def poll(conn, settings, feed_id):
    with stages.http_client(settings) as client:
        return stages.poll_feed(conn, settings, client, feed_id)


def health(conn, feed_id):
    with conn.cursor() as cur:
        cur.execute("SELECT kind, health, last_error, articles_discovered FROM v_feed_health WHERE feed_id = %s",
                    (feed_id,))
        return cur.fetchone()


@pytest.fixture
def news_sitemaps():
    with LoopbackServer() as server:
        base = server.base
        server.add("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap-index.xml\n",
                   content_type="text/plain")
        server.add("/sitemap-index.xml", index(base, [("/news-1.xml", "2026-11-05"), ("/news-2.xml.gz", "2026-11-05"),
                                                       ("/bomb.xml.gz", "2026-11-05")]),
                   content_type="application/xml")
        server.add("/news-1.xml", news_sitemap(base, ["a.html", "b.html"]), content_type="application/xml")
        server.add("/news-2.xml.gz", gzip.compress(news_sitemap(base, ["c.html", "a.html"]).encode()),
                   content_type="application/gzip")
        server.add("/bomb.xml.gz", gzip_bomb(3 * 1024 * 1024), content_type="application/gzip")
        yield server


def test_robots_index_and_news_sitemaps_are_read_and_a_bomb_is_refused(conn, settings, news_sitemaps):
    settings = settings.with_overrides(max_sitemap_bytes=1024 * 1024)
    feed_id = add_source(conn, news_sitemaps.url("/robots.txt"))
    counts = poll(conn, settings, feed_id)
    assert counts["entries_new"] == 3 and counts["articles_discovered"] == 3 and not counts["feeds_failed"]
    kind, state, error, found = health(conn, feed_id)
    assert (kind, state, found) == ("sitemap", "degraded", 3)
    assert "bomb.xml.gz" in error and "exceeds 1048576 bytes" in error
    with conn.cursor() as cur:
        cur.execute("SELECT title, published_at, summary FROM articles WHERE url LIKE '%%/a.html'")
        title, published, summary = cur.fetchone()
    # listed twice: the newest listing (news-2.xml.gz, 2026-11-02 08:00 +09:00) counts
    assert title == "Story a.html" and published == datetime(2026, 11, 1, 23, tzinfo=timezone.utc)
    assert summary == "language: en; keywords: Honda, Nissan"


def test_a_second_pass_skips_sitemaps_whose_lastmod_did_not_change(conn, settings, news_sitemaps):
    settings = settings.with_overrides(max_sitemap_bytes=1024 * 1024)
    feed_id = add_source(conn, news_sitemaps.url("/sitemap-index.xml"))
    poll(conn, settings, feed_id)
    news_sitemaps.hits.clear()
    news_sitemaps.add("/news-1.xml", news_sitemap(news_sitemaps.base, ["a.html", "b.html", "d.html"]),
                      content_type="application/xml")  # changed, but its lastmod in the index did not
    counts = poll(conn, settings, feed_id)
    assert counts.get("entries_new", 0) == 0
    assert {h.path for h in news_sitemaps.hits} == {"/sitemap-index.xml", "/bomb.xml.gz"}  # the failed one again


def test_at_most_the_capped_number_of_sitemaps_is_read_a_pass(conn, settings, news_sitemaps):
    settings = settings.with_overrides(max_sitemaps_per_poll=1)
    feed_id = add_source(conn, news_sitemaps.url("/sitemap-index.xml"))
    assert poll(conn, settings, feed_id)["entries_new"] == 2  # news-1.xml only
    assert "2 sitemaps left for the next pass (at most 1 are read a pass)" in health(conn, feed_id)[2]
    assert poll(conn, settings, feed_id)["entries_new"] == 1  # news-1.xml unchanged: news-2.xml.gz's new URL


def test_a_gzip_bomb_as_the_source_itself_fails_the_poll_with_a_clear_error(conn, settings, news_sitemaps):
    settings = settings.with_overrides(max_sitemap_bytes=1024 * 1024)
    feed_id = add_source(conn, news_sitemaps.url("/bomb.xml.gz"))
    assert poll(conn, settings, feed_id)["feeds_failed"] == 1
    kind, state, error, _ = health(conn, feed_id)
    assert state == "failing" and "decompressed body exceeds 1048576 bytes" in error


def test_a_100k_url_sitemap_is_read_a_capped_slice_per_pass(conn, settings):
    rows = "".join(f"<url><loc>https://big.example/n/{i}</loc><lastmod>2026-11-{1 + i // 86400:02d}T"
                   f"{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z</lastmod></url>" for i in range(100_000))
    body = gzip.compress(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'.encode(), 1)
    settings = settings.with_overrides(max_new_entries_per_poll=1000)
    with LoopbackServer() as server:
        server.add("/big.xml.gz", body, content_type="application/gzip", ETag='"v1"')
        feed_id = add_source(conn, server.url("/big.xml.gz"))
        first = poll(conn, settings, feed_id)
        second = poll(conn, settings, feed_id)
    assert first["entries_new"] == 1000 and first["entries_deferred"] == 50_000 - 1000
    assert second["entries_new"] == 1000 and second["entries_seen"] == 1000  # the next 1000, not the same
    assert second["entries_deferred"] == 50_000 - 2000
    assert all(h.headers.get("If-None-Match") is None for h in server.hits)  # unfinished: no 304 shortcut
    with conn.cursor() as cur:
        cur.execute("SELECT max(a.url), f.last_error FROM articles a, feeds f WHERE f.id = %s "
                    "GROUP BY f.last_error", (feed_id,))
        newest, error = cur.fetchone()
    assert newest == "https://big.example/n/49999"  # newest first, within the protocol's 50,000 per file
    assert "more than 50000 URLs" in error


def test_parse_sitemap_keeps_what_it_read_before_a_fault_and_expands_no_entities():
    base = "https://n.example"
    cut = news_sitemap(base, ["a.html", "b.html"])[:-40]
    doc = sitemap.parse_sitemap(cut.encode(), base_url=base + "/s.xml")
    assert [e.link for e in doc.entries] == [f"{base}/news/a.html"] and "malformed" in doc.error
    laughs = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              b'<urlset><url><loc>https://n.example/&b;</loc></url></urlset>')
    doc = sitemap.parse_sitemap(laughs)
    assert all("aaaaaaaaaa" not in e.link for e in doc.entries)


def test_robots_sitemap_lines():
    text = "User-agent: *\nDisallow: /x\nSitemap: https://n.example/news.xml\nsitemap:/rel.xml\n"
    assert sitemap.robots_sitemaps(text, "https://n.example/robots.txt") == [
        ("https://n.example/news.xml", None), ("https://n.example/rel.xml", None)]
