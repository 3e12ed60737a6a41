"""Class 7 and killed runs: loading never waits without limit on a person, and a run
killed with SIGKILL is marked abandoned by the next one."""

import time

import psycopg2
import pytest

from pipeline import db
from pipeline.store import articles as article_store

from .hostile import run_pass
from .report_data import plant_events


def test_a_reviewer_holding_events_only_defers_loading(site_settings, news_site, monkeypatch):
    monkeypatch.setattr(db, "PIPELINE_LOCK_TIMEOUT", "1s")
    run_pass(site_settings)
    with db.connection(site_settings.database_url) as conn:
        assert article_store.requeue_for_classification(conn) > 0
    reviewer = db.connect(site_settings.database_url)
    try:
        with reviewer.cursor() as cur:  # an uncommitted review holds every event row
            cur.execute("SELECT id FROM alliance_events FOR UPDATE")
            assert cur.fetchall()
        started = time.monotonic()
        counts = run_pass(site_settings, max_seconds=30)
        assert time.monotonic() - started < 30
        assert counts["articles_deferred"] > 0
    finally:
        reviewer.rollback()
        reviewer.close()
    with db.connection(site_settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE state = 'failed'")
        assert cur.fetchone()[0] == 0  # waiting on a person is nobody's failure
    run_pass(site_settings)
    with db.connection(site_settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE state <> 'loaded'")
        assert cur.fetchone()[0] == 0


def test_step_locks_are_rows_not_advisory_keys(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM pipeline_locks ORDER BY name")
        assert [r[0] for r in cur.fetchall()] == ["dedupe", "load", "stories"]


def test_review_refuses_absurd_dates_and_huge_notes(conn):
    event_id = plant_events(conn)[0]
    conn.commit()
    for args in ((event_id, "correct", "x", None, None, None, None, "0001-01-01"),
                 (event_id, "confirm", "x", "n" * 5_000_000, None, None, None, None)):
        with pytest.raises(psycopg2.errors.CheckViolation), conn.cursor() as cur:
            cur.execute("SELECT tieup_review_event(%s, %s, %s, %s, %s, %s, %s, %s::date)", args)
        conn.rollback()


def test_a_killed_run_is_marked_abandoned(site_settings, news_site):
    with db.connection(site_settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO pipeline_runs (trigger, backend_pid) VALUES ('cli', 2147483000) "
                    "RETURNING id")
        killed = cur.fetchone()[0]
        conn.commit()
    counts = run_pass(site_settings)
    assert counts["runs_abandoned"] == 1
    with db.connection(site_settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT status, finished_at IS NOT NULL FROM pipeline_runs WHERE id = %s", (killed,))
        assert cur.fetchone() == ("abandoned", True)
