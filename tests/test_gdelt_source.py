"""The 'gdelt' source kind: a saved query against a fake GDELT DOC API on loopback, resuming its window."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from pipeline import feeds, stages
from pipeline.sources import gdelt
from pipeline.store import feeds as feed_store

from .loopback import LoopbackServer, send_headers
from .site import article_count

STAMP = "%Y%m%d%H%M%S"


class FakeDocApi:
    """Answers /api/v2/doc/doc like GDELT's DOC API (mode=artlist, format=json) with scripted articles."""

    def __init__(self, server: LoopbackServer):
        self.server, self.articles, self.fault, self.asked = server, [], None, []
        server.add_handler("/api/v2/doc/doc", self.handle)

    @property
    def url(self) -> str:
        return self.server.url("/api/v2/doc/doc")

    def handle(self, h) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(h.path).query).items()}
        self.asked.append(query)
        if self.fault:
            status, body = self.fault
        else:
            start, end = (datetime.strptime(query[k], STAMP) for k in ("startdatetime", "enddatetime"))
            chosen = [a for a in self.articles if start <= datetime.strptime(a["seendate"], "%Y%m%dT%H%M%SZ") <= end]
            status, body = 200, json.dumps({"articles": chosen[:int(query["maxrecords"])]} if chosen else {})
        body = body.encode()
        send_headers(h, status, Content_Type="application/json; charset=utf-8", Content_Length=str(len(body)))
        h.wfile.write(body)

    def article(self, url: str, seen: datetime, title: str = "Honda and Nissan sign a memorandum") -> None:
        self.articles.append({"url": url, "url_mobile": "", "title": title, "seendate": seen.strftime("%Y%m%dT%H%M%SZ"),
                              "socialimage": "", "domain": urlsplit(url).hostname, "language": "English",
                              "sourcecountry": "Japan"})


@pytest.fixture
def doc_api():
    with LoopbackServer() as server:
        yield FakeDocApi(server)


def _add(conn, doc_api) -> int:
    url = feeds.gdelt_url(feeds.gdelt_query(["Honda", "Nissan"], ["memorandum"], ["english"]), doc_api.url)
    return feed_store.add_feed(conn, url, "Honda-Nissan tie-ups", "gdelt")


def _state(conn, feed_id):
    with conn.cursor() as cur:
        cur.execute("SELECT f.poll_state, h.kind, h.health, h.last_error FROM feeds f JOIN v_feed_health h ON h.feed_id = f.id "
                    "WHERE f.id = %s", (feed_id,))
        return cur.fetchone()


def test_articles_the_query_finds_are_fetched_deduped_and_loaded(site_settings, news_site, conn, doc_api):
    now = datetime.now(timezone.utc)
    doc_api.article(news_site.url("/news/honda-nissan-mou.html"), now - timedelta(hours=2))
    doc_api.article(news_site.url("/news/honda-nissan-mou.html?utm_source=gdelt"), now - timedelta(hours=1))
    feed_id = _add(conn, doc_api)
    counts = stages.run_once(site_settings)
    assert counts["feeds_polled"] == 4 and not counts.get("feeds_failed")
    with conn.cursor() as cur:
        cur.execute("SELECT count(*), count(*) FILTER (WHERE state = 'loaded') FROM articles a "
                    "JOIN feed_entries e ON e.article_id = a.id WHERE e.feed_id = %s", (feed_id,))
        assert cur.fetchone() == (1, 1)  # the two URLs are one canonical URL, loaded like any
        cur.execute("SELECT count(*) FROM articles")
        assert cur.fetchone()[0] == article_count()  # the site's RSS feeds list it too: one article
    asked = doc_api.asked[0]
    assert asked["query"] == "(Honda OR Nissan) memorandum sourcelang:english"
    assert (asked["mode"], asked["format"], asked["sort"]) == ("artlist", "json", "dateasc")
    state, kind, health, _ = _state(conn, feed_id)
    assert kind == "gdelt" and health == "ok" and state["window_end"].startswith(now.strftime("%Y-%m-%d"))


def _poll(conn, settings, feed_id):
    with stages.http_client(settings) as client:
        return stages.poll_feed(conn, settings, client, feed_id)


def test_a_pass_after_an_outage_resumes_where_the_last_window_ended(settings, conn, doc_api):
    feed_id = _add(conn, doc_api)
    ended = datetime.now(timezone.utc) - timedelta(hours=6)
    with conn.cursor() as cur:
        cur.execute("UPDATE feeds SET poll_state = %s WHERE id = %s",
                    (json.dumps({"window_end": ended.isoformat()}), feed_id))
    conn.commit()
    doc_api.fault = (503, "busy")
    assert _poll(conn, settings, feed_id)["feeds_failed"] == 1
    assert _state(conn, feed_id)[0] == {"window_end": ended.isoformat()}  # the failed pass moved nothing
    doc_api.fault = None
    doc_api.article("https://outlet.example/during-the-outage", ended + timedelta(hours=1))
    with conn.cursor() as cur:
        cur.execute("UPDATE feeds SET next_poll_at = now() WHERE id = %s", (feed_id,))
    conn.commit()
    assert _poll(conn, settings, feed_id)["entries_new"] == 1
    assert doc_api.asked[-1]["startdatetime"] == ended.strftime(STAMP)


def test_a_full_page_ends_the_window_at_its_last_article(settings, conn, doc_api):
    feed_id = _add(conn, doc_api)
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=20)
    for i in range(gdelt.MAX_RECORDS + 10):
        doc_api.article(f"https://outlet.example/a/{i}", start + timedelta(minutes=i))
    first = _poll(conn, settings, feed_id)
    last_of_page = start + timedelta(minutes=gdelt.MAX_RECORDS - 1)
    assert first["entries_new"] == gdelt.MAX_RECORDS
    assert _state(conn, feed_id)[0] == {"window_end": last_of_page.isoformat()}
    second = _poll(conn, settings, feed_id)
    assert second["entries_new"] == 10 and second["entries_seen"] == 1  # the boundary article again


def test_a_bad_answer_is_recorded_on_the_source(settings, conn, doc_api):
    feed_id = _add(conn, doc_api)
    doc_api.fault = (200, "Your search contained a keyword that was too short.")
    assert _poll(conn, settings, feed_id)["feeds_failed"] == 1
    _, _, health, error = _state(conn, feed_id)
    assert health == "failing" and "GDELT answered with no JSON" in error and "too short" in error


def test_window_start_is_bounded():
    now = datetime(2026, 12, 3, tzinfo=timezone.utc)
    assert gdelt.window_start({}, now) == now - gdelt.FIRST_WINDOW
    assert gdelt.window_start({"window_end": "2025-01-01T00:00:00+00:00"}, now) == now - gdelt.MAX_WINDOW
    assert gdelt.window_start({"window_end": "garbage"}, now) == now - gdelt.FIRST_WINDOW
