"""parse_feed on fixture feeds: identity, links, dates, and every malformed case recorded."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.feeds import parse_feed
from pipeline.urls import entry_link

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def load(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss_entries_identity_links_and_dates():
    feed = parse_feed(load("rss_mixed.xml"), base_url="https://news.example.com/rss")
    assert feed.title == "Auto Desk" and feed.error is None
    first, relative, permalink = feed.entries
    assert first.entry_key == "tag:news.example.com,2024:1001"
    assert first.link == "https://news.example.com/2024/03/honda-nissan-mou?id=7"
    assert first.published == datetime(2024, 3, 15, 0, 30, tzinfo=timezone.utc)
    assert first.summary == "The two carmakers agreed to study a partnership."
    assert relative.link == "https://news.example.com/2024/03/gm-honda-fuel-cells"
    assert relative.entry_key == relative.link  # no GUID: the canonical link is the identity
    assert relative.published is None  # year 2101 is rejected
    assert permalink.link == "https://news.example.com/2024/03/toyota-bmw-hydrogen"


def test_duplicate_guids_collapse_and_linkless_entries_are_counted():
    feed = parse_feed(load("rss_mixed.xml"), base_url="https://news.example.com/rss")
    assert [e.title for e in feed.entries].count("Duplicate of the first item") == 0
    assert feed.duplicates == 1
    assert feed.skipped_without_link == 1


def test_atom_dates_are_aware_utc():
    feed = parse_feed(load("atom.xml"), content_type="application/atom+xml")
    first, second = feed.entries
    assert first.published == datetime(2024, 3, 15, 6, 0, tzinfo=timezone.utc)  # updated stands in
    assert second.published == datetime(2024, 3, 14, 8, 0, tzinfo=timezone.utc)
    assert second.updated == datetime(2024, 3, 15, 8, 0, tzinfo=timezone.utc)
    assert all(e.published.tzinfo is timezone.utc for e in feed.entries)


def test_malformed_feed_keeps_valid_entries_and_records_error():
    feed = parse_feed(load("malformed.xml"))
    assert {"https://broken.example.com/first", "https://broken.example.com/second"} <= {
        e.link for e in feed.entries}
    assert feed.error and feed.error.startswith("malformed feed")


def test_html_served_as_feed_is_a_clear_error():
    feed = parse_feed(load("html_homepage.html"), content_type="text/html")
    assert feed.entries == () and feed.error == "not a feed: the URL returned an HTML page"


def test_feed_mislabelled_as_html_still_parses():
    feed = parse_feed(load("atom.xml"), content_type="text/html; charset=utf-8")
    assert len(feed.entries) == 2 and feed.error is None


@pytest.mark.parametrize("body", [b"", b"   \n"])
def test_empty_body_is_recorded(body):
    feed = parse_feed(body)
    assert feed.entries == () and feed.error == "empty feed body"


def test_empty_channel_is_fine():
    feed = parse_feed(load("empty_channel.xml"))
    assert feed.entries == () and feed.error is None and feed.title == "Quiet Desk"


def test_binary_junk_is_not_a_feed():
    feed = parse_feed(bytes(range(256)) * 10)
    assert feed.entries == () and feed.error.startswith("not a feed")


def test_body_naming_a_local_file_is_not_opened():
    feed = parse_feed(b"/etc/passwd")
    assert feed.entries == () and "root:" not in repr(feed)


def test_billion_laughs_does_not_expand():
    started = time.monotonic()
    feed = parse_feed(load("billion_laughs.xml"))
    assert time.monotonic() - started < 2.0
    assert len(repr(feed)) < 10_000


def test_external_entities_are_not_resolved():
    feed = parse_feed(load("external_entity.xml"))
    text = repr(feed)
    assert "root:" not in text and "ami-id" not in text


def test_wrong_declared_encoding_still_yields_text():
    body = load("rss_mixed.xml").replace(b"Honda and Nissan", "Citroën & Škoda".encode("cp1250").replace(b"&", b"&amp;"))
    body = body.replace(b'encoding="utf-8"', b'encoding="windows-1250"')
    feed = parse_feed(body)
    assert feed.entries[0].title.startswith("Citroën & Škoda")


def test_ten_megabyte_feed_parses_in_bounded_time():
    item = (b"<item><title>Deal %d</title><link>https://big.example.com/%d</link>"
            b"<description>" + b"x" * 900 + b"</description></item>")
    body = b"<rss version='2.0'><channel><title>Big</title>" + b"".join(
        item.replace(b"%d", str(i).encode()) for i in range(10_000)) + b"</channel></rss>"
    assert len(body) > 9_000_000
    started = time.monotonic()
    feed = parse_feed(body)
    assert len(feed.entries) == 10_000 and time.monotonic() - started < 30


@pytest.mark.parametrize("link, expected", [
    ("HTTPS://Example.COM:443/a?utm_medium=x&b=1#top", "https://example.com/a?b=1"),
    ("http://example.com", "http://example.com/"),
    ("javascript:alert(1)", None),
    ("mailto:press@example.com", None),
    ("", None),
])
def test_entry_link(link, expected):
    assert entry_link(link) == expected


def test_summary_markup_is_reduced_to_text():
    body = load("rss_mixed.xml").replace(
        b"The two carmakers agreed to study a partnership.",
        b"&lt;p&gt;The two &lt;b&gt;carmakers&lt;/b&gt; agreed.&lt;/p&gt;&lt;img src='x.jpg'&gt;")
    assert parse_feed(body).entries[0].summary == "The two carmakers agreed."


@pytest.mark.parametrize("encoding", [b"\x80", b"ut\x00f"])
def test_garbled_encoding_declaration_still_yields_the_entries(encoding):
    body = (b'<?xml version="1.0" encoding="' + encoding + b'"?><rss version="2.0"><channel>'
            b"<item><title>Kia and Hyundai share a platform</title>"
            b"<link>https://wire.example/kia-hyundai</link></item></channel></rss>")
    parsed = parse_feed(body)
    assert [e.link for e in parsed.entries] == ["https://wire.example/kia-hyundai"]
