"""The quality scorer (pure) and its runner on a tiny corpus of our own (tests/fixtures/quality/mini.jsonl)."""

import copy
import importlib.util
import sys
from pathlib import Path

import pytest

from pipeline import quality_eval as qe
from pipeline import quality_run

MINI = Path(__file__).parent / "fixtures" / "quality" / "mini.jsonl"
BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_quality.py"


@pytest.fixture(scope="module")
def records():
    return qe.load_corpus(MINI)


def perfect(records):
    """Predictions equal to gold: one story per event, copies pointing at their original."""
    ids = {r["id"]: n for n, r in enumerate(records, 1)}
    out = {}
    for r in records:
        g = r["gold"]
        out[r["id"]] = {"article_id": ids[r["id"]], "is_auto": g["is_auto"], "is_alliance": g["is_alliance"],
                        "deal_type": g["deal_type"], "deal_status": g["status"], "parties": list(g["parties"]),
                        "focus_areas": list(g["focus_areas"]), "language": r["lang"],
                        "story_id": r["event"] or f"own-{r['id']}",
                        "duplicate_of": ids[r["copy_of"]] if r["copy_of"] else None}
    return out


def test_mini_corpus_is_valid(records):
    assert len(records) >= 12 and len({r["id"] for r in records}) == len(records)
    assert any(r["copy_of"] for r in records) and len({r["lang"] for r in records}) >= 3
    assert any(r["gold"]["is_alliance"] and not r["gold"]["is_auto"] for r in records)


def test_gold_predictions_score_perfectly(records):
    result = qe.score(records, perfect(records))
    assert result["metrics"] == {**{k: 1.0 for k in qe.TARGETS}, "copies_missed": 0, "false_merges": 0}
    assert all(qe.verdicts(result["metrics"]).values()) and result["misses"] == []


def test_party_names_ignore_case_and_legal_suffixes():
    assert qe.party_key("Toyota Motor Corp.") == "toyota motor"
    assert qe.party_key("NORTHBANK Inc") == qe.party_key("Northbank")
    assert qe.party_key("Renault S.A.") == "renault" and qe.party_key("Co") == "co"
    assert qe.predicted_parties({"parties": ["Ford"], "unresolved_parties": ["Harbour Savings Corp."]}) == {
        "ford", "harbour savings"}


def test_detection_parties_and_focus_errors_are_counted(records):
    preds = perfect(records)
    preds["en-005"]["is_alliance"] = True                      # a false positive
    preds["fr-001"]["is_alliance"] = False                     # a miss
    preds["en-003"]["parties"] = ["Ford", "Tata Motors"]       # one wrong party
    preds["en-004"]["focus_areas"] = ["ev"]                    # one focus area missed
    result = qe.score(records, preds)
    assert result["detection"] == qe.prf(6, 1, 1)
    assert (result["parties"]["tp"], result["parties"]["fp"], result["parties"]["fn"]) == (13, 1, 1)
    assert result["focus"]["fn"] == 1 and result["focus"]["fp"] == 0
    assert result["languages"]["fr"]["recall"] == 0.0 and result["languages"]["en"]["recall"] == 1.0
    assert {m["id"] for m in result["misses"]} == {"en-005", "fr-001", "en-003"}


def test_confusion_matrices_have_a_null_column(records):
    preds = perfect(records)
    preds["en-003"]["deal_type"] = "mou"
    preds["en-004"]["deal_status"] = None
    result = qe.score(records, preds)
    assert result["deal_type"]["matrix"]["strategic_alliance"] == {"strategic_alliance": 3, "mou": 1}
    assert result["status"]["matrix"]["rumored"] == {"rumored": 1, "null": 1}
    assert result["deal_type"]["accuracy"] == round(6 / 7, 4)


def test_story_pairs(records):
    preds = perfect(records)
    preds["en-004"]["story_id"] = "elsewhere"                  # splits event M02
    preds["en-005"]["story_id"] = "M01"                        # a negative: not scored (no event key)
    preds["en-009"]["story_id"] = "M01"                        # merges M04 and M01 for one article
    s = qe.score(records, preds)["stories"]
    assert s["articles"] == 8
    assert (s["tp"], s["fp"], s["fn"]) == (3, 3, 2)


def test_copies_missed_and_false_merges(records):
    preds = perfect(records)
    preds["en-002"]["duplicate_of"] = None
    preds["de-001"]["duplicate_of"] = preds["en-001"]["article_id"]
    c = qe.score(records, preds)["copies"]
    assert c["missed"] == [["en-002", "en-001"]] and c["false_merges"] == [["de-001", "en-001"]]
    both = perfect(records)  # both copies of one original pointing at a third representative is fine
    both["en-001"]["duplicate_of"] = both["en-002"]["article_id"]
    both["en-002"]["duplicate_of"] = None
    assert qe.score(records, both)["copies"]["missed"] == []


def test_without_a_database_story_and_copy_measures_are_not_scored(records):
    preds = {rid: {k: v for k, v in p.items() if k not in ("article_id", "story_id", "duplicate_of")}
             for rid, p in perfect(records).items()}
    metrics = qe.score(records, preds)["metrics"]
    assert metrics["story_f1"] is None and metrics["copies_missed"] is None
    assert qe.verdicts(metrics)["story_f1"] is None


def test_regressions_against_a_baseline():
    base = {"detection_f1": 0.9, "story_f1": 0.8, "copies_missed": 1, "focus_f1": None}
    assert qe.regressions({"detection_f1": 0.895, "story_f1": 0.85, "copies_missed": 1}, base) == []
    found = qe.regressions({"detection_f1": 0.88, "story_f1": None, "copies_missed": 2}, base)
    assert [f.split(":")[0] for f in found] == ["detection_f1", "story_f1", "copies_missed"]


def test_digest_changes_with_the_data(records):
    changed = copy.deepcopy(records)
    changed[0]["gold"]["status"] = "completed"
    assert qe.corpus_digest(records) == qe.corpus_digest(copy.deepcopy(records))
    assert qe.corpus_digest(records) != qe.corpus_digest(changed)


def test_runner_via_classify_needs_no_database(records):
    result = quality_run.run(records, via="classify")
    assert result["records"] == len(records) and result["metrics"]["story_f1"] is None
    assert result["metrics"]["detection_f1"] >= 0.8


def test_runner_via_ingest_reads_back_v_articles(records, database_url):
    result = quality_run.run(records, via="ingest", database_url=database_url)
    metrics = result["metrics"]
    assert metrics["story_f1"] is not None and metrics["copies_missed"] == 0 and metrics["false_merges"] == 0
    assert metrics["detection_f1"] >= 0.8
    assert sum(x["articles"] for x in result["languages"].values()) == len(records)


def test_bench_renders_the_report(records, pg_server_url, tmp_path):
    spec = importlib.util.spec_from_file_location("bench_quality", BENCH)
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_quality", bench)
    spec.loader.exec_module(bench)
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "mini.jsonl").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    assert "skipped" in bench.run(pg_server_url, split="dev", corpus=tmp_path)
    result = bench.run(pg_server_url, split="test", corpus=tmp_path)
    text = "\n".join(bench.render_section({"status": "ok", "result": result}))
    assert "Deal type" in text and "Status" in text and "| en |" in text and "same story" in text
    assert len(bench.headline_rows(result)) == 8


def test_a_malformed_corpus_is_refused(records):
    bad = copy.deepcopy(records)
    bad[1]["id"] = bad[0]["id"]
    bad[2]["copy_of"] = "nowhere"
    bad[3]["gold"]["status"] = "maybe"
    bad[4]["url"] = bad[5]["url"] + "?utm_source=feed"
    problems = qe.corpus_problems(bad)
    assert len(problems) == 3
    assert quality_run.shared_urls(bad) == [f"{bad[5]['id']}: same canonical URL as {bad[4]['id']}"]
    assert any("appears 2 times" in p for p in problems) and any("copy_of" in p for p in problems)
    assert any("vocabulary" in p for p in problems)
    with pytest.raises(ValueError, match="cannot be scored"):
        quality_run.run(bad, via="classify")


def test_unresolved_parties_are_read_from_the_view(records, conn):
    from pipeline.store import scoring
    url = records[0]["url"]
    with conn.cursor() as cur:
        cur.execute("INSERT INTO articles (canonical_url, url_hash, url, source_domain, text, state, parties) "
                    "VALUES (%s, %s, %s, 'x.example', 'text', 'extracted', %s)",
                    (url, b"h", url, ["Harbour Savings Corp."]))
    row = scoring.articles_by_url(conn, [url], [])[0]
    assert row["unresolved_parties"] == ["Harbour Savings Corp."]
    assert qe.predicted_parties(row) == {"harbour savings"}
