"""Scores of the classifier on a labelled JSON Lines file (the fixture quality gate)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from pipeline.classify import classify_article
from pipeline.classify.lexicon import languages


def _published(value) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def load_labelled(path) -> list[dict]:
    """Rows of a labelled JSONL file, or of every *.jsonl file of a directory."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return [json.loads(line) for f in files for line in f.read_text("utf-8").splitlines() if line.strip()]


def evaluate(path) -> dict:
    """Auto-alliance F1, parties F1 (over labelled positives), type/status accuracy, recall
    per language (lexicon languages without labelled articles listed with recall None),
    misses."""
    rows = load_labelled(path)
    tp = fp = fn = 0
    p_tp = p_fp = p_fn = 0
    type_ok = status_ok = 0
    misses = []
    by_lang: dict[str, list[int]] = {}  # language -> [labelled positives, found]
    for row in rows:
        label = row["label"]
        got = classify_article(row["text"], title=row.get("title"), published=_published(row.get("published")))
        truth = label["is_auto"] and label["is_alliance"]
        said = got.is_auto and got.is_alliance
        if truth:
            counts = by_lang.setdefault(row.get("lang", "?"), [0, 0])
            counts[0], counts[1] = counts[0] + 1, counts[1] + said
        tp, fp, fn = tp + (truth and said), fp + (said and not truth), fn + (truth and not said)
        if truth:  # parties are scored over every true positive article, found or not
            want, have = set(label["parties"]), set(got.parties) if said else set()
            p_tp, p_fp, p_fn = p_tp + len(want & have), p_fp + len(have - want), p_fn + len(want - have)
        if truth and said:
            type_ok += got.deal_type == label["deal_type"]
            status_ok += got.status == label["status"]
        if (truth != said or (truth and (got.deal_type, got.status, set(got.parties)) !=
                              (label["deal_type"], label["status"], set(label["parties"])))):
            misses.append({"id": row["id"], "want": [truth, label.get("deal_type"), label.get("status"),
                                                     sorted(label["parties"])],
                           "got": [said, got.deal_type, got.status, sorted(got.parties)]})
    return {"articles": len(rows), "positives": tp + fn,
            "alliance_f1": round(_f1(tp, fp, fn), 4), "parties_f1": round(_f1(p_tp, p_fp, p_fn), 4),
            "deal_type_accuracy": round(type_ok / tp, 4) if tp else 0.0,
            "status_accuracy": round(status_ok / tp, 4) if tp else 0.0,
            "recall_by_language": recall_by_language(by_lang), "misses": misses}


def recall_by_language(by_lang: dict[str, list[int]]) -> dict[str, dict]:
    """Recall of each language's labelled positives, and every lexicon language that has
    none (recall unknown: a gap shown, never silent)."""
    out = {lang: {"positives": n, "found": k, "recall": round(k / n, 4)}
           for lang, (n, k) in sorted(by_lang.items())}
    for lang in languages():
        out.setdefault(lang, {"positives": 0, "found": 0, "recall": None})
    return out
