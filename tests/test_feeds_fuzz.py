"""Property tests: parse_feed never raises and stays fast on random and mutated feeds."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.feeds import parse_feed
from pipeline.models import ParsedFeed

SEED = (Path(__file__).parent / "fixtures" / "feeds" / "rss_mixed.xml").read_bytes()


@st.composite
def mutated_feed(draw) -> bytes:
    """The fixture feed with a few random byte-level cuts, insertions and replacements."""
    body = bytearray(SEED)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["cut", "insert", "replace"]))
        chunk = draw(st.binary(min_size=1, max_size=20))
        if action == "cut":
            del body[at:at + len(chunk)]
        elif action == "insert":
            body[at:at] = chunk
        else:
            body[at:at + len(chunk)] = chunk
    return bytes(body)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), mutated_feed()))
def test_parse_feed_never_raises(body):
    started = time.monotonic()
    parsed = parse_feed(body, base_url="https://news.example.com/rss")
    assert isinstance(parsed, ParsedFeed)
    assert time.monotonic() - started < 2.0
    assert all(e.link.startswith(("http://", "https://")) for e in parsed.entries)
    assert len({e.entry_key for e in parsed.entries}) == len(parsed.entries)
