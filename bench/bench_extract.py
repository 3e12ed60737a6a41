#!/usr/bin/env python3
"""Extraction quality and speed: our extract_page against trafilatura alone, same pages, same run.

Usage: python bench/bench_extract.py --data PATH/article-extraction [--repeats N] [--json]
PATH holds ground-truth.json and html/<id>.html.gz (the public ScrapingHub/Zyte
article-extraction benchmark). Without --data the bench prints why and skips.
Scoring re-implements that folder's evaluate.py default metric: per-page token-bag
precision, recall and F1 (lowercased whitespace tokens, multiset overlap), averaged
over all pages, empty output scoring 0. Timing is extraction only, from an in-memory
str, one page after another in this process, after an untimed warm-up; the speed
ratio uses CPU time, which a busy neighbour on a shared machine disturbs less than
wall time (both are printed).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura  # noqa: E402

from pipeline.extract import extract_page  # noqa: E402


def load_pages(data: Path) -> list[tuple[str, str, str, str]]:
    """(id, html, url, truth) for every page of the benchmark."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return [(pid, gzip.decompress((data / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8"),
             truth[pid].get("url") or "", truth[pid].get("articleBody") or "")
            for pid in sorted(truth)]


def token_scores(truth: str, predicted: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of two texts as lowercased whitespace-token multisets."""
    t, p = Counter(truth.lower().split()), Counter(predicted.lower().split())
    overlap, n_pred, n_true = sum((t & p).values()), sum(p.values()), sum(t.values())
    if n_pred == 0 and n_true == 0:
        return 1.0, 1.0, 1.0
    precision = overlap / n_pred if n_pred else 0.0
    recall = overlap / n_true if n_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def extractors() -> dict:
    """name -> function(html, url) -> text. The trafilatura rows are the anchors."""
    return {
        "tieup extract_page": lambda html, url: extract_page(html, url=url).text,
        "trafilatura defaults": lambda html, url: trafilatura.extract(html) or "",
        "trafilatura favor_precision": lambda html, url: trafilatura.extract(html, favor_precision=True) or "",
        "trafilatura include_comments=False":
            lambda html, url: trafilatura.extract(html, include_comments=False) or "",
    }


def score(pages, outputs: list[str]) -> dict:
    """Macro-averaged token precision, recall and F1 over all pages, plus empty outputs."""
    scores = [token_scores(truth, text) for (_, _, _, truth), text in zip(pages, outputs)]
    return {"precision": statistics.fmean(s[0] for s in scores),
            "recall": statistics.fmean(s[1] for s in scores),
            "f1": statistics.fmean(s[2] for s in scores),
            "empty": sum(1 for t in outputs if not t.strip())}


def timed_pass(fn, pages) -> tuple[list[str], float, float]:
    """(outputs, wall seconds, CPU seconds) of one pass over all pages."""
    wall, cpu = time.perf_counter(), time.process_time()
    texts = [fn(html, url) for _, html, url, _ in pages]
    return texts, time.perf_counter() - wall, time.process_time() - cpu


def run(data_path, repeats: int = 3) -> dict:
    """Run every extractor on the benchmark at data_path; results keyed by extractor name."""
    pages = load_pages(Path(data_path))
    fns = extractors()
    for fn in fns.values():
        for _, html, url, _ in pages[:3]:
            fn(html, url)  # warm-up: imports, language profiles, caches
    outputs, walls, cpus = {}, {n: [] for n in fns}, {n: [] for n in fns}
    # Passes interleave extractors so a busy neighbour on a shared machine slows all of them alike.
    for _ in range(repeats):
        for name, fn in fns.items():
            texts, wall, cpu = timed_pass(fn, pages)
            outputs.setdefault(name, texts)
            walls[name].append(wall)
            cpus[name].append(cpu)
    results = {name: {**score(pages, outputs[name]),
                      "pages_per_second": len(pages) / statistics.median(walls[name]),
                      "pages_per_cpu_second": len(pages) / statistics.median(cpus[name])}
               for name in fns}
    anchors = {k: v for k, v in results.items() if k.startswith("trafilatura")}
    best = max(anchors, key=lambda k: anchors[k]["f1"])
    ours = results["tieup extract_page"]
    return {"pages": len(pages), "repeats": repeats, "results": results, "best_anchor": best,
            "f1_delta": ours["f1"] - anchors[best]["f1"],
            "speed_ratio": ours["pages_per_cpu_second"] / anchors[best]["pages_per_cpu_second"]}


def print_table(report: dict) -> None:
    print(f"pages: {report['pages']}")
    print(f"{'extractor':<36} {'precision':>9} {'recall':>7} {'F1':>6} {'empty':>5} "
          f"{'pages/s':>8} {'pages/cpu-s':>11}")
    for name, r in report["results"].items():
        print(f"{name:<36} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f} "
              f"{r['empty']:>5} {r['pages_per_second']:>8.1f} {r['pages_per_cpu_second']:>11.1f}")
    print(f"vs best anchor ({report['best_anchor']}): F1 {report['f1_delta']:+.3f}, "
          f"speed x{report['speed_ratio']:.2f} (CPU time)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="folder with ground-truth.json and html/")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    if args.data is None:
        print("bench_extract: skipped (no --data PATH to the article-extraction benchmark given)")
        return 0
    if not (args.data / "ground-truth.json").is_file():
        print(f"bench_extract: skipped ({args.data}/ground-truth.json not found)")
        return 0
    report = run(args.data, args.repeats)
    print(json.dumps(report, indent=2) if args.json else "", end="")
    if not args.json:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
