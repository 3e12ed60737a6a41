"""Smoke test of bench/bench_dedupe.py at a tiny size, against the test server."""

import importlib.util
from pathlib import Path

import numpy as np

from pipeline import fingerprint

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_dedupe.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_dedupe", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_buckets_match_band_keys():
    bench = load_bench()
    main, leads = bench.random_signatures(np.random.default_rng(1), 3)
    bands, buckets = bench.bucket_matrix(main, leads)
    sig = fingerprint.Signature(main[1], tuple(leads[1]), 300)
    assert sorted(zip(bands.tolist(), buckets[1].tolist())) == sorted(fingerprint.band_keys(sig))


def test_bench_runs_and_finds_copies(pg_server_url):
    result = load_bench().run(pg_server_url, sizes=(300, 600), queries=40)
    assert set(result["sizes"]) == {"300", "600"}
    for size in result["sizes"].values():
        assert size["copies_found"] == 1.0 and size["batched_agrees"]
        assert size["false_candidates"] == 0
    assert result["largest_plans_use_hash_index"]["single"] is True
