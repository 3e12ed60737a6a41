"""text_hash and normalise_text: the fast implementation equals the definition, byte for byte.

Stored articles keep their text_hash, so a changed output for any input would
split exact copies of old and new articles.
"""

import hashlib
import re
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from pipeline import fingerprint


def reference_normalise(text):
    """The definition the stored hashes were computed with."""
    if not text:
        return ""
    return re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()


# sha256 values computed by the regex implementation before the fast path existed
PINNED = [
    ("Honda and Nissan, on Monday: talks (2024)!",
     "c483897f689bad7ee26d1eaa8f7be22aa5fa1f86f89a057fdc11c2b0e507415a"),
    ("  Ｈｏｎｄａ,  NISSAN!\n\tand—Mitsubishi ",
     "1daa72a07c151520ee34723fcdce9a42e95eb028d0ac7f8f1806bd26fa006b56"),
    ("“Citroën’s” ŒUVRE — Straße İstanbul ǰ ﬁnal",
     "28876d6055739634dc1c99a7ee7c0aceff70653cf4988a6df68508aae4ee9681"),
    ("ホンダと日産は、持株会社の設立に向けた協議を始めた。EV 2024",
     "e836134df9f532161ad2bec9ae81027f6ee05b0883b1586e7378303a7a10f809"),
    ("a\x00b\ud800c__d\u0301e",
     "52cf9f06f83e0a0a90dc25dcf548c18421244f9520c577672cd27b6618f12134"),
]

ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs"]))  # lone surrogates too
ASCII = st.text(st.characters(max_codepoint=127))
# Mostly ASCII with the odd quote, dash, accent or symbol: what real news text looks like.
NEWS_LIKE = st.lists(st.one_of(
    st.text(st.characters(max_codepoint=127), min_size=1, max_size=12),
    st.sampled_from("“”‘’—–…·•€£©®é ëÇßİŒǰﬁＨ０、。「」\u00a0\u200b\u0301"),
    ANY_CHAR)).map("".join)
# More kinds of separators than the replace path takes: exercises the regex fallback.
MANY_SEPARATORS = st.lists(st.sampled_from([chr(c) for c in range(0x2190, 0x2200)]),
                           min_size=fingerprint._MAX_SEPARATOR_KINDS + 1, unique=True).map(
    lambda chars: " word ".join(chars))


def _assert_matches_reference(text):
    expected = reference_normalise(text)
    assert fingerprint.normalise_text(text) == expected
    assert fingerprint.text_hash(text) == hashlib.sha256(expected.encode("utf-8")).digest()


@pytest.mark.parametrize("text, digest", PINNED)
def test_pinned_hashes_do_not_change(text, digest):
    assert fingerprint.text_hash(text).hex() == digest
    _assert_matches_reference(text)


def test_empty_and_none():
    assert fingerprint.normalise_text(None) == fingerprint.normalise_text("") == ""
    assert fingerprint.text_hash(None) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("padding", ["", "Abcdefgh"])  # other-script text, mostly-ASCII text
def test_every_code_point_matches_reference(padding):
    # 16 code points per text: few enough separator kinds for the replace path
    for start in range(0, 0x110000, 16):
        _assert_matches_reference(" ".join(f"{padding}{chr(code)}b" for code in range(start, start + 16)))


@settings(max_examples=500)
@given(ASCII)
def test_ascii_text_matches_reference(text):
    _assert_matches_reference(text)


@settings(max_examples=500)
@given(NEWS_LIKE)
def test_news_like_text_matches_reference(text):
    _assert_matches_reference(text)


@settings(max_examples=300)
@given(st.text(ANY_CHAR))
def test_any_unicode_text_matches_reference(text):
    _assert_matches_reference(text)


@given(MANY_SEPARATORS)
def test_text_with_many_separator_kinds_matches_reference(text):
    _assert_matches_reference(text)
