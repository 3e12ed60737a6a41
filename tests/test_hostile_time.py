"""Class 4: servers that drip bytes or stay silent cannot keep a pass busy, and an article
is tried at most once per pass, its backoff counted from when the attempt ended."""

import time

from pipeline import db

from .hostile import HostileSite, articles, assert_healthy_loaded, run_pass


def test_a_pass_ends_within_its_deadline_and_tries_each_article_once(site_settings, news_site):
    site = HostileSite(news_site, news_site.feeds_file)
    site.drip("drip", every=0.2)
    site.silent("silent", seconds=4)
    site.page("fine")
    site.publish()
    # Each fetch may take 1.5 s; retries would take longer than the article's backoff.
    settings = site_settings.with_overrides(read_timeout=1.0, total_timeout=1.5, max_retries=0,
                                            pass_deadline_seconds=30, batch_deadline_seconds=10)
    started = time.monotonic()
    run_pass(settings, max_seconds=30 + 5)
    elapsed = time.monotonic() - started

    states = articles(settings.database_url)
    assert states["fine"][0] == "loaded"
    for slug in ("drip", "silent"):
        state, attempts, error = states[slug]
        assert (state, attempts) == ("discovered", 1) and error, states[slug]
    hits = [h.path for h in news_site.hits if h.path in ("/hostile/drip", "/hostile/silent")]
    assert sorted(hits) == ["/hostile/drip", "/hostile/silent"]  # once each in the pass
    with db.connection(settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT e.occurred_at - r.started_at, a.next_attempt_at - e.occurred_at
                         FROM item_errors e JOIN articles a ON a.id = e.item_id
                         JOIN pipeline_runs r ON r.id = e.run_id
                        WHERE a.url LIKE '%%/hostile/silent'""")
        after_start, backoff = cur.fetchone()
    assert after_start.total_seconds() >= 1.0  # recorded when the fetch ended, not before it
    assert backoff.total_seconds() >= 29  # the full backoff is still ahead
    assert elapsed < 30
    assert_healthy_loaded(settings.database_url)


def test_the_pass_deadline_stops_new_work_and_leaves_it_queued(site_settings, news_site):
    site = HostileSite(news_site, news_site.feeds_file)
    for n in range(4):
        site.silent(f"slow-{n}", seconds=3)
    site.publish()
    settings = site_settings.with_overrides(read_timeout=5.0, total_timeout=5.0, max_retries=0,
                                            batch_size=2, pass_deadline_seconds=4,
                                            batch_deadline_seconds=2)
    started = time.monotonic()
    counts = run_pass(settings, max_seconds=15)
    assert time.monotonic() - started < 4 + 5
    assert counts.get("pass_deadline_reached") or counts.get("articles_deferred")
    states = articles(settings.database_url)
    assert all(state == "discovered" for state, _, _ in states.values()), states
    with db.connection(settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE lease_owner IS NOT NULL")
        assert cur.fetchone()[0] == 0  # nothing is left leased
