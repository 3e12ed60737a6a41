"""Class 1: a redirect to a non-HTTP URL (mailto:, javascript:), for a page or a feed."""

from .hostile import HostileSite, articles, assert_healthy_loaded, feed_health, run_pass
from .loopback import redirect_to


def test_redirects_to_non_http_urls_park_the_item(site_settings, news_site):
    site = HostileSite(news_site, news_site.feeds_file)
    site.redirect("to-mailto", "mailto:editor@example.com")
    site.redirect("to-javascript", "javascript:alert(1)")
    site.page("fine")
    site.publish()
    site.publish("mailto-feed", handler=redirect_to("mailto:feeds@example.com"))

    run_pass(site_settings)

    states = articles(site_settings.database_url)
    assert states["fine"][0] == "loaded"
    for slug in ("to-mailto", "to-javascript"):
        state, attempts, error = states[slug]
        assert (state, attempts) == ("failed", 1) and "InvalidURL" in error, states[slug]
    health = feed_health(site_settings.database_url, "mailto-feed")
    assert health["health"] == "failing" and "InvalidURL" in health["last_error"]
    assert health["last_error_stage"] == "poll"
    assert_healthy_loaded(site_settings.database_url)
