"""Quality gate: the dev part of the labelled corpus, through `tieup ingest` into a real database,
scored on what v_articles shows, may not fall below the recorded baseline (corpus/baseline.json).

Record a new baseline (after tuning, or when corpus/dev changes) with
    .venv/bin/python bench/bench_quality.py --split dev --write-baseline
The frozen test part is only scored by the bench (`bench/run_all.py --only quality`).
"""

import json

import pytest

from pipeline import quality_run
from pipeline.quality_eval import corpus_digest, corpus_problems, regressions

TOLERANCE = 0.01
WRITE = ".venv/bin/python bench/bench_quality.py --split dev --write-baseline"


@pytest.fixture(scope="module")
def dev_records():
    records = quality_run.split_records("dev")
    if not records:
        pytest.skip("corpus/dev/*.jsonl holds no records yet: nothing to gate")
    return records


@pytest.fixture(scope="module")
def baseline(dev_records):
    path = quality_run.BASELINE
    assert path.is_file(), f"{path} is missing: record the dev scores with `{WRITE}`"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("split", ["dev", "test"])
def test_corpus_split_is_well_formed(split):
    records = quality_run.split_records(split)
    if not records:
        pytest.skip(f"corpus/{split}/*.jsonl holds no records yet")
    assert not corpus_problems(records) + quality_run.shared_urls(records)


def test_dev_and_test_parts_do_not_share_articles():
    dev, test = quality_run.split_records("dev"), quality_run.split_records("test")
    if not dev or not test:
        pytest.skip("corpus/dev or corpus/test holds no records yet")
    assert not {r["url"] for r in dev} & {r["url"] for r in test}


def test_baseline_was_measured_on_this_dev_corpus(dev_records, baseline):
    assert baseline["split"] == "dev" and baseline["via"] == "ingest"
    assert (baseline["records"], baseline["digest"]) == (len(dev_records), corpus_digest(dev_records)), (
        f"corpus/dev changed since the baseline was written: re-run `{WRITE}`")


def test_dev_scores_through_ingest_hold_the_baseline(dev_records, baseline, database_url):
    result = quality_run.run(dev_records, via="ingest", database_url=database_url)
    print(f"\n[quality gate] dev via ingest: {json.dumps(result['metrics'])}")
    for miss in result["misses"]:
        print(f"  miss {miss['id']}: want {miss['want']} got {miss['got']}")
    fallen = regressions(result["metrics"], baseline["metrics"], TOLERANCE)
    assert not fallen, f"below the baseline in {quality_run.BASELINE}: {fallen}"
