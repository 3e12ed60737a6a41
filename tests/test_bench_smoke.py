"""Smoke test of the benches behind `make bench`: the quick mode of the stage and end-to-end
benches runs against the test server and returns every number the report needs (no timing asserted)."""

import importlib.util
import sys
from argparse import Namespace
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_bench(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quick_results(pg_server_url):
    return {"stages": load_bench("bench_stages").run(pg_server_url, quick=True),
            "e2e": load_bench("bench_e2e").run(pg_server_url, quick=True)}


def positive(mapping: dict, *keys: str) -> None:
    for key in keys:
        assert mapping[key] > 0, (key, mapping[key])


def test_stage_bench_reports_every_stage(quick_results):
    stages = quick_results["stages"]
    positive(stages["feed_parsing"], "entries_per_second")
    positive(stages["extraction"], "pages_per_second", "trafilatura_pages_per_second", "ratio_vs_trafilatura")
    assert 30 <= stages["extraction"]["page_kb_min"] <= stages["extraction"]["page_kb_max"] <= 70
    positive(stages["classification"], "articles_per_second")
    positive(stages["dedupe"], "articles", "articles_per_second")
    assert stages["dedupe"]["duplicates_found"] == 0  # generated articles are all distinct
    positive(stages["load"], "rows", "project_rows_per_second", "copy_rows_per_second", "ratio_vs_copy")


def test_e2e_bench_loads_every_article_with_one_and_two_workers(quick_results):
    e2e = quick_results["e2e"]
    for key in ("one_worker", "two_workers"):
        run = e2e[key]
        assert run["articles_loaded"] == e2e["articles_served"] and run["articles_failed"] == 0
        assert run["alliance_events"] > 0
        positive(run, "articles_per_second", "peak_rss_mb", "wall_seconds")
        assert sum(w["articles_fetched"] for w in run["workers"]) == e2e["articles_served"]
    assert len(e2e["two_workers"]["workers"]) == 2
    positive(e2e["extraction_alone"], "trafilatura_pages_per_second", "extract_page_pages_per_second")
    positive(e2e, "ratio_vs_extraction", "ratio_vs_extraction_two_processes",
             "trafilatura_two_processes_pages_per_second")
    # each two-worker round sits between two anchor measurements
    assert len(e2e["anchor_two_processes"]) == len(e2e["two_worker_rounds"]) + 1
    assert e2e["ratio_vs_extraction_two_processes"] in e2e["ratios_two_processes"]


def test_report_has_targets_and_verdicts(quick_results, pg_server_url):
    run_all = load_bench("run_all")
    results = {name: {"status": "ok", "seconds": 1.0, "result": r} for name, r in quick_results.items()}
    results["extraction"] = {"status": "skipped", "seconds": 0.0, "result": {"skipped": "no data"}}
    env = run_all.environment(pg_server_url)
    assert env["cores"] > 0 and env["postgresql"] and env["trafilatura"] != "not installed"
    text = run_all.render(env, results, Namespace(quick=True, only=None))
    for heading in ("## Targets", "## Per-stage throughput", "## End to end", "## Machine and software"):
        assert heading in text
    assert text.count("PASS") + text.count("FAIL") == len(run_all.headline_rows(results)) + 1  # + load row
