"""Quality gate: floors on the labelled fixture set (tests/fixtures/classify/*.jsonl).

The files were written in rounds (see fixtures/classify/README.md, with the first-look
scores of each round before the rules saw it). The floors apply to the whole set; the
scores of each file are printed (pytest -s) so a drift between them is visible.
"""

import json
from pathlib import Path

import pytest

from pipeline.classify.evaluate import evaluate, load_labelled
from pipeline.models import DEAL_STATUSES, DEAL_TYPES, FOCUS_AREAS

FIXTURES = Path(__file__).parent / "fixtures" / "classify"
FLOORS = {"alliance_f1": 0.92, "parties_f1": 0.90, "deal_type_accuracy": 0.85,
          "status_accuracy": 0.85}


def _summary(name, scores):
    shown = {k: v for k, v in scores.items() if k != "misses"}
    print(f"\n[classify quality] {name}: {json.dumps(shown)}")
    for miss in scores["misses"]:
        print(f"  miss {miss['id']}: want {miss['want']} got {miss['got']}")


def test_fixture_set_is_large_varied_and_well_labelled():
    rows = load_labelled(FIXTURES)
    assert len(rows) >= 150
    assert len({r["id"] for r in rows}) == len(rows)
    negatives = [r for r in rows if not (r["label"]["is_auto"] and r["label"]["is_alliance"])]
    assert len(negatives) >= 0.4 * len(rows)
    other_industry = [r for r in rows if r["label"]["is_alliance"] and not r["label"]["is_auto"]]
    assert len(other_industry) >= 5
    languages = {r["lang"] for r in rows if r["lang"] != "en"}
    assert {"ja", "zh", "de", "fr", "es", "it", "ru"} <= languages
    assert sum(r["lang"] != "en" for r in rows) >= 20
    for row in rows:
        label = row["label"]
        if label["is_alliance"]:
            assert label["deal_type"] in DEAL_TYPES and label["status"] in DEAL_STATUSES, row["id"]
            assert set(label["focus_areas"]) <= set(FOCUS_AREAS), row["id"]
        else:
            assert label["deal_type"] is None and label["status"] is None, row["id"]


@pytest.mark.parametrize("half", sorted(p.name for p in FIXTURES.glob("*.jsonl")))
def test_scores_per_file_are_reported(half):
    scores = evaluate(FIXTURES / half)
    _summary(half, scores)
    assert scores["articles"] > 0


def test_quality_floors_on_the_whole_set():
    scores = evaluate(FIXTURES)
    _summary("all", scores)
    for name, floor in FLOORS.items():
        assert scores[name] >= floor, (name, scores[name])
