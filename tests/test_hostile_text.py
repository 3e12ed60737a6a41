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
    from pipeline import extract
    site = HostileSite(news_site, news_site.feeds_file)
    site.page("boom")
    site.publish()
    real = extract.extract_page

    def extract_page(body, **kwargs):
        if (kwargs.get("url") or "").endswith("/hostile/boom"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(body, **kwargs)
    monkeypatch.setattr(extract, "extract_page", extract_page)

    run_pass(site_settings)

    state, attempts, error = articles(site_settings.database_url)["boom"]
    assert (state, attempts) == ("failed", 1) and error.startswith("RecursionError")
    assert_healthy_loaded(site_settings.database_url)


def test_deeply_nested_markup_is_extracted_in_bounded_memory_and_time():
    """Class 8: a 4 MB page of nested divs took the fallback extractor 15 s and 430 MB."""
    import resource
    import time as clock

    from pipeline import extract
    html = ("<html><body><p>Honda said its plant will grow.</p>" + "<div>" * 800_000 + "deep").encode()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = clock.monotonic()
    page = extract.extract_page(html, url="http://example.test/nested")
    assert clock.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 150 * 1024  # KiB
    assert "Honda" in page.text


def test_a_stray_nul_early_in_a_page_does_not_make_it_binary():
    from pipeline import extract
    page = extract.extract_page(("<html>\x00<body><article>" + "<p>Toyota and Mazda agreed to "
                                 "share a battery plant in Kentucky, the companies said.</p>" * 3
                                 + "</article></body></html>").encode(), url="http://example.test/nul")
    assert "Toyota and Mazda" in page.text
