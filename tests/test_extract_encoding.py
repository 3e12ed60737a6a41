"""decode_html/extract_page on pages built in legacy encodings, declared correctly, wrongly or not at all."""

from __future__ import annotations

import pytest

from pipeline.extract import decode_html, extract_page

TEXTS = {
    "latin-1": ("Renault et Nissan renforcent leur alliance à Guyancourt. Les équipes d'ingénierie "
                "travaillent déjà ensemble sur la plateforme électrique commune. « Nous allons "
                "accélérer », a déclaré le président du groupe. Die Zusammenarbeit für Elektroautos "
                "wird größer."),
    "windows-1252": ("Volkswagen’s €5 billion stake in Rivian – “a decisive step” for software… "
                     "The joint venture’s first œuvre will be a shared zonal architecture. "
                     "Analysts called the deal “the cheapest way to catch up” — for now."),
    "shift_jis": ("ホンダと日産自動車は経営統合に向けた協議を開始したと発表した。両社は電気自動車や"
                  "ソフトウェアの開発で協力し、部品の共同購買も検討する。三菱自動車も参加を検討している。"),
    "koi8-r": ("Хонда и Ниссан подписали меморандум о взаимопонимании по сотрудничеству в области "
               "электромобилей. Компании изучат совместную разработку программного обеспечения и "
               "аккумуляторов, а также совместные закупки компонентов."),
}


def page(text: str, meta_charset: str | None = None) -> str:
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    paragraphs = "".join(f"<p>{sentence}。</p>" if "。" in text else f"<p>{sentence}.</p>"
                         for sentence in text.replace("。", ".").split(". ") if sentence)
    return (f"<!DOCTYPE html><html><head>{meta}<title>News</title></head>"
            f"<body><article><h1>Alliance news</h1>{paragraphs}</article></body></html>")


def first_sentence(text: str) -> str:
    return text.replace("。", ".").split(". ")[0].split(".")[0]


@pytest.mark.parametrize("encoding", list(TEXTS))
@pytest.mark.parametrize("declared", ["http", "meta", "none"])
def test_legacy_encodings_decode_correctly(encoding, declared):
    text = TEXTS[encoding]
    body = page(text, encoding if declared == "meta" else None).encode(encoding)
    decoded, used = decode_html(body, encoding if declared == "http" else None)
    assert first_sentence(text) in decoded, (used, decoded[:200])
    assert "\ufffd" not in decoded


@pytest.mark.parametrize("encoding", list(TEXTS))
def test_extracted_text_has_no_mojibake(encoding):
    text = TEXTS[encoding]
    result = extract_page(page(text).encode(encoding), http_charset=encoding)
    assert first_sentence(text) in result.text
    assert result.encoding is not None


@pytest.mark.parametrize("actual, declared", [
    ("windows-1252", "utf-8"),    # header says UTF-8, bytes are Windows-1252
    ("utf-8", "iso-8859-1"),      # header says Latin-1, bytes are UTF-8 (the classic mojibake)
    ("utf-8", "windows-1252"),
    ("shift_jis", "utf-8"),
    ("koi8-r", "utf-8"),
    ("koi8-r", "windows-1251"),   # a wrong single-byte Cyrillic label decodes without errors
])
def test_wrong_declared_charset_does_not_produce_mojibake(actual, declared):
    text = TEXTS["windows-1252"] if actual in ("windows-1252", "utf-8") else TEXTS[actual]
    if actual == "utf-8":
        text = TEXTS["latin-1"]
    decoded, _ = decode_html(page(text).encode(actual), declared)
    assert first_sentence(text) in decoded
    assert "Ã" not in decoded and "â€" not in decoded


def test_meta_charset_wins_over_detection_and_bom_wins_over_all():
    body = page(TEXTS["latin-1"], "iso-8859-1").encode("latin-1")
    assert decode_html(body, None)[1] == "cp1252"  # Latin-1 labels read as windows-1252
    bom = b"\xef\xbb\xbf" + page(TEXTS["koi8-r"]).encode("utf-8")
    assert decode_html(bom, "koi8-r") == (page(TEXTS["koi8-r"]), "utf-8")


def test_unknown_charset_label_falls_through():
    decoded, _ = decode_html(page(TEXTS["latin-1"]).encode("utf-8"), "x-no-such-charset")
    assert first_sentence(TEXTS["latin-1"]) in decoded


def test_fetched_page_with_a_lying_charset_header_extracts_cleanly():
    """End to end: the server declares UTF-8 but sends Windows-1252 bytes."""
    from pipeline.http import HttpClient
    from pipeline.settings import Settings
    from tests.loopback import LoopbackServer

    text = TEXTS["windows-1252"]
    with LoopbackServer(poll_interval=0.05) as server:
        url = server.add("/cp1252", page(text).encode("windows-1252"),
                         content_type="text/html; charset=utf-8")
        with HttpClient(Settings(allow_private_hosts=True, max_retries=0)) as client:
            result = client.fetch(url)
    extracted = extract_page(result.body, url=result.final_url, http_charset=result.charset)
    assert result.charset == "utf-8" and extracted.encoding == "cp1252"
    assert first_sentence(text) in extracted.text
