"""`airflow dags test alliance_digest`: the digest is written; planted bad rows fail the checks."""

import base64
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from .report_data import plant_events

pytestmark = pytest.mark.airflow


def _env(database_url, digest_dir):
    return {"DATABASE_URL": database_url, "TIEUP_DIGEST_DIR": str(digest_dir)}


def _plant_recent_events(conn):
    # Shifted so the events of "one day ago" fall inside the DAG's 24-hour window.
    return plant_events(conn, now=datetime.now(timezone.utc) + timedelta(hours=2))


def test_digest_is_written_and_checks_pass(airflow_home, database_url, conn, tmp_path):
    _plant_recent_events(conn)
    airflow_home.run("dags", "test", "alliance_digest", env=_env(database_url, tmp_path / "d"))
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    page = (tmp_path / "d" / f"alliance-digest-{day}.html").read_text(encoding="utf-8")
    image = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert image and base64.b64decode(image.group(1)).startswith(b"\x89PNG")
    assert "Mitsubishi Motors" in page and "<script>" not in page
    assert (tmp_path / "d" / f"alliance-digest-{day}.json").exists()


def _plant_bad_rows(conn) -> dict:
    with conn.cursor() as cur:
        cur.execute("""INSERT INTO alliances (party_key, parties) VALUES ('BYD|Geely', '{BYD,Geely}')
                       RETURNING id""")
        cur.execute("""INSERT INTO alliance_events (alliance_id, deal_type, status)
                       VALUES (%s, 'mou', 'rumored') RETURNING id""", (cur.fetchone()[0],))
        event_id = cur.fetchone()[0]
        cur.execute("""INSERT INTO articles (canonical_url, url_hash, url, source_domain, state,
                                             leased_until, lease_owner)
                       VALUES ('https://stuck.example/a', 'stuck', 'https://stuck.example/a',
                               'stuck.example', 'extracted', now() - interval '3 hours', 'gone:1')
                       RETURNING id""")
        article_id = cur.fetchone()[0]
        cur.execute("""INSERT INTO feeds (url, name, consecutive_failures, last_error, created_at)
                       VALUES ('https://dead.example/feed', 'dead feed', 9, 'HTTP 503',
                               now() - interval '3 days') RETURNING id""")
        feed_id = cur.fetchone()[0]
    conn.commit()
    return {"event": event_id, "article": article_id, "feed": feed_id}


def test_planted_bad_rows_fail_the_run_with_the_offending_rows(airflow_home, database_url, conn,
                                                              tmp_path):
    _plant_recent_events(conn)
    bad = _plant_bad_rows(conn)
    proc = airflow_home.run("dags", "test", "alliance_digest", env=_env(database_url, tmp_path / "d"),
                            check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "data-quality checks failed" in output
    assert f"event_id={bad['event']}" in output
    assert f"article_id={bad['article']}" in output and "state=extracted" in output
    assert f"feed_id={bad['feed']}" in output and "dead feed" in output
    assert list((tmp_path / "d").glob("alliance-digest-*.html"))   # the digest still came out


def test_schedule_is_the_asset_or_daily(airflow_home):
    proc = airflow_home.run("dags", "details", "alliance_digest", "-o", "json")
    details = json.loads(next(line for line in proc.stdout.splitlines() if line.startswith("[")))[0]
    assert details["timetable_description"] == "Triggered by assets or At 00:00"
    assert details["owners"] == ["tieup"] and details["max_active_runs"] == "1"
    assert {t["name"] for t in details["tags"]} == {"tieup", "report", "quality"}
