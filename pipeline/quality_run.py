"""Run a labelled corpus through the production path and score what comes out.

via="ingest" (the default): every record goes, as {url, title, text, published}, through
`stages.ingest_archive` (the function `tieup ingest` calls) into a migrated database, in
corpus order (files sorted by name, then line order); the predictions are then read back
from v_articles, by url or canonical URL. via="classify": the records go through the
`tieup classify` contract (pipeline.classify.contract) with no database, which is fast
for tuning but has no duplicate, story or language measures.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import db, stages, urls
from .classify.contract import classify_lines
from .quality_eval import corpus_digest, corpus_problems, load_corpus, score
from .settings import Settings
from .store import scoring

VIAS = ("ingest", "classify")
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
BASELINE = CORPUS / "baseline.json"


def archive_record(record: dict) -> dict:
    """The `tieup ingest` record of a corpus record: only what a news archive would hold."""
    return {"url": record["url"], "title": record.get("title"), "text": record["text"],
            "published": record.get("published")}


def predictions_via_ingest(database_url: str, records: list[dict], settings: Settings | None = None) -> dict:
    """Ingest the records like `tieup ingest`, then read each one's article back from v_articles."""
    settings = settings or Settings(database_url=database_url)
    with db.connection(database_url) as conn:
        stages.sync_companies(conn)  # what `tieup db migrate` does after migrating
        conn.commit()
        lines = ((n, archive_record(r)) for n, r in enumerate(records, 1))
        counts = stages.ingest_archive(conn, settings, lines)
        if counts.get("records_invalid"):
            raise ValueError(f"{counts['records_invalid']} corpus record(s) were refused by ingest")
        rows = scoring.articles_by_url(conn, [r["url"] for r in records],
                                       [urls.canonical_url(r["url"]) for r in records])
    return match_rows(records, rows)


def shared_urls(records: list[dict]) -> list[str]:
    """Records that ingest would store as one article (same canonical URL): they cannot be scored apart."""
    seen, out = {}, []
    for r in records:
        key = urls.canonical_url(r["url"]) if isinstance(r.get("url"), str) else None
        if key in seen:
            out.append(f"{r['id']}: same canonical URL as {seen[key]}")
        seen.setdefault(key, r["id"])
    return out


def match_rows(records: list[dict], rows: list[dict]) -> dict:
    """record id -> its v_articles row, matched on the URL first, then the canonical URL."""
    by_url = {row["url"]: row for row in rows}
    by_canonical = {row["canonical_url"]: row for row in rows}
    out = {}
    for r in records:
        row = by_url.get(r["url"]) or by_canonical.get(urls.canonical_url(r["url"]))
        if row is not None:
            out[r["id"]] = row
    return out


def predictions_via_classify(records: list[dict]) -> dict:
    """record id -> the `tieup classify` output line for it (status renamed deal_status, as in v_articles)."""
    lines = (json.dumps({"id": r["id"], "text": r["text"], "title": r.get("title"), "url": r.get("url"),
                         "published": r.get("published")}, ensure_ascii=False) for r in records)
    out = {}
    for line in classify_lines(lines):
        result = json.loads(line)
        if "error" in result:
            raise ValueError(f"classify refused {result['id']}: {result['error']}")
        result["deal_status"] = result.pop("status", None)
        out[result["id"]] = result
    return out


def run(records: list[dict], via: str = "ingest", database_url: str | None = None) -> dict:
    """Scores of one corpus split through `via` (ingest needs a migrated, empty database)."""
    if via not in VIAS:
        raise ValueError(f"via must be one of {VIAS}")
    problems = corpus_problems(records) + shared_urls(records)
    if problems:
        raise ValueError("the corpus cannot be scored: " + "; ".join(problems[:10]))
    if via == "ingest":
        if not database_url:
            raise ValueError("scoring via ingest needs a database URL")
        predictions = predictions_via_ingest(database_url, records)
    else:
        predictions = predictions_via_classify(records)
    return {"via": via, "digest": corpus_digest(records), **score(records, predictions)}


def split_records(split: str, corpus: Path = CORPUS) -> list[dict]:
    """The records of corpus/<split>/*.jsonl ([] when there are none)."""
    return load_corpus(Path(corpus) / split)


def baseline_entry(result: dict, split: str) -> dict:
    """What corpus/baseline.json records of a run: the metrics, for the data they were measured on."""
    return {"split": split, "via": result["via"], "records": result["records"], "digest": result["digest"],
            "metrics": result["metrics"],
            "written_by": f".venv/bin/python bench/bench_quality.py --split {split} --write-baseline"}
