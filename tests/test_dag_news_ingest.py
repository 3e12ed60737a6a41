"""`airflow dags test news_ingest` against the fixture site and the test PostgreSQL."""

import sqlite3
import threading
import time
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from pipeline import db

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


class DatabaseOutage(threading.Thread):
    """A real fault: once the first article is extracted, the tieup database refuses new
    connections and its open task connections are dropped, until Airflow has put a failed
    task up for retry; then the database comes back."""

    def __init__(self, database_url: str, airflow_db: Path):
        super().__init__(daemon=True)
        self.database_url = database_url
        self.airflow_db = airflow_db
        self.name_ = db.database_name(database_url)
        self.dropped = self.retried = False

    def run(self):
        admin = psycopg2.connect(db.with_database(self.database_url, "postgres"))
        admin.autocommit = True
        watch = psycopg2.connect(self.database_url)
        watch.autocommit = True
        try:
            self._wait_for("SELECT 1 FROM articles WHERE state <> 'discovered' LIMIT 1", watch)
            with admin.cursor() as cur:
                cur.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false")
                            .format(sql.Identifier(self.name_)))
                cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = %s AND application_name = 'tieup-airflow'", (self.name_,))
                self.dropped = True
            self.retried = self._wait_for_retry()
        finally:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true")
                            .format(sql.Identifier(self.name_)))
            admin.close()
            watch.close()

    @staticmethod
    def _wait_for(query, conn, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with conn.cursor() as cur:
                cur.execute(query)
                if cur.fetchone():
                    return
            time.sleep(0.02)

    def _wait_for_retry(self, timeout=120) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with sqlite3.connect(self.airflow_db, timeout=5) as meta:
                    if meta.execute("SELECT 1 FROM task_instance WHERE dag_id = 'news_ingest' "
                                    "AND state = 'up_for_retry' LIMIT 1").fetchone():
                        return True
            except sqlite3.OperationalError:  # the scheduler loop holds the write lock
                pass
            time.sleep(0.1)
        return False


def _retried_tasks(airflow_db: Path) -> list[tuple]:
    with sqlite3.connect(airflow_db) as meta:
        run_id, state = meta.execute("SELECT run_id, state FROM dag_run WHERE dag_id = 'news_ingest' "
                                     "ORDER BY id DESC LIMIT 1").fetchone()
        assert state == "success"
        return meta.execute("SELECT task_id, map_index, try_number, state FROM task_instance "
                            "WHERE dag_id = 'news_ingest' AND run_id = ? AND try_number > 1",
                            (run_id,)).fetchall()


def test_task_failing_on_a_database_outage_is_retried_and_adds_nothing_twice(
        airflow_home, site_settings, conn):
    airflow_db = airflow_home.home / "airflow.db"
    outage = DatabaseOutage(site_settings.database_url, airflow_db)
    outage.start()
    airflow_home.run("dags", "test", "news_ingest",
                     env={**_task_env(site_settings), "TIEUP_RETRY_DELAY_SECONDS": "1"})
    outage.join(timeout=30)
    assert outage.dropped and outage.retried
    retried = _retried_tasks(airflow_db)
    assert retried and all(state == "success" for *_, state in retried), retried
    with conn.cursor() as cur:
        cur.execute("SELECT count(*), count(*) FILTER (WHERE state = 'loaded') FROM articles")
        assert cur.fetchone() == (article_count(), article_count())
        cur.execute("SELECT (SELECT count(*) FROM raw_pages), (SELECT count(*) FROM feed_entries)")
        assert cur.fetchone() == (article_count(), 14)
        cur.execute("SELECT count(*) FROM (SELECT article_id FROM event_articles GROUP BY 1 "
                    "HAVING count(*) > 1) twice")
        assert cur.fetchone()[0] == 0
        cur.execute("""SELECT count(*) FROM articles WHERE is_auto AND is_alliance
                         AND cardinality(parties) >= 2
                         AND id NOT IN (SELECT article_id FROM event_articles)""")
        assert cur.fetchone()[0] == 0


def test_bad_feeds_file_fails_at_once_without_retries_and_fails_the_run(
        airflow_home, site_settings, tmp_path):
    broken = tmp_path / "feeds.yml"
    broken.write_text("feeds:\n  - name: no url here\n", encoding="utf-8")
    env = {**_task_env(site_settings), "TIEUP_FEEDS_FILE": str(broken),
           "TIEUP_RETRY_DELAY_SECONDS": "1"}
    proc = airflow_home.run("dags", "test", "news_ingest", env=env, check=False)
    assert proc.returncode != 0
    with sqlite3.connect(airflow_home.home / "airflow.db") as meta:
        run_id, state = meta.execute("SELECT run_id, state FROM dag_run WHERE dag_id = 'news_ingest' "
                                     "ORDER BY id DESC LIMIT 1").fetchone()
        tasks = dict(meta.execute("SELECT task_id, state || ':' || try_number FROM task_instance "
                                  "WHERE dag_id = 'news_ingest' AND run_id = ? AND map_index = -1",
                                  (run_id,)).fetchall())
    assert state == "failed"
    assert tasks["sync_feeds"] == "failed:1"  # ConfigError: no second try
    assert tasks["a_task_failed"].startswith("failed")
