"""canonical_url: one identity per article page, whatever link led to it."""

import pytest
from hypothesis import given, strategies as st

from pipeline.urls import canonical_url, registrable_domain, url_hash

BASE = "https://www.example.com/news/honda-nissan-mou"


@pytest.mark.parametrize("variant", [
    "HTTPS://WWW.Example.COM/news/honda-nissan-mou",
    "https://www.example.com:443/news/honda-nissan-mou",
    "https://www.example.com/news/honda-nissan-mou#comments",
    "https://www.example.com/news/honda-nissan-mou?utm_source=x&utm_medium=rss&utm_campaign=y",
    "https://www.example.com/news/honda-nissan-mou?fbclid=IwAR0abc",
    "https://www.example.com/news/honda-nissan-mou?gclid=1&dclid=2&msclkid=3",
    "https://www.example.com/news/honda-nissan-mou?mc_cid=a1&mc_eid=b2",
    "https://www.example.com/news/honda-nissan-mou?igshid=zz&_ga=2.1.2",
    "https://www.example.com/news/honda-nissan-mou?ref=rss&ref_src=twsrc%5Etfw",
    "https://www.example.com/news/honda-nissan-mou?spm=a2.b&cmpid=c&ocid=d",
    "https://www.example.com/amp/news/honda-nissan-mou",
    "https://www.example.com/news/honda-nissan-mou/amp",
    "https://www.example.com/news/honda-nissan-mou?amp=1",
    "https://www.example.com/news/honda-nissan-mou?outputType=amp",
    "https://amp.www.example.com/news/honda-nissan-mou",
    "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/honda-nissan-mou",
    "  https://www.example.com/news//honda-nissan-mou  ",
    "//www.example.com/news/honda-nissan-mou",
])
def test_variants_share_one_identity(variant):
    assert canonical_url(variant) == BASE


def test_amp_subdomain_maps_to_the_site():
    assert canonical_url("https://amp.example.com/a/b") == "https://example.com/a/b"


def test_amp_html_suffix_is_dropped():
    assert canonical_url("https://example.com/a/story.amp.html") == "https://example.com/a/story.html"


def test_remaining_query_is_sorted_and_kept():
    url = "https://example.com/article?b=2&utm_source=x&a=1&id=77"
    assert canonical_url(url) == "https://example.com/article?a=1&b=2&id=77"


def test_numeric_ref_is_kept_as_a_document_id():
    assert canonical_url("https://example.com/view?ref=12345") == "https://example.com/view?ref=12345"


def test_non_default_port_and_http_scheme_are_kept():
    assert canonical_url("HTTP://Example.com:8080/x") == "http://example.com:8080/x"
    assert canonical_url("http://example.com:80/x") == "http://example.com/x"


def test_empty_path_becomes_slash():
    assert canonical_url("https://Example.com") == "https://example.com/"


def test_rel_canonical_on_same_site_is_honoured():
    page = "https://m.example.com/story/123?from=app"
    assert canonical_url(page, "https://www.example.com/story/123") == "https://www.example.com/story/123"


def test_relative_rel_canonical_is_resolved():
    assert canonical_url("https://example.com/amp/x?x=1", "/news/x") == "https://example.com/news/x"


@pytest.mark.parametrize("bad", [
    "https://other-publisher.com/story/123",   # syndication partner: keep both sources
    "https://www.example.com/",                # home page canonical: a CMS bug
    "ftp://www.example.com/story/123",
    "javascript:alert(1)",
    "http://[::1",                             # unparsable
])
def test_rel_canonical_that_is_not_sane_is_ignored(bad):
    page = "https://www.example.com/story/123"
    assert canonical_url(page, bad) == page


def test_registrable_domain_knows_second_level_suffixes():
    assert registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("www.asahi.co.jp") == "asahi.co.jp"
    assert registrable_domain("www.ilsole24ore.com") == "ilsole24ore.com"


def test_idn_host_is_ascii():
    assert canonical_url("https://Bücher.example/x") == "https://xn--bcher-kva.example/x"


@pytest.mark.parametrize("junk", ["", "   ", "not a url", "http://", "https://[bad/x",
                                  "mailto:a@b.c", "http://exa mple.com/x", None])
def test_junk_never_raises(junk):
    assert isinstance(canonical_url(junk), str)


@given(st.text())
def test_any_text_never_raises(text):
    assert isinstance(canonical_url(text, text), str)


def test_canonical_url_is_idempotent():
    once = canonical_url("https://AMP.Example.com/amp/a?utm_x=1&b=2#f")
    assert canonical_url(once) == once


def test_url_hash_is_sha256():
    assert len(url_hash(BASE)) == 32
    assert url_hash(BASE) == url_hash(canonical_url(BASE + "?utm_source=a"))
