"""`airflow dags test news_ingest` against the fixture site and the test PostgreSQL."""

import pytest

from .site import article_count

pytestmark = pytest.mark.airflow


def _task_env(site_settings):
    return {"DATABASE_URL": site_settings.database_url,
            "TIEUP_FEEDS_FILE": str(site_settings.feeds_file),
            "TIEUP_ALLOW_PRIVATE_HOSTS": "1", "TIEUP_HOST_INTERVAL_SECONDS": "0"}


def test_dags_test_news_ingest_writes_rows_once(airflow_home, site_settings, conn):
    env = _task_env(site_settings)
    airflow_home.run("dags", "test", "news_ingest", env=env)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*), count(*) FILTER (WHERE state = 'loaded') FROM articles")
        assert cur.fetchone() == (article_count(), article_count())
        cur.execute("SELECT count(*) FROM v_alliance_events")
        events = cur.fetchone()[0]
        assert events >= 3
    airflow_home.run("dags", "test", "news_ingest", env=env)
    with conn.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM v_alliance_events)")
        assert cur.fetchone() == (article_count(), events)
