"""Quality of the records on the labelled corpus, through the production path.

    python bench/bench_quality.py [--split test|dev] [--via ingest|classify] [--corpus DIR]
                                  [--database-url URL] [--write-baseline] [--json]

Every record of corpus/<split>/*.jsonl goes through `tieup ingest`'s function into a fresh
migrated database (the server of --database-url or $DATABASE_URL, else an embedded one),
and the predictions are read back from v_articles (pipeline/quality_run.py). --via classify
scores the `tieup classify` contract instead, without a database (fast, for tuning; no
story or copy measures). --write-baseline records the dev scores in corpus/baseline.json,
the floor tests/test_quality_gate.py holds the dev split to (only with --split dev).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scratch  # noqa: E402
from pipeline import quality_run  # noqa: E402
from pipeline.quality_eval import COUNT_TARGETS, TARGETS, verdicts  # noqa: E402


def run(server_url: str | None = None, split: str = "test", via: str = "ingest",
        corpus: Path = quality_run.CORPUS) -> dict:
    """Scores of one split with the issue's targets and verdicts; {'skipped'} when the split is empty."""
    records = quality_run.split_records(split, corpus)
    if not records:
        return {"skipped": f"no records in {Path(corpus) / split}/*.jsonl"}
    if via == "ingest":
        with scratch.server(server_url) as url, scratch.database(url) as database_url:
            result = quality_run.run(records, via, database_url)
    else:
        result = quality_run.run(records, via)
    return {"split": split, **result, "targets": {**TARGETS, **COUNT_TARGETS},
            "verdicts": verdicts(result["metrics"])}


def summary(result: dict) -> str:
    """The measures, one per line, with the target and PASS / FAIL."""
    if "skipped" in result:
        return f"skipped: {result['skipped']}"
    lines = [f"split {result['split']} via {result['via']}: {result['records']} records, "
             f"{result['positives']} auto-alliance articles (digest {result['digest']})"]
    for name, value in result["metrics"].items():
        target, ok = result["targets"].get(name), result["verdicts"].get(name)
        shown = "not scored" if ok is None else "PASS" if ok else "FAIL"
        lines.append(f"  {name:<20} {value!s:<8} target {target!s:<6} {shown}")
    for lang, row in result["languages"].items():
        lines.append(f"  recall[{lang}] {row['recall']} ({row['found']}/{row['positives']})")
    return "\n".join(lines)


def write_baseline(result: dict, path: Path = quality_run.BASELINE) -> None:
    """Record the dev scores as the gate's floor."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(quality_run.baseline_entry(result, result["split"]), indent=2) + "\n",
                    encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", help="corpus split to score (default: the frozen test part)")
    parser.add_argument("--via", choices=quality_run.VIAS, default="ingest")
    parser.add_argument("--corpus", type=Path, default=quality_run.CORPUS)
    parser.add_argument("--database-url", help="server to create the scratch database on")
    parser.add_argument("--write-baseline", action="store_true", help="write corpus/baseline.json (dev, via ingest)")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    args = parser.parse_args(argv)
    if args.write_baseline and (args.split != "dev" or args.via != "ingest"):
        parser.error("--write-baseline records the dev split scored via ingest")
    result = run(args.database_url, args.split, args.via, args.corpus)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else summary(result))
    if args.write_baseline and "skipped" not in result:
        write_baseline(result)
        print(f"wrote {quality_run.BASELINE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


# --------------------------------------------------------------------------- bench/RESULTS.md

LABELS = {"detection_f1": "auto-alliance detection F1", "parties_f1": "parties F1 (micro)",
          "deal_type_accuracy": "deal type accuracy", "status_accuracy": "status accuracy",
          "focus_f1": "focus areas F1 (micro)", "story_f1": "same-story pairwise F1",
          "copies_missed": "syndicated copies missed", "false_merges": "false duplicate merges"}


def headline_rows(result: dict) -> list[tuple]:
    """(measure, value, target, verdict) rows for the report's Targets table."""
    rows = []
    for name, value in result["metrics"].items():
        ok, target = result["verdicts"].get(name), result["targets"][name]
        bound = f"<= {target}" if name in COUNT_TARGETS else f">= {target}"
        rows.append((f"quality ({result['split']}, via {result['via']}): {LABELS[name]}", value, bound,
                     "—" if ok is None else "PASS" if ok else "FAIL"))
    return rows


def _table(header: tuple, rows: list) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _matrix(title: str, scored: dict) -> list[str]:
    matrix = scored["matrix"]
    columns = sorted({c for row in matrix.values() for c in row} | set(matrix), key=lambda c: (c == "null", c))
    rows = [(gold, *(row.get(c, 0) for c in columns)) for gold, row in matrix.items()]
    return ["", f"{title} (accuracy {scored['accuracy']}; rows gold, columns predicted):", ""] + _table(
        ("gold \\ predicted", *columns), rows)


def render_section(entry: dict | None) -> list[str]:
    """The quality section of bench/RESULTS.md: P/R/F1, both confusion matrices, recall per language."""
    if not entry:
        return []
    lines = ["", "## Quality on the labelled corpus", ""]
    if entry["status"] != "ok":
        return lines + [f"{entry['status']}: {entry.get('result', {}).get('skipped') or entry.get('error')}"]
    r = entry["result"]
    lines += [f"`bench/bench_quality.py`: corpus/{r['split']} ({r['records']} articles, {r['positives']} "
              f"auto-alliance; digest {r['digest']}) through `{'tieup ingest' if r['via'] == 'ingest' else 'tieup classify'}`"
              + (", scored on what v_articles shows." if r["via"] == "ingest" else "."), ""]
    prf_rows = [(label, r[key]["precision"], r[key]["recall"], r[key]["f1"])
                for label, key in (("detection", "detection"), ("parties", "parties"), ("focus areas", "focus"),
                                   ("same story (pairs)", "stories")) if r.get(key)]
    lines += _table(("measure", "precision", "recall", "F1"), prf_rows)
    if r.get("copies"):
        c = r["copies"]
        lines += ["", f"Syndicated copies: {c['found']} of {c['pairs']} found; missed {c['missed'] or 'none'}; "
                  f"false merges {c['false_merges'] or 'none'}."]
    lines += _matrix("Deal type", r["deal_type"]) + _matrix("Status", r["status"])
    lines += ["", "Detection recall per language:", ""] + _table(
        ("language", "articles", "auto-alliance", "found", "recall", "language detected right"),
        [(lang, x["articles"], x["positives"], x["found"], x["recall"], x["language_correct"])
         for lang, x in r["languages"].items()])
    return lines
