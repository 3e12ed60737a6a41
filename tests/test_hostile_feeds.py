"""Classes 5, 6 and 8: bad character references, mislabelled encodings, IPv6 links and a
feed's long Retry-After."""

from datetime import datetime, timezone

from pipeline import feeds, urls

from .hostile import HostileSite, articles, assert_healthy_loaded, feed_health, item, rss, run_pass
from .loopback import Route, sequence


def test_one_invalid_character_reference_does_not_lose_the_feed(site_settings, news_site):
    site = HostileSite(news_site, news_site.feeds_file)
    site.page("fine")
    site.page("also-fine")
    site.items[0] = site.items[0].replace("<title>fine</title>", "<title>bad &#xD800; &#99999999;</title>")
    site.publish()
    run_pass(site_settings)
    states = articles(site_settings.database_url)
    assert states["fine"][0] == states["also-fine"][0] == "loaded", states
    assert_healthy_loaded(site_settings.database_url)


def test_a_shift_jis_feed_labelled_utf8_is_read_as_shift_jis():
    body = rss([item("http://example.test/a", "トヨタとマツダが提携を拡大")]).encode("shift_jis")
    parsed = feeds.parse_feed(body, content_type="application/rss+xml", charset="utf-8")
    assert [e.title for e in parsed.entries] == ["トヨタとマツダが提携を拡大"]


def test_ipv6_literal_links_keep_their_brackets():
    assert urls.entry_link("http://[2001:DB8::1]:8080/a?utm_source=x") == "http://[2001:db8::1]:8080/a"
    parsed = feeds.parse_feed(rss([item("http://[2001:db8::1]/story", "v6")]).encode())
    assert parsed.entries[0].link == "http://[2001:db8::1]/story"


def test_a_feed_retry_after_of_days_is_honoured_up_to_the_cap(site_settings, news_site):
    site = HostileSite(news_site, news_site.feeds_file)
    site.publish("busy", handler=sequence(Route(b"busy", 503, {"Retry-After": str(3 * 86400)})))
    run_pass(site_settings.with_overrides(max_retries=0))
    health = feed_health(site_settings.database_url, "busy")
    wait = (health["next_poll_at"] - datetime.now(timezone.utc)).total_seconds()
    assert 86400 - 120 < wait <= 86400  # 3 days asked, capped by TIEUP_FEED_BACKOFF_MAX_SECONDS
    assert health["health"] == "failing"
    assert_healthy_loaded(site_settings.database_url)
