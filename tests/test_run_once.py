"""A full pass over the fixture site: each article once, alliance events with evidence, reruns add nothing."""

import gzip
from urllib.parse import urlsplit

from pipeline import stages

from .site import article_count


def _scalar(conn, sql, params=()):
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def test_full_pass_stores_each_article_once(site_settings, conn):
    counts = stages.run_once(site_settings)
    assert counts["feeds_polled"] == 3 and counts.get("feeds_failed", 0) == 0
    # 14 feed entries: one article is listed in two feeds, another twice under URL variants
    assert counts["entries_new"] == 14
    assert counts["articles_stored"] == article_count()
    assert _scalar(conn, "SELECT count(*) FROM v_articles") == article_count()
    assert _scalar(conn, "SELECT count(*) FROM v_articles WHERE state = 'loaded'") == article_count()
    assert _scalar(conn, "SELECT count(*) FROM v_articles WHERE length(coalesce(title,'')) = 0") == 0
    # tracking parameters and fragments do not make a second article
    assert _scalar(conn, "SELECT count(*) FROM articles WHERE canonical_url LIKE '%%utm_%%' "
                         "OR canonical_url LIKE '%%fbclid%%' OR canonical_url LIKE '%%#%%'") == 0


def test_alliance_news_becomes_events_with_evidence(site_settings, conn):
    stages.run_once(site_settings)
    with conn.cursor() as cur:
        cur.execute("SELECT parties, deal_type, best_evidence, article_count FROM v_alliance_events")
        events = {tuple(p): (d, e, n) for p, d, e, n in cur.fetchall()}
    assert ("Leapmotor", "Stellantis") in events
    assert ("Rivian", "Volkswagen") in events
    assert events[("Rivian", "Volkswagen")][0] == "joint_venture"
    for parties, (deal_type, evidence, n) in events.items():
        assert evidence and n >= 1, parties
    # non-alliance news (sales ranking, recall, earnings) produces no event
    assert not any("Ford" in p or "BMW" in p or "Tesla" in p for p in events)
    # evidence is verbatim text of a linked article
    assert _scalar(conn, """SELECT count(*) FROM event_articles ea JOIN articles a ON a.id = ea.article_id
                            WHERE position(ea.evidence[1] IN a.title || ' ' || a.text) = 0""") == 0


def test_second_pass_adds_nothing(site_settings, conn):
    stages.run_once(site_settings)
    before = {t: _scalar(conn, f"SELECT count(*) FROM {t}")
              for t in ("articles", "feed_entries", "alliance_events", "event_articles", "raw_pages")}
    counts = stages.run_once(site_settings)
    assert counts.get("entries_new", 0) == 0 and counts["entries_seen"] == 14
    assert counts.get("articles_stored", 0) == 0 and counts.get("events_created", 0) == 0
    after = {t: _scalar(conn, f"SELECT count(*) FROM {t}") for t in before}
    assert after == before


def test_dead_feed_is_recorded_and_the_pass_continues(site_settings, conn, news_site):
    with open(site_settings.feeds_file, "a", encoding="utf-8") as f:
        f.write(f"- name: gone\n  url: {news_site.url('/feeds/missing.rss')}\n  enabled: true\n")
    counts = stages.run_once(site_settings)
    assert counts["feeds_failed"] == 1 and counts["articles_stored"] == article_count()
    with conn.cursor() as cur:
        cur.execute("SELECT consecutive_failures, last_status, next_poll_at > now() FROM feeds WHERE name = 'gone'")
        assert cur.fetchone() == (1, 404, True)
        cur.execute("SELECT count(*) FROM item_errors WHERE item_kind = 'feed' AND error LIKE '%%404%%'")
        assert cur.fetchone()[0] == 1


def test_a_feed_is_claimed_by_one_pass_and_polled_once_per_pass(conn):
    from pipeline.store import feeds as feed_store
    from pipeline.store import runs as run_store
    with conn.cursor() as cur:
        cur.execute("INSERT INTO feeds (name, url) VALUES ('wire', 'https://wire.example/rss') RETURNING id")
        feed = cur.fetchone()[0]
    conn.commit()
    first, second = run_store.start_run(conn, "test"), run_store.start_run(conn, "test")
    assert feed_store.claim_feed(conn, feed, first, lease_seconds=600)
    assert not feed_store.claim_feed(conn, feed, second, lease_seconds=600)  # being polled
    feed_store.record_poll_success(conn, feed, status=200, etag=None, last_modified=None,
                                   entry_count=0, parse_error=None)
    conn.commit()
    assert not feed_store.claim_feed(conn, feed, second, lease_seconds=600)  # polled since it began
    assert feed_store.claim_feed(conn, feed, run_store.start_run(conn, "test"), lease_seconds=600)


def test_a_pass_that_dies_mid_poll_leaves_the_feed_due_after_the_lease(conn):
    from pipeline.store import feeds as feed_store
    from pipeline.store import runs as run_store
    with conn.cursor() as cur:
        cur.execute("INSERT INTO feeds (name, url) VALUES ('wire', 'https://wire.example/rss') RETURNING id")
        feed = cur.fetchone()[0]
    conn.commit()
    assert feed_store.claim_feed(conn, feed, run_store.start_run(conn, "test"), lease_seconds=0)
    assert feed_store.claim_feed(conn, feed, run_store.start_run(conn, "test"), lease_seconds=600)


def test_raw_pages_are_standard_gzip_of_the_bytes_served(site_settings, conn, news_site):
    stages.run_once(site_settings)
    with conn.cursor() as cur:
        cur.execute("SELECT final_url, body_gz, body_bytes FROM raw_pages")
        rows = cur.fetchall()
    assert len(rows) == article_count()
    for final_url, body_gz, body_bytes in rows:
        served = news_site.routes[urlsplit(final_url).path].body
        assert gzip.decompress(bytes(body_gz)) == served
        assert body_bytes == len(served)
