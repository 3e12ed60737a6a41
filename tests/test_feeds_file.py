"""load_feeds_file: the shipped feeds.yml and the errors a hand-edited one can have."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from pipeline.errors import ConfigError
from pipeline.feeds import FeedSpec, load_feeds_file
from pipeline.settings import DEFAULT_FEEDS_FILE


def test_shipped_feeds_file_is_valid():
    specs = load_feeds_file(DEFAULT_FEEDS_FILE)
    assert len(specs) >= 15
    assert sum(s.enabled for s in specs) >= 10
    assert all(s.url.startswith("https://") for s in specs)


def test_enabled_defaults_to_true(tmp_path):
    path = tmp_path / "feeds.yml"
    path.write_text("feeds:\n  - name: A\n    url: https://a.example/feed\n", encoding="utf-8")
    assert load_feeds_file(path) == [FeedSpec(url="https://a.example/feed", name="A", enabled=True)]


def test_a_gdelt_query_is_stored_as_its_api_url(tmp_path):
    path = tmp_path / "feeds.yml"
    path.write_text("feeds:\n  - name: Tie-ups\n    kind: gdelt\n    query:\n      companies: [Honda, Nissan]\n"
                    "      deal_words: [alliance, joint venture]\n      languages: [english]\n", encoding="utf-8")
    [spec] = load_feeds_file(path)
    assert spec.kind == "gdelt" and spec.url.startswith("https://api.gdeltproject.org/api/v2/doc/doc?query=")
    assert parse_qs(urlsplit(spec.url).query)["query"] == [
        '(Honda OR Nissan) (alliance OR "joint venture") sourcelang:english']


@pytest.mark.parametrize("text, message", [
    ("feeds: nope\n", "top-level 'feeds:' list"),
    ("feeds:\n  - name: A\n", "needs a name and a url"),
    ("feeds:\n  - {name: A, url: ftp://a.example/feed}\n", "must be http(s)"),
    ("feeds:\n  - {name: A, url: https://a.example/f, enabled: maybe}\n", "true or false"),
    ("feeds:\n  - {name: A, url: https://a.example/f, kind: archive}\n", "kind must be one of rss, sitemap, gdelt"),
    ("feeds:\n  - {name: A, kind: gdelt, query: {companies: Honda}}\n", "query takes lists of words"),
    ("feeds:\n  - {name: A, kind: gdelt, query: '  '}\n", "needs a non-empty GDELT query"),
    ("feeds:\n  - {name: A, url: https://a.example/f}\n  - {name: B, url: https://a.example/f}\n", "listed twice"),
    ("feeds: [\n", "cannot read"),
])
def test_bad_feeds_files_raise_config_error(tmp_path, text, message):
    path = tmp_path / "feeds.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_feeds_file(path)
