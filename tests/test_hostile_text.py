"""Class 3: text PostgreSQL cannot hold (lone surrogates, NULs) reaching a write."""

import json

from pipeline import db

from .hostile import HostileSite, articles, assert_healthy_loaded, good_page, run_pass


def test_lone_surrogates_and_nuls_are_replaced_not_fatal(site_settings, news_site):
    site = HostileSite(news_site, news_site.feeds_file)
    ld = json.dumps({"@type": "NewsArticle", "headline": "Surrogate \ud800 headline",
                     "author": {"name": "Ann \udfff Lee"}, "publisher": {"name": "Bad\u0000Site"}})
    site.page("surrogate", good_page("surrogate", head=f"<script type='application/ld+json'>{ld}</script>"))
    site.page("fine")
    site.publish()

    run_pass(site_settings)

    states = articles(site_settings.database_url)
    assert states["fine"][0] == "loaded"
    assert states["surrogate"][0] == "loaded", states["surrogate"]
    with db.connection(site_settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT author FROM articles WHERE url LIKE '%%/hostile/surrogate'")
        assert cur.fetchone()[0] == "Ann \ufffd Lee"
    assert_healthy_loaded(site_settings.database_url)


def test_a_failure_of_any_kind_in_a_step_parks_only_its_article(site_settings, news_site, monkeypatch):
    """The error boundary: an unexpected exception (a bug) while extracting one article."""
    from pipeline import stages
    site = HostileSite(news_site, news_site.feeds_file)
    site.page("boom")
    site.publish()
    real = stages.extract.extract_page

    def extract_page(body, **kwargs):
        if (kwargs.get("url") or "").endswith("/hostile/boom"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(body, **kwargs)
    monkeypatch.setattr(stages.extract, "extract_page", extract_page)

    run_pass(site_settings)

    state, attempts, error = articles(site_settings.database_url)["boom"]
    assert (state, attempts) == ("failed", 1) and error.startswith("RecursionError")
    assert_healthy_loaded(site_settings.database_url)
