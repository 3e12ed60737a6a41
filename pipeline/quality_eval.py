"""Score what the pipeline recorded against a labelled corpus (pure: records and predictions in, metrics out).

A corpus record (corpus/README.md) is {id, lang, url, title, published, text, gold{is_auto,
is_alliance, deal_type, status, parties, focus_areas, stake_pct}, event, copy_of}. A
prediction is what an analyst reads in v_articles for that record's article: {article_id,
is_auto, is_alliance, deal_type, deal_status, parties, focus_areas, story_id, duplicate_of,
language}, and unresolved_parties. Predictions made without a
database (`tieup classify`) have no article_id, story_id or duplicate_of: the story and
copy measures are then None (not scored).

"Alliance articles" below are the gold positives: is_auto AND is_alliance.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

NULL = "null"  # the column of a missing prediction in the confusion matrices
TARGETS = {"detection_f1": 0.97, "parties_f1": 0.92, "deal_type_accuracy": 0.85,
           "status_accuracy": 0.90, "focus_f1": 0.80, "story_f1": 0.92}
COUNT_TARGETS = {"copies_missed": 0, "false_merges": 0}  # copies: all found, none false
_LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "co", "company", "corp", "corporation", "ltd", "limited", "llc", "plc",
    "ag", "gmbh", "kg", "kgaa", "se", "sa", "nv", "bv", "spa", "sas", "ab", "as", "asa", "oy",
    "tbk", "kk", "pte", "pvt", "holdings"})
_SUFFIX_PUNCT = re.compile(r"[.,]")


# --------------------------------------------------------------------------- corpus

def load_corpus(path) -> list[dict]:
    """The records of a JSON Lines file, or of every *.jsonl file of a directory (sorted by name)."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path] if path.is_file() else []
    return [json.loads(line) for f in files
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_digest(records: list[dict]) -> str:
    """A short hash of a corpus split, so a baseline can tell it was written for other data."""
    blob = json.dumps(records, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def corpus_problems(records: list[dict]) -> list[str]:
    """What is wrong with a corpus split: repeated ids, unknown copy_of, labels outside the vocabulary."""
    from .vocabulary import DEAL_STATUSES, DEAL_TYPES, FOCUS_AREAS
    ids = Counter(r.get("id") for r in records)
    problems = [f"id {rid!r} appears {n} times" for rid, n in ids.items() if n > 1]
    for r in records:
        gold, rid = r.get("gold") or {}, r.get("id")
        if not isinstance(r.get("text"), str) or not isinstance(r.get("url"), str):
            problems.append(f"{rid}: needs a string url and text")
        if r.get("copy_of") and r["copy_of"] not in ids:
            problems.append(f"{rid}: copy_of {r['copy_of']!r} is not in this split")
        if gold.get("is_alliance") and (gold.get("deal_type") not in DEAL_TYPES
                                         or gold.get("status") not in DEAL_STATUSES):
            problems.append(f"{rid}: deal_type/status outside the vocabulary")
        if not set(gold.get("focus_areas") or []) <= set(FOCUS_AREAS):
            problems.append(f"{rid}: focus_areas outside the vocabulary")
    return problems


def is_positive(flags: dict) -> bool:
    """An auto-industry alliance article (gold or predicted)."""
    return bool(flags.get("is_auto")) and bool(flags.get("is_alliance"))


def party_key(name: str) -> str:
    """A party name compared case-insensitively, legal suffixes (Inc, Co, Ltd, AG, GmbH, Corp...) dropped."""
    tokens = _SUFFIX_PUNCT.sub(lambda m: "" if m.group() == "." else " ", name.casefold()).split()
    while len(tokens) > 1 and tokens[-1] in _LEGAL_SUFFIXES:
        tokens.pop()
    return " ".join(tokens)


def predicted_parties(prediction: dict) -> set[str]:
    """Normalised predicted parties: resolved parties plus unresolved ones when present."""
    names = list(prediction.get("parties") or []) + list(prediction.get("unresolved_parties") or [])
    return {party_key(n) for n in names if n}


# --------------------------------------------------------------------------- measures

def prf(tp: int, fp: int, fn: int) -> dict:
    """Precision, recall and F1 (1.0 when there was nothing to find and nothing was claimed)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def detection(records: list[dict], predictions: dict) -> dict:
    """Auto-alliance detection P/R/F1 over every record."""
    tp = fp = fn = 0
    for r in records:
        want, got = is_positive(r["gold"]), is_positive(predictions.get(r["id"], {}))
        tp, fp, fn = tp + (want and got), fp + (got and not want), fn + (want and not got)
    return prf(tp, fp, fn)


def _set_prf(pairs) -> dict:
    """Micro P/R/F1 over (wanted set, got set) pairs."""
    tp = fp = fn = 0
    for want, got in pairs:
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    return prf(tp, fp, fn)


def parties(positives: list[dict], predictions: dict) -> dict:
    """Parties micro P/R/F1 over the gold alliance articles, found or not."""
    return _set_prf(({party_key(p) for p in r["gold"]["parties"]},
                     predicted_parties(predictions.get(r["id"], {}))) for r in positives)


def focus(positives: list[dict], predictions: dict) -> dict:
    """Focus-area micro P/R/F1 over the gold alliance articles."""
    return _set_prf((set(r["gold"].get("focus_areas") or []),
                     set(predictions.get(r["id"], {}).get("focus_areas") or [])) for r in positives)


def confusion(positives: list[dict], predictions: dict, gold_key: str, pred_key: str) -> dict:
    """Accuracy and the gold x predicted matrix (a missing prediction is the column 'null')."""
    matrix = defaultdict(Counter)
    for r in positives:
        got = predictions.get(r["id"], {}).get(pred_key)
        matrix[r["gold"][gold_key] or NULL][got or NULL] += 1
    right = sum(row[gold] for gold, row in matrix.items())
    return {"accuracy": round(right / len(positives), 4) if positives else 1.0,
            "matrix": {gold: dict(row) for gold, row in sorted(matrix.items())}}


def _pairs(labels: dict) -> set:
    return {(a, b) for a, b in combinations(sorted(labels), 2)
            if labels[a] is not None and labels[a] == labels[b]}


def stories(records: list[dict], predictions: dict) -> dict | None:
    """Same-story pairwise P/R/F1 over the articles with an event key; None without story ids."""
    keyed = [r for r in records if r.get("event")]
    if not any("story_id" in predictions.get(r["id"], {}) for r in keyed):
        return None
    want = _pairs({r["id"]: r["event"] for r in keyed})
    got = _pairs({r["id"]: predictions.get(r["id"], {}).get("story_id") for r in keyed})
    return {**prf(len(got & want), len(got - want), len(want - got)), "articles": len(keyed)}


def _copy_roots(records: list[dict]) -> dict:
    """record id -> root of its gold copy group (copy_of links followed to the end)."""
    parent = {r["id"]: r.get("copy_of") for r in records}

    def root(rid, seen=()):
        up = parent.get(rid)
        return rid if up is None or up not in parent or up in seen else root(up, (*seen, rid))
    return {rid: root(rid) for rid in parent}


def copies(records: list[dict], predictions: dict) -> dict | None:
    """Syndicated copies found (same duplicate group) and false merges; None without article ids."""
    if not any("article_id" in p for p in predictions.values()):
        return None
    group = {rid: p.get("duplicate_of") or p.get("article_id") for rid, p in predictions.items()}
    record_of = {p["article_id"]: rid for rid, p in predictions.items() if p.get("article_id")}
    roots = _copy_roots(records)
    pairs = [(r["id"], r["copy_of"]) for r in records if r.get("copy_of")]
    missed = [list(p) for p in pairs if group.get(p[0]) is None or group.get(p[0]) != group.get(p[1])]
    false = []
    for rid, p in sorted(predictions.items()):
        rep = record_of.get(p.get("duplicate_of"))
        if p.get("duplicate_of") is not None and (rep is None or roots.get(rep) != roots.get(rid)):
            false.append([rid, rep])
    return {"pairs": len(pairs), "found": len(pairs) - len(missed), "missed": missed,
            "false_merges": false}


def per_language(records: list[dict], predictions: dict) -> dict:
    """lang -> {positives, found, recall, articles, language_correct}: detection recall per language."""
    out = defaultdict(Counter)
    for r in records:
        got = predictions.get(r["id"], {})
        row = out[r.get("lang") or NULL]
        row["articles"] += 1
        row["language_correct"] += got.get("language") == r.get("lang")
        if is_positive(r["gold"]):
            row["positives"] += 1
            row["found"] += is_positive(got)
    return {lang: {"positives": row["positives"], "found": row["found"], "articles": row["articles"],
                   "language_correct": row["language_correct"],
                   "recall": round(row["found"] / row["positives"], 4) if row["positives"] else None}
            for lang, row in sorted(out.items())}


# --------------------------------------------------------------------------- report

def misses(records: list[dict], predictions: dict) -> list[dict]:
    """Records where detection, type, status or parties differ from gold (for tuning)."""
    out = []
    for r in records:
        gold, got = r["gold"], predictions.get(r["id"], {})
        want_row = [is_positive(gold), gold.get("deal_type"), gold.get("status"),
                    sorted(party_key(p) for p in gold.get("parties") or [])]
        got_row = [is_positive(got), got.get("deal_type"), got.get("deal_status"), sorted(predicted_parties(got))]
        relevant = want_row[0] or got_row[0]
        if want_row[0] != got_row[0] or (relevant and want_row[1:] != got_row[1:]):
            out.append({"id": r["id"], "want": want_row, "got": got_row})
    return out


def score(records: list[dict], predictions: dict) -> dict:
    """Every measure of a corpus split; predictions map record id -> prediction dict."""
    positives = [r for r in records if is_positive(r["gold"])]
    deal_type = confusion(positives, predictions, "deal_type", "deal_type")
    status = confusion(positives, predictions, "status", "deal_status")
    story, copy = stories(records, predictions), copies(records, predictions)
    metrics = {"detection_f1": detection(records, predictions)["f1"],
               "parties_f1": parties(positives, predictions)["f1"],
               "deal_type_accuracy": deal_type["accuracy"], "status_accuracy": status["accuracy"],
               "focus_f1": focus(positives, predictions)["f1"],
               "story_f1": story["f1"] if story else None,
               "copies_missed": len(copy["missed"]) if copy else None,
               "false_merges": len(copy["false_merges"]) if copy else None}
    return {"records": len(records), "positives": len(positives), "metrics": metrics,
            "detection": detection(records, predictions), "parties": parties(positives, predictions),
            "focus": focus(positives, predictions), "deal_type": deal_type, "status": status,
            "stories": story, "copies": copy, "languages": per_language(records, predictions),
            "misses": misses(records, predictions)}


def verdicts(metrics: dict) -> dict:
    """name -> True/False against the issue's targets (None when the measure was not scored)."""
    out = {name: (None if metrics.get(name) is None else metrics[name] >= target)
           for name, target in TARGETS.items()}
    out.update({name: (None if metrics.get(name) is None else metrics[name] <= most)
                for name, most in COUNT_TARGETS.items()})
    return out


def regressions(metrics: dict, baseline: dict, tolerance: float = 0.01) -> list[str]:
    """The measures that fell below a recorded baseline (counts may not grow at all)."""
    out = []
    for name, recorded in baseline.items():
        now = metrics.get(name)
        if recorded is None:
            continue
        if now is None:
            out.append(f"{name}: not scored now, baseline {recorded}")
        elif name in COUNT_TARGETS and now > recorded:
            out.append(f"{name}: {now} > baseline {recorded}")
        elif name not in COUNT_TARGETS and now < recorded - tolerance:
            out.append(f"{name}: {now} < baseline {recorded} - {tolerance}")
    return out
