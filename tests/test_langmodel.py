"""The language model read from its unpacked cache: the same model, and any cache trouble is harmless."""

import logging

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipeline import langmodel

SAMPLES = [
    "The two carmakers said on Monday they would build battery cells together in Ohio.",
    "Die beiden Autobauer wollen gemeinsam Batteriezellen in Sachsen fertigen, hieß es am Montag.",
    "Les deux constructeurs vont produire ensemble des cellules de batterie dans le nord de la France.",
    "Los dos fabricantes producirán juntos celdas de batería en una nueva planta cerca de Valencia.",
    "両社は電気自動車向けの電池を共同で開発すると発表した。",
    "两家汽车制造商宣布将共同开发电动汽车电池。",
    "두 자동차 회사는 전기차 배터리를 공동 개발한다고 밝혔다.",
]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TIEUP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _same_model(a: LanguageIdentifier, b: LanguageIdentifier) -> None:
    assert np.array_equal(a.nb_ptc, b.nb_ptc) and np.array_equal(a.nb_pc, b.nb_pc)
    assert a.nb_classes == b.nb_classes and a.tk_output == b.tk_output
    assert a.tk_nextmove == b.tk_nextmove and a.tk_row == b.tk_row
    assert [a.classify(t) for t in SAMPLES] == [b.classify(t) for t in SAMPLES]


def test_first_load_unpacks_once_into_the_cache_and_later_loads_read_only_it(cache_dir, monkeypatch):
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE)
    unpacked = []
    lzma_open = langmodel.lzma.open
    monkeypatch.setattr(langmodel.lzma, "open", lambda *a, **k: unpacked.append(a) or lzma_open(*a, **k))

    def packaged_read(*args, **kwargs):
        raise AssertionError("the packaged model was read, not the cached copy")
    monkeypatch.setattr(LanguageIdentifier, "from_model_file", packaged_read)

    first = langmodel.load_identifier()
    cached = langmodel.cache_file()
    assert cached.parent == cache_dir and cached.is_file() and not list(cache_dir.glob("*.part"))
    assert len(unpacked) == 1
    _same_model(first, packaged)
    _same_model(langmodel.load_identifier(), packaged)
    assert len(unpacked) == 1
    assert [packaged.classify(t)[0] for t in SAMPLES] == ["en", "de", "fr", "es", "ja", "zh", "ko"]


def test_cache_name_follows_the_py3langid_version_and_packaged_file(cache_dir):
    name = langmodel.cache_file().name
    stat = langmodel._PACKAGED.stat()
    assert name.startswith("py3langid-") and f"-{stat.st_size}-{stat.st_mtime_ns}.npz" in name


def test_damaged_cache_is_replaced_by_a_fresh_copy(cache_dir, caplog):
    cached = langmodel.cache_file()
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"PK\x03\x04 not a model")
    with caplog.at_level(logging.WARNING, logger="pipeline.langmodel"):
        identifier = langmodel.load_identifier()
    assert "unreadable language model cache" in caplog.text
    assert identifier.classify(SAMPLES[1])[0] == "de"
    _same_model(langmodel._from_unpacked(cached), identifier)


def test_unwritable_cache_directory_only_costs_the_cache(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("TIEUP_CACHE_DIR", str(blocker / "cache"))
    with caplog.at_level(logging.WARNING, logger="pipeline.langmodel"):
        identifier = langmodel.load_identifier()
    assert identifier.classify(SAMPLES[0])[0] == "en"
    assert "cannot cache the language model" in caplog.text
    assert blocker.read_text() == "not a directory"


def test_empty_cache_dir_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("TIEUP_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert langmodel.cache_file() is None
    assert langmodel.load_identifier().classify(SAMPLES[2])[0] == "fr"
    assert list(tmp_path.iterdir()) == []


def test_default_cache_directory_honours_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.delenv("TIEUP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert langmodel.cache_file().parent == tmp_path / "tieup"


def test_detect_language_scores_exactly_as_py3langid(cache_dir):
    from pipeline import extract
    reference = LanguageIdentifier.from_model_file(MODEL_FILE)
    reference.set_languages([code for code in reference.labels if len(code) == 2])
    ours = extract._language_identifier()
    for text in SAMPLES + [" ".join(SAMPLES), SAMPLES[0].upper()]:
        assert np.array_equal(ours._decide(text), reference._decide(text))
        assert extract.detect_language(text) == reference.classify(text[:500])[0]
