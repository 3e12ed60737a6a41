"""`tieup feeds add` with a source kind, or the kind detected from the URL and what it answers."""

from __future__ import annotations

import pytest

from pipeline.cli import main

from .test_sitemap_source import news_sitemap


@pytest.fixture
def loopback_env(monkeypatch):
    monkeypatch.setenv("TIEUP_ALLOW_PRIVATE_HOSTS", "1")
    monkeypatch.setenv("TIEUP_HOST_INTERVAL_SECONDS", "0")


def test_kinds_are_detected_or_given_and_listed(database_url, news_site, loopback_env, capsys):
    news_site.add("/news.xml", news_sitemap(news_site.base, ["a.html"]), content_type="application/xml")
    url = ["--database-url", database_url]
    assert main(["feeds", "add", news_site.url("/feeds/industry.rss"), *url]) == 0
    assert main(["feeds", "add", news_site.url("/news.xml"), *url]) == 0  # a sitemap, by its content
    assert main(["feeds", "add", news_site.url("/robots.txt"), *url]) == 0  # a sitemap, by its URL
    assert main(["feeds", "add", "--query", "(Honda OR Nissan) alliance", "--name", "Tie-ups", *url]) == 0
    assert main(["feeds", "add", "https://offline.example/feed", "--kind", "sitemap", *url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in out] == ["(rss):", "(sitemap):", "(sitemap):", "(gdelt):", "(sitemap):"]
    assert "api.gdeltproject.org/api/v2/doc/doc?query=%28Honda+OR+Nissan%29+alliance" in out[3]
    assert main(["feeds", "list", *url]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].split()[:4] == ["id", "health", "failures", "kind"]
    assert [line.split()[3] for line in listed[1:]] == ["rss", "sitemap", "sitemap", "gdelt", "sitemap"]


def test_a_query_is_for_gdelt_only(database_url, capsys):
    assert main(["feeds", "add", "--kind", "rss", "--query", "Honda", "--database-url", database_url]) == 2
    assert "--query is for a GDELT source" in capsys.readouterr().err
