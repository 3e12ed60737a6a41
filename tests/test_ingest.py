"""`tieup ingest FILE.jsonl`: backfill through the same dedupe, classification and loading."""

import json
from pathlib import Path

from pipeline.cli import main

ARCHIVE = Path(__file__).parent / "fixtures" / "archive" / "backfill.jsonl"


def _rows(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_ingest_stores_dedupes_and_reports_bad_lines(database_url, conn, capsys):
    assert main(["--database-url", database_url, "ingest", "--quiet", str(ARCHIVE)]) == 0
    captured = capsys.readouterr()
    assert "stored 3, already known 1, invalid 3" in captured.out
    assert "line 5: not valid JSON" in captured.err and "line 6" in captured.err and "line 7" in captured.err
    rows = _rows(conn, "SELECT url, duplicate_of IS NOT NULL, state FROM articles ORDER BY id")
    assert [r[2] for r in rows] == ["loaded"] * 3
    assert rows[1] == ("https://mirror.example/honda-nissan", True, "loaded")  # exact copy linked
    assert _rows(conn, "SELECT parties, deal_type FROM v_alliance_events") == [(["Honda", "Nissan"], "mou")]
    assert _rows(conn, "SELECT article_count FROM v_alliance_events") == [(2,)]
    assert _rows(conn, "SELECT DISTINCT language FROM articles") == [("en",)]  # detected, as for fetched pages


def test_ingest_twice_adds_nothing(database_url, conn, capsys):
    main(["--database-url", database_url, "ingest", "--quiet", str(ARCHIVE)])
    before = _rows(conn, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM event_articles)")
    main(["--database-url", database_url, "ingest", "--quiet", str(ARCHIVE)])
    assert "stored 0, already known 4" in capsys.readouterr().out
    assert _rows(conn, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM event_articles)") == before


def test_ingest_reports_records_postgresql_cannot_store(tmp_path, database_url, conn, capsys):
    text = "Honda and Nissan signed a memorandum of understanding on electric vehicles."
    records = [{"url": "https://news.example/nul-title", "title": "Honda\x00Nissan", "text": text},
               {"url": "https://news.example/nul\x00url", "text": text},
               {"url": "https://news.example/surrogate", "text": "Honda \ud800 Nissan"},
               {"url": "https://news.example/number-title", "title": 2024, "text": text},
               {"url": "https://news.example/nul-text", "text": "Honda\x00 and Nissan"}]
    archive = tmp_path / "hostile.jsonl"
    archive.write_text("".join(json.dumps(record) + "\n" for record in records))
    assert main(["--database-url", database_url, "ingest", "--quiet", str(archive)]) == 0
    captured = capsys.readouterr()
    assert "stored 2, already known 0, invalid 3" in captured.out
    assert "line 2: 'url' contains a NUL character" in captured.err
    assert "line 3: 'text' contains a lone surrogate" in captured.err
    assert "line 4: 'title' must be a string" in captured.err
    assert _rows(conn, "SELECT title, text FROM articles ORDER BY id") == [
        ("HondaNissan", text), (None, "Honda and Nissan")]  # NULs dropped, the rest verbatim
