"""Data-quality checks: clean data passes; each kind of bad row is reported."""

import pytest

from pipeline import quality
from pipeline.errors import DataQualityError

from .report_data import plant_events
from .test_dag_alliance_digest import _plant_bad_rows


def test_clean_data_passes(conn, settings):
    plant_events(conn)
    assert quality.check_data_quality(conn, settings) == {
        "stuck_articles": 0, "events_without_evidence": 0, "failing_feeds": 0}


def test_bad_rows_are_listed(conn, settings):
    plant_events(conn)
    bad = _plant_bad_rows(conn)
    with pytest.raises(DataQualityError) as failure:
        quality.check_data_quality(conn, settings)
    message = str(failure.value)
    assert f"event_id={bad['event']}" in message and f"article_id={bad['article']}" in message
    assert f"feed_id={bad['feed']}" in message


def test_rejected_events_and_recovered_feeds_are_not_flagged(conn, settings):
    _plant_bad_rows(conn)
    with conn.cursor() as cur:
        cur.execute("UPDATE alliance_events SET review_state = 'rejected'")
        cur.execute("UPDATE feeds SET consecutive_failures = 0, last_polled_at = now()")
        cur.execute("SELECT last_success_at IS NOT NULL FROM feeds")
        assert cur.fetchone()[0]   # the trigger recorded the successful poll
        cur.execute("UPDATE articles SET state = 'loaded'")
    conn.commit()
    assert all(r.passed for r in quality.run_checks(conn, settings))
