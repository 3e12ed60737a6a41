"""extract_page: text, metadata, the published-date chain, language, and junk that must not raise."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import extract_lines, extract_page, load_tree, parse_date

PAGES = Path(__file__).parent / "fixtures" / "pages"
FULL = (PAGES / "article_full_metadata.html").read_bytes()
BARE = (PAGES / "article_no_metadata.html").read_bytes()


def test_main_text_without_boilerplate_or_comments():
    page = extract_page(FULL, url="https://autodesk.example.com/x?utm_source=feed", http_charset="utf-8")
    assert "memorandum of understanding" in page.text
    assert "Chinese manufacturers" in page.text
    for boilerplate in ("Privacy", "All rights reserved", "reader123", "dataLayer", "display: none"):
        assert boilerplate not in page.text


def test_metadata_from_opengraph_json_ld_and_meta_tags():
    page = extract_page(FULL)
    assert page.title == "Honda and Nissan agree to explore EV partnership"
    assert page.author == "Aiko Tanaka, Ben Clark"  # JSON-LD beats the meta tag
    assert page.site_name == "Auto Desk"
    assert page.canonical_url == "https://autodesk.example.com/2024/03/honda-nissan-ev"
    assert page.published == datetime(2024, 3, 15, 0, 30, tzinfo=timezone.utc)
    assert page.modified == datetime(2024, 3, 16, 10, 0, tzinfo=timezone.utc)
    assert page.date_source == "metadata"
    assert page.language == "en"


def test_feed_date_comes_first():
    feed_date = datetime(2024, 3, 14, 23, 0, tzinfo=timezone.utc)
    page = extract_page(FULL, feed_published=feed_date)
    assert (page.published, page.date_source) == (feed_date, "feed")


def test_implausible_feed_date_falls_through_to_metadata():
    page = extract_page(FULL, feed_published=datetime(2099, 1, 1, tzinfo=timezone.utc))
    assert page.date_source == "metadata"
    page = extract_page(FULL, feed_published=datetime(1985, 1, 1, tzinfo=timezone.utc))
    assert page.date_source == "metadata"


def test_htmldate_is_the_last_resort():
    page = extract_page(BARE, url="https://news.example.com/gm-honda")
    assert page.title == "GM and Honda to build affordable EVs"
    assert "Ultium battery technology" in page.text
    assert (page.published, page.date_source) == (datetime(2022, 4, 5, tzinfo=timezone.utc), "htmldate")


def test_future_and_ancient_metadata_dates_are_rejected():
    future = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    html = FULL.replace(b"2024-03-15T09:30:00+09:00", future.encode())
    page = extract_page(html)
    assert page.published is None or page.published <= datetime.now(timezone.utc) + timedelta(days=2)
    html = FULL.replace(b"2024-03-15T09:30:00+09:00", b"1970-01-01T00:00:00Z")
    assert extract_page(html).published != datetime(1970, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("value, expected", [
    ("2024-03-15T09:30:00Z", datetime(2024, 3, 15, 9, 30, tzinfo=timezone.utc)),
    ("2024-03-15", datetime(2024, 3, 15, tzinfo=timezone.utc)),
    ("March 15, 2024 9:30 AM EST", datetime(2024, 3, 15, 14, 30, tzinfo=timezone.utc)),
    ("Fri, 15 Mar 2024 09:30:00 +0100", datetime(2024, 3, 15, 8, 30, tzinfo=timezone.utc)),
    ("not a date", None),
    ("", None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_language_detection_on_non_english_text():
    html = ("<html lang='en'><body><article>" + "<p>Volkswagen und Rivian gründen ein Gemeinschaftsunternehmen "
            "für Software und Elektronik. Die Zusammenarbeit soll Milliarden kosten.</p>" * 3
            + "</article></body></html>")
    assert extract_page(html).language == "de"  # the text wins over a template's lang="en"


def test_short_text_falls_back_to_declared_language():
    assert extract_page("<html lang='ja'><body><p>短い</p></body></html>").language == "ja"


@pytest.mark.parametrize("junk", [
    b"", b"\x00\x01\x02" * 1000, bytes(range(256)) * 50, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "plain text, no markup at all", "<html><body>" + "<div>" * 5000,
    "<html><head><script type='application/ld+json'>{broken json</script></head><body></body></html>",
    "<p>" + "Honda " * 50_000 + "</p>", "<<<>>>&&&;;", "<html><body><p>\ud800 lone surrogate</p></body></html>",
])
def test_junk_never_raises(junk):
    page = extract_page(junk)
    assert isinstance(page.text, str)


def test_pdf_bytes_give_empty_text():
    assert extract_page(b"%PDF-1.4\n" + b"stream binary" * 100).text == ""


def test_trafilatura_empty_falls_back_to_paragraphs():
    html = "<html><body><nav>Menu</nav><p>Tiny but real text about Toyota and BMW.</p></body></html>"
    assert "Toyota and BMW" in extract_page(html).text


def test_extract_lines_contract_in_order_with_errors_inline():
    lines = [
        json.dumps({"id": 1, "html": FULL.decode(), "url": "https://autodesk.example.com/a"}),
        "{not json",
        json.dumps({"id": "b", "html": 42}),
        json.dumps(["no", "id"]),
        "",
        json.dumps({"id": 3, "html": BARE.decode()}),
    ]
    out = [json.loads(line) for line in extract_lines(lines)]
    assert [o["id"] for o in out] == [1, None, "b", None, 3]
    assert set(out[0]) == {"id", "text", "title", "published", "language"}
    assert out[0]["published"] == "2024-03-15T00:30:00+00:00" and out[0]["language"] == "en"
    assert "error" in out[1] and "error" in out[2] and "error" in out[3]
    assert out[4]["title"] == "GM and Honda to build affordable EVs"
    assert out[4]["published"] == "2022-04-05T00:00:00+00:00"


def test_nul_characters_never_reach_the_output():
    html = "<html><head><title>Deal\x00 news</title></head><body>" + "<p>Honda\x00 and Nissan sign.</p>" * 20
    page = extract_page(html + "</body></html>")
    assert all("\x00" not in (v or "") for v in (page.text, page.title))


def _same_tree(html: str) -> bool:
    import lxml.etree
    import trafilatura
    ours, theirs = load_tree(html), trafilatura.load_html(html)
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return lxml.etree.tostring(ours) == lxml.etree.tostring(theirs)


@pytest.mark.parametrize("html", [
    *(path.read_text(encoding="utf-8", errors="replace") for path in sorted(PAGES.glob("*.html"))),
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x/y.dtd">\n<html><body><p>Deal signed.</p></body></html>',
    "<!doctype html>\n<meta charset=utf-8>\n<html lang=en xmlns='x' />\n<body><p>Partners.</p></body>",
    '<?xml version="1.0" encoding="utf-8"?>\n<html><body><article><p>Joint venture.</p></article></body></html>',
    "<html><body><p>One line, no newline at all.</p></body></html>",
    "<html>\r<head><title>CR only</title></head>\r<body><p>Old Mac line ends.</p></body>\r</html>",
    "just some text without any markup", "", "\n\n\n\n\n", "<p>fragment</p>",
])
def test_load_tree_builds_the_tree_trafilatura_would(html):
    assert _same_tree(html)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["<html>", "<html a='1'/>", "<!DOCTYPE html>", "<!DOCTYPE x/y>", "<p>", "</p>",
                                 "text", "\n", "\r\n", "\r", "<body>", "<?xml version='1.0'?>", "é", "<br/>"]),
                max_size=30))
def test_load_tree_matches_trafilatura_on_odd_openings(parts):
    assert _same_tree("".join(parts))


def test_metadata_from_a_bare_head_and_unusual_attributes():
    from pipeline.extract import read_metadata
    html = ('<html xml:lang="de-DE"><head><title> Bosch  and\n Daimler </title>'
            '<link rel="Canonical amphtml" href=" https://wire.example/a "></head><body>x</body></html>')
    meta = read_metadata(html, "https://wire.example/a?utm_source=x")
    assert (meta["title"], meta["canonical_url"], meta["language"]) == (
        "Bosch and Daimler", "https://wire.example/a", "de")
    assert read_metadata("", "https://u.example/")["canonical_url"] == "https://u.example/"
    assert read_metadata("no markup at all")["title"] is None
