"""Property tests: extract_page and decode_html never raise on random or mutated input."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.extract import decode_html, extract_page

SEED = (Path(__file__).parent / "fixtures" / "pages" / "article_full_metadata.html").read_bytes()


@st.composite
def mutated_page(draw) -> bytes:
    body = bytearray(SEED)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(body)))
        chunk = draw(st.binary(min_size=1, max_size=40))
        if draw(st.booleans()):
            del body[at:at + len(chunk)]
        else:
            body[at:at] = chunk
    return bytes(body)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=3000), mutated_page(), st.text(max_size=3000)),
       st.sampled_from([None, "utf-8", "iso-8859-1", "shift_jis", "koi8-r", "bogus"]))
def test_extract_page_never_raises(html, charset):
    started = time.monotonic()
    page = extract_page(html, http_charset=charset, url="https://news.example.com/a")
    assert isinstance(page.text, str)
    assert time.monotonic() - started < 3.0


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([None, "utf-8", "windows-1252", "euc-kr", "nope"]))
def test_decode_html_always_returns_text(body, charset):
    text, encoding = decode_html(body, charset)
    assert isinstance(text, str) and isinstance(encoding, str)
