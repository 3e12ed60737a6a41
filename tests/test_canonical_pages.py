"""A page's rel=canonical re-keys its article; the URL it was found under keeps leading to it."""

import yaml

from pipeline import stages, urls

from .loopback import LoopbackServer

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Honda and Nissan widen their software pact</title>
<link rel="canonical" href="{canonical}">
<meta property="article:published_time" content="2024-08-01T09:00:00+00:00">
</head><body><header><nav><a href="/">Home</a> <a href="/autos">Autos</a></nav></header>
<article><h1>Honda and Nissan widen their software pact</h1>
<p>Honda and Nissan agreed on Thursday to extend their partnership to vehicle operating
software, adding Mitsubishi Motors to the group that will share the development costs.</p>
<p>The companies said engineers from all three carmakers would work on a common platform for
electric models sold in Japan and North America from the end of the decade.</p>
<p>Executives declined to put a figure on the savings but said the shared work would let
each brand keep its own interface and driving character on top of the common base.</p>
</article><footer>Copyright Example Motor Wire</footer></body></html>"""


def _feed(base, *paths):
    items = "".join(f"<item><title>Story {i}</title><link>{base}{p}</link><guid>{p}</guid>"
                    "<pubDate>Thu, 01 Aug 2024 09:00:00 GMT</pubDate></item>"
                    for i, p in enumerate(paths))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>{base}/</link>{items}</channel></rss>")


def _write_feeds(tmp_path, server, *names):
    path = tmp_path / "feeds.yml"
    feeds = [{"name": n, "url": server.url(f"/{n}.rss"), "enabled": True} for n in names]
    path.write_text(yaml.safe_dump({"feeds": feeds}), encoding="utf-8")
    return path


def _rows(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_page_canonical_rekeys_the_article_and_the_old_url_still_finds_it(settings, conn, tmp_path):
    with LoopbackServer() as server:
        canonical = server.url("/autos/honda-nissan-software")
        server.add("/share/story?id=7", PAGE.format(canonical=canonical))
        server.add("/autos/honda-nissan-software", PAGE.format(canonical=canonical))
        server.add("/first.rss", _feed(server.base, "/share/story?id=7"),
                   content_type="application/rss+xml")
        server.add("/second.rss", _feed(server.base, "/autos/honda-nissan-software"),
                   content_type="application/rss+xml")
        run = settings.with_overrides(feeds_file=_write_feeds(tmp_path, server, "first"))
        stages.run_once(run)
        assert _rows(conn, "SELECT canonical_url FROM articles") == [(canonical,)]
        assert _rows(conn, "SELECT url FROM url_aliases") == [(server.url("/share/story?id=7"),)]
        # a feed listing the canonical URL, and the first feed again, find the same article
        stages.run_once(settings.with_overrides(
            feeds_file=_write_feeds(tmp_path, server, "first", "second")))
        assert _rows(conn, "SELECT count(*) FROM articles") == [(1,)]
        assert _rows(conn, "SELECT count(*) FROM feed_entries") == [(2,)]
        assert server.hits_for("/autos/honda-nissan-software") == []  # never fetched twice


def test_canonical_held_by_another_article_leaves_both_linked_as_copies(settings, conn, tmp_path):
    with LoopbackServer() as server:
        canonical = server.url("/autos/honda-nissan-software")
        server.add("/share/story?id=7", PAGE.format(canonical=canonical))
        server.add("/autos/honda-nissan-software", PAGE.format(canonical=canonical))
        server.add("/first.rss", _feed(server.base, "/autos/honda-nissan-software", "/share/story?id=7"),
                   content_type="application/rss+xml")
        stages.run_once(settings.with_overrides(feeds_file=_write_feeds(tmp_path, server, "first")))
    rows = _rows(conn, "SELECT id, canonical_url, duplicate_of, duplicate_kind FROM articles")
    assert {r[1] for r in rows} == {canonical, urls.canonical_url(server.url("/share/story?id=7"))}
    (rep,), (copy,) = [r for r in rows if r[2] is None], [r for r in rows if r[2] is not None]
    assert copy[2:] == (rep[0], "exact")
    assert _rows(conn, "SELECT count(*) FROM url_aliases") == [(0,)]


def test_backfill_of_a_url_the_article_was_rekeyed_from_adds_nothing(settings, conn, tmp_path):
    with LoopbackServer() as server:
        canonical = server.url("/autos/honda-nissan-software")
        server.add("/share/story?id=7", PAGE.format(canonical=canonical))
        server.add("/first.rss", _feed(server.base, "/share/story?id=7"),
                   content_type="application/rss+xml")
        stages.run_once(settings.with_overrides(feeds_file=_write_feeds(tmp_path, server, "first")))
        record = {"url": server.url("/share/story?id=7"), "title": "Honda and Nissan",
                  "text": "Honda and Nissan agreed to extend their partnership to software."}
        counts = stages.store_archive_records(conn, [(1, record)])
    assert counts["records_known"] == 1 and not counts.get("records_stored")
    assert _rows(conn, "SELECT count(*) FROM articles") == [(1,)]
