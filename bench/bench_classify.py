"""Classifier throughput on 4,000-character news articles (prints articles/second).

Run: python bench/bench_classify.py   (writes nothing; `run()` returns the numbers)
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

from pipeline.classify import CLASSIFIER_VERSION, classify_article  # noqa: E402
from pipeline.classify.evaluate import evaluate, load_labelled  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "classify"
ARTICLE_CHARS = 4_000
MIN_SECONDS = 3.0


def _throughput(articles: list, seconds: float) -> tuple[int, float, float]:
    """(articles done, CPU seconds, wall seconds) classifying for `seconds` of CPU time."""
    done, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
    while time.process_time() - cpu0 < seconds:
        for text, title, _, published in articles:
            classify_article(text, title=title, published=published)
        done += len(articles)
    return done, time.process_time() - cpu0, time.perf_counter() - wall0


def _articles() -> list[tuple[str, str | None, str, date | None]]:
    """Fixture articles padded to exactly 4,000 characters with fixture text of the same
    language (a long article is one language; mixing scripts would distort the cost)."""
    rows = load_labelled(FIXTURES)
    by_lang: dict[str, list[str]] = {}
    for row in rows:
        by_lang.setdefault(row.get("lang", "en"), []).append(row["text"])
    out = []
    for row in rows:
        same = by_lang[row.get("lang", "en")]
        body, j = row["text"], same.index(row["text"]) + 1
        while len(body) < ARTICLE_CHARS:
            body += "\n\n" + same[j % len(same)]
            j += 1
        published = date.fromisoformat(row["published"]) if row.get("published") else None
        out.append((body[:ARTICLE_CHARS], row.get("title"), row.get("lang", "en"), published))
    return out


def run(min_seconds: float = MIN_SECONDS, quality: bool = True) -> dict:
    """Classify the padded articles for at least min_seconds of this process's CPU time.

    Throughput is per core: articles / CPU seconds of this single-threaded process, so
    other work on a shared machine does not count against it (wall time is reported too).
    """
    articles = _articles()
    classify_article("warm-up: load gazetteer and lexicon", title="warm up")
    done, cpu, wall = _throughput(articles, min_seconds)
    result = {"classifier_version": CLASSIFIER_VERSION, "article_chars": ARTICLE_CHARS,
              "articles": done, "cpu_seconds": round(cpu, 3), "wall_seconds": round(wall, 3),
              "articles_per_second": round(done / cpu, 1),
              "articles_per_wall_second": round(done / wall, 1)}
    for name, langs in (("latin_script", {"en", "de", "fr", "es", "it", "ru"}), ("cjk", {"ja", "zh", "ko"})):
        subset = [a for a in articles if a[2] in langs]
        done, cpu, _ = _throughput(subset, min(1.0, min_seconds))
        result[f"articles_per_second_{name}"] = round(done / cpu, 1)
    if quality:
        result["quality"] = evaluate(FIXTURES)
    return result


if __name__ == "__main__":
    numbers = run()
    print(f"classify: {numbers['articles_per_second']} articles/s "
          f"({numbers['article_chars']} chars each, one core)")
    print(json.dumps(numbers, ensure_ascii=False, indent=1))
