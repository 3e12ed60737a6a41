"""db.execute_prepared: planned once per connection, true across rollbacks and reconnects."""

import psycopg2
import pytest

from pipeline import db

SQL = "SELECT $1::int + $2::int"


def _prepared_names(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM pg_prepared_statements ORDER BY name")
        return [row[0] for row in cur.fetchall()]


def test_a_statement_is_prepared_once_and_then_reused(conn):
    with conn.cursor() as cur:
        for n in range(3):
            db.execute_prepared(cur, "tieup_test_sum", SQL, (n, 1))
            assert cur.fetchone() == (n + 1,)
    assert _prepared_names(conn) == ["tieup_test_sum"]


def test_a_rolled_back_transaction_keeps_the_statement(conn):
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_test_sum", SQL, (1, 1))
        with pytest.raises(psycopg2.errors.DivisionByZero):
            cur.execute("SELECT 1 / 0")
    conn.rollback()
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_test_sum", SQL, (2, 3))
        assert cur.fetchone() == (5,)


def test_a_new_connection_prepares_it_again(conn, database_url):
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_test_sum", SQL, (1, 1))
    with db.connection(database_url) as other, other.cursor() as cur:
        db.execute_prepared(cur, "tieup_test_sum", SQL, (4, 4))
        assert cur.fetchone() == (8,)
        assert _prepared_names(other) == ["tieup_test_sum"]


def _synchronous_commit(conn):
    with conn.cursor() as cur:
        cur.execute("SHOW synchronous_commit")
        return cur.fetchone()[0]


@pytest.mark.parametrize("autocommit", [False, True])
def test_only_pipeline_connections_skip_the_wal_flush_wait(database_url, autocommit):
    with db.connection(database_url, pipeline=True, autocommit=autocommit) as pipeline:
        assert _synchronous_commit(pipeline) == "off"
        pipeline.rollback()  # a session setting: a rolled-back transaction does not undo it
        assert _synchronous_commit(pipeline) == "off"
    with db.connection(database_url, autocommit=autocommit) as other:
        assert _synchronous_commit(other) == "on"


def test_run_once_works_on_a_pipeline_connection(site_settings, monkeypatch):
    from pipeline import stages
    seen = []
    real = db.connection

    def recording(url, **kwargs):
        seen.append(kwargs.get("pipeline", False))
        return real(url, **kwargs)
    monkeypatch.setattr(db, "connection", recording)
    assert stages.run_once(site_settings)["articles_stored"] > 0
    assert seen[0] is True
