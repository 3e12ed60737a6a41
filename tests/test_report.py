"""tieup report: golden table/CSV/JSON on fixture events, a self-contained escaped HTML digest."""

import base64
import csv
import io
import json
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline import report
from pipeline.cli import main
from pipeline.services.reports import load_report
from pipeline.errors import ValidationError
from pipeline.store import review as review_store

from .report_data import FIXED_NOW, XSS, plant_events

GOLDEN = Path(__file__).parent / "fixtures" / "report"
# TIEUP_UPDATE_GOLDEN=1 rewrites the golden files after an intended change.
UPDATE = os.environ.get("TIEUP_UPDATE_GOLDEN") == "1"


@pytest.fixture
def week(conn):
    plant_events(conn)
    return load_report(conn, FIXED_NOW - timedelta(days=7), FIXED_NOW)


def _matches_golden(name: str, text: str):
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


@pytest.mark.parametrize("fmt, name", [("table", "week.txt"), ("csv", "week.csv"),
                                       ("json", "week.json")])
def test_formats_match_golden_files(week, fmt, name):
    _matches_golden(name, report.render(week, fmt))


def test_period_selects_new_and_changed_events_but_not_rejected(week):
    changes = {(e.parties, e.deal_type): e.change for e in week.events}
    assert changes == {
        (("Honda", "Nissan"), "mou"): "first_seen",
        (("Honda", "Nissan"), "strategic_alliance"): "changed",   # first seen 54 days ago
        (("Rivian", "Volkswagen"), "joint_venture"): "first_seen",
        (("General Motors", "LG Energy Solution"), "supply_agreement"): "first_seen",
        (("Honda", "Mitsubishi Motors", "Nissan"), "merger"): "first_seen",
    }
    honda_nissan = next(r for r in week.relationships if r.parties == ("Honda", "Nissan"))
    assert [e.deal_type for e in honda_nissan.events] == ["strategic_alliance", "mou"]


def test_a_review_in_the_period_makes_an_old_event_changed(conn):
    ids = plant_events(conn)
    old = ids[3]   # Mazda–Toyota, 60 days old
    review_store.review_event(conn, old, "correct", "alice", status="completed")
    now = datetime.now(timezone.utc)
    changed = load_report(conn, now - timedelta(hours=1), now + timedelta(minutes=1))
    assert [(e.event_id, e.status, e.change) for e in changed.events] == [(old, "completed", "changed")]


def test_table_fits_a_terminal(week):
    lines = report.render_table(week).splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any(line.endswith("…") for line in lines)   # the long supply evidence is cut


def test_html_digest_is_self_contained_and_escaped(week):
    page = report.render(week, "html")
    image = re.search(r'<img [^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert image and base64.b64decode(image.group(1)).startswith(b"\x89PNG\r\n\x1a\n")
    assert XSS not in page and "<script" not in page
    assert html_escaped(XSS) in page and "&amp; more" in page
    assert "<link" not in page and "src=\"http" not in page   # no external assets
    assert "<style>" in page and "joint_venture" in page


def html_escaped(text):
    import html
    return html.escape(text, quote=True)


def test_network_edges_link_every_pair_of_an_event(week):
    edges = report.network_edges(week)
    assert edges[("Honda", "Nissan")] == {"mou": 1, "strategic_alliance": 1, "merger": 1}
    assert edges[("Mitsubishi Motors", "Nissan")] == {"merger": 1}
    assert ("Ford", "Tesla") not in edges


def test_empty_period_renders_everywhere(conn):
    empty = load_report(conn, FIXED_NOW - timedelta(days=1), FIXED_NOW)
    for fmt in report.FORMATS:
        assert report.render(empty, fmt)
    assert "No alliance events" in report.render(empty, "html")
    assert json.loads(report.render(empty, "json"))["relationships"] == []


@pytest.mark.parametrize("text, expected", [
    ("7d", FIXED_NOW - timedelta(days=7)), ("24h", FIXED_NOW - timedelta(hours=24)),
    ("2026-03-01", datetime(2026, 3, 1, tzinfo=timezone.utc)),
])
def test_parse_since(text, expected):
    assert report.parse_since(text, FIXED_NOW) == expected


def test_parse_since_refuses_nonsense():
    with pytest.raises(ValidationError, match="7d, 24h or YYYY-MM-DD"):
        report.parse_since("last week", FIXED_NOW)


def test_report_cli_writes_html(database_url, conn, tmp_path):
    plant_events(conn, now=datetime.now(timezone.utc))
    out = tmp_path / "digest.html"
    assert main(["--database-url", database_url, "report", "--since", "7d", "--format", "html",
                 "--out", str(out)]) == 0
    assert "data:image/png;base64," in out.read_text(encoding="utf-8")


def test_export_streams_csv_and_jsonl(database_url, conn, tmp_path, capsys):
    plant_events(conn)
    url = ["--database-url", database_url]
    assert main([*url, "export", "--format", "csv", "--what", "events", "--out",
                 str(tmp_path / "events.csv")]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "events.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 7 and json.loads(rows[0]["parties"]) == ["Honda", "Nissan"]
    capsys.readouterr()
    assert main([*url, "export", "--format", "jsonl", "--what", "articles"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 9 and lines[0]["article_id"] == 1
    assert lines[0]["published_at"].startswith("2026-03-05")


def test_an_old_deal_reported_today_is_first_seen_with_its_own_event_date(conn):
    """A 2024 deal in today's news is "first seen" in the period, not "new"; its date stays 2024."""
    plant_events(conn)
    with conn.cursor() as cur:
        cur.execute("UPDATE alliance_events SET event_date = '2024-05-01' WHERE id = "
                    "(SELECT event_id FROM v_alliance_events WHERE deal_type = 'merger')")
    conn.commit()
    week = load_report(conn, FIXED_NOW - timedelta(days=30), FIXED_NOW)
    table = report.render_table(week)
    line = next(line for line in table.splitlines() if "merger" in line)
    assert "first seen" in line and "event 2024-05-01" in line
    assert " new " not in table and "new or changed" not in table
    assert "first seen" in report.render(week, "html") and "<th>event date</th>" in report.render(week, "html")
