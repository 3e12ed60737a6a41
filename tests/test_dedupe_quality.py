"""Quality floors on the labelled fixture, through the real PostgreSQL store functions."""

from pathlib import Path

import pytest

from pipeline import dedupe_eval

FIXTURE = Path(__file__).parent / "fixtures" / "dedupe" / "articles.yml"


@pytest.fixture
def scores(conn):
    return dedupe_eval.evaluate(conn, FIXTURE)


def test_fixture_is_large_and_varied():
    articles = dedupe_eval.load_fixture(FIXTURE)
    assert len(articles) >= 40
    assert {a["language"] for a in articles} >= {"en", "it", "ja"}
    edits = {key for a in articles for key in a.get("edits", {})}
    assert edits >= {"banner", "byline", "dateline", "trim_last", "replace", "keep_first"}


def test_duplicate_links_meet_the_floor(scores):
    assert scores["duplicate_precision"] >= 0.98, scores
    assert scores["duplicate_recall"] >= 0.95, scores


def test_stories_meet_the_floor(scores):
    assert scores["story_precision"] >= 0.95, scores
    assert scores["story_recall"] >= 0.90, scores


def test_pairwise_scores():
    truth = {"a": 1, "b": 1, "c": 2}
    assert dedupe_eval.pairwise({"a": 1, "b": 1, "c": 1}, truth) == (1 / 3, 1.0)
    assert dedupe_eval.pairwise({"a": 1, "b": 2, "c": 3}, truth) == (1.0, 0.0)


def test_edits_are_applied_in_order():
    text = "First paragraph here.\nSecond one.\nThird one.\n"
    edited = dedupe_eval.apply_edits(text, {"keep_first": 2, "dateline": "ROME -",
                                            "banner": "Banner.", "replace": [["here", "there"]]})
    assert edited == "Banner.\nROME - First paragraph there.\nSecond one.\n"


def test_dropped_paragraphs_edit():
    text = "One one one.\nTwo two two.\nThree three three.\n"
    assert dedupe_eval.apply_edits(text, {"drop": [1]}) == "One one one.\nThree three three.\n"
