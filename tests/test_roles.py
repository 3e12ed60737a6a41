"""tieup_reviewer reads the views and reviews only through the function; tieup_pipeline writes no review data."""

import uuid
from urllib.parse import quote

import psycopg2
import psycopg2.errors
import pytest

from pipeline import db
from pipeline.cli import main
from pipeline.store import alliances as alliance_store
from pipeline.store.migrations import migrate

from .report_data import plant_events

VIEWS = ("v_articles", "v_alliance_events", "v_alliances", "v_feed_health", "v_company_network",
         "v_unresolved_parties", "v_company_audit",
         "v_review_audit", "v_event_articles")


@pytest.fixture
def roles_db(database_url):
    assert main(["--database-url", database_url, "db", "roles"]) == 0
    assert main(["--database-url", database_url, "db", "roles"]) == 0   # idempotent
    return database_url


@pytest.fixture
def member_of(roles_db, conn):
    """A LOGIN role made a member of the given group role; dropped afterwards."""
    made = []

    def make(group):
        name = f"tieup_test_{group.split('_')[1]}_{uuid.uuid4().hex[:8]}"
        with conn.cursor() as cur:
            cur.execute(f'CREATE ROLE "{name}" LOGIN IN ROLE {group}')
        conn.commit()
        made.append(name)
        return name

    yield make
    with conn.cursor() as cur:
        for name in made:
            cur.execute(f'DROP ROLE IF EXISTS "{name}"')
    conn.commit()


def _as_role(url, role):
    """A connection whose privileges are those of `role` (SET ROLE, no password needed)."""
    conn = db.connect(url)
    with conn.cursor() as cur:
        cur.execute(f'SET ROLE "{role}"')
    return conn


def _denied(conn, sql, params=()):
    with conn.cursor() as cur:
        try:
            cur.execute(sql, params)
        except psycopg2.errors.InsufficientPrivilege:
            conn.rollback()
            return True
    conn.rollback()
    return False


def test_reviewer_reads_views_and_reviews_through_the_function(roles_db, conn, member_of):
    mou, *_ = plant_events(conn)
    reviewer = _as_role(roles_db, member_of("tieup_reviewer"))
    with reviewer.cursor() as cur:
        for view in VIEWS:
            cur.execute(f"SELECT count(*) FROM {view}")
        cur.execute("SELECT tieup_review_event(%s, 'confirm', 'erin', 'looks right')", (mou,))
    reviewer.commit()
    with conn.cursor() as cur:
        cur.execute("SELECT review_state, reviewer FROM alliance_events WHERE id = %s", (mou,))
        assert cur.fetchone() == ("confirmed", "erin")
        cur.execute("SELECT count(*) FROM review_audit WHERE event_id = %s", (mou,))
        assert cur.fetchone()[0] == 1
    reviewer.close()


def test_reviewer_login_runs_the_review_and_report_commands(roles_db, conn, member_of, capsys):
    mou, *_ = plant_events(conn)
    # libpq's options parameter sets the role at connect time, as a reviewer's own login would
    as_reviewer = roles_db + "&options=" + quote(f"-c role={member_of('tieup_reviewer')}")
    for argv in (["review", "list"], ["review", "show", str(mou)],
                 ["review", "confirm", str(mou), "--reviewer", "fay"],
                 ["report", "--since", "3650d", "--format", "json"], ["export", "--what", "articles"]):
        assert main(["--database-url", as_reviewer, *argv]) == 0, argv
    assert main(["--database-url", as_reviewer, "db", "migrate"]) == 1   # no DDL
    with conn.cursor() as cur:
        cur.execute("SELECT reviewer, db_user = session_user FROM review_audit WHERE event_id = %s", (mou,))
        assert cur.fetchone() == ("fay", True)


@pytest.mark.parametrize("sql", [
    "UPDATE alliance_events SET review_state = 'confirmed', reviewer = 'x'",
    "UPDATE alliance_events SET corrected_status = 'completed'",
    "UPDATE alliance_events SET deal_type = 'merger'",
    "DELETE FROM alliance_events",
    "INSERT INTO alliance_events (alliance_id, deal_type, status) VALUES (1, 'mou', 'rumored')",
    "UPDATE articles SET title = 'x'",
    "DELETE FROM articles",
    "INSERT INTO articles (canonical_url, url_hash, url, source_domain) VALUES ('u', 'h', 'u', 'd')",
    "UPDATE event_articles SET evidence = '{}'",
    "DELETE FROM event_articles",
    "INSERT INTO review_audit (event_id, reviewer, action, old_values, new_values) "
    "VALUES (1, 'x', 'confirm', '{}', '{}')",
    "UPDATE review_audit SET reviewer = 'x'",
    "DELETE FROM review_audit",
    "SELECT count(*) FROM articles",
    "CREATE TABLE reviewer_scratch (id int)",
    "SELECT tieup_canonical_parties(ARRAY['Honda'])",
])
def test_reviewer_cannot_touch_pipeline_data(roles_db, conn, member_of, sql):
    plant_events(conn)
    reviewer = _as_role(roles_db, member_of("tieup_reviewer"))
    assert _denied(reviewer, sql)
    reviewer.close()


def test_grants_survive_migrate_recreating_the_views(roles_db, conn, member_of):
    migrate(conn)
    reviewer = _as_role(roles_db, member_of("tieup_reviewer"))
    with reviewer.cursor() as cur:
        for view in VIEWS:
            cur.execute(f"SELECT count(*) FROM {view}")
    reviewer.close()


def test_pipeline_writes_pipeline_data_but_no_review_data(roles_db, conn, member_of):
    mou, *_ = plant_events(conn)
    pipeline = _as_role(roles_db, member_of("tieup_pipeline"))
    alliance_id = alliance_store.upsert_alliance(pipeline, ["BYD", "Toyota"])
    event_id, created = alliance_store.record_event(
        pipeline, alliance_id=alliance_id, deal_type="joint_venture", status="announced",
        event_date=None, focus_areas=["ev"], confidence=0.8, story_id=None)
    with pipeline.cursor() as cur:
        cur.execute("UPDATE articles SET title = title WHERE false")
        cur.execute("SELECT count(*) FROM v_alliance_events")
    pipeline.commit()
    assert created
    for sql in ("UPDATE alliance_events SET review_state = 'confirmed'",
                "UPDATE alliance_events SET corrected_status = 'completed'",
                "INSERT INTO alliance_events (alliance_id, deal_type, status, review_state) "
                f"VALUES ({alliance_id}, 'mou', 'rumored', 'confirmed')",
                "DELETE FROM review_audit",
                "CREATE TABLE pipeline_scratch (id int)",
                "DROP VIEW v_articles"):
        assert _denied(pipeline, sql), sql
    assert _denied(pipeline, "SELECT tieup_review_event(%s, 'confirm', 'svc')", (mou,))
    pipeline.close()


def test_reviewer_grows_the_companies_only_through_the_audited_functions(roles_db, conn, member_of):
    reviewer = _as_role(roles_db, member_of("tieup_reviewer"))
    with reviewer.cursor() as cur:
        cur.execute("SELECT tieup_add_company('Acme Robotics', 'erin', 'supplier', 'DE')")
        cur.execute("SELECT tieup_map_company_alias('Acme Robotics GmbH', 'Acme Robotics', 'erin')")
        cur.execute("SELECT count(*) FROM v_company_audit")
        assert cur.fetchone()[0] == 2
    reviewer.close()
    reviewer_login, pipeline_login = member_of("tieup_reviewer"), member_of("tieup_pipeline")
    # one connection per check: _denied rolls back, and with it the SET ROLE
    for role, statement in ((reviewer_login, "INSERT INTO companies (name) VALUES ('Sneaky Co')"),
                            (reviewer_login, "DELETE FROM company_audit"),
                            (pipeline_login, "SELECT tieup_add_company('Other Co', 'svc')"),
                            (pipeline_login, "INSERT INTO company_audit (action, name, company, reviewer) "
                                             "VALUES ('add_company', 'x', 'x', 'y')")):
        session = _as_role(roles_db, role)
        assert _denied(session, statement), statement
        session.close()


def test_the_pipeline_runs_alerts_but_only_the_owner_edits_watchlists(roles_db, conn, member_of):
    from datetime import datetime, timezone

    from pipeline.services import alerts
    from pipeline.settings import Settings
    with conn.cursor() as cur:
        cur.execute("INSERT INTO companies (name) VALUES ('Honda'), ('Nissan')")
    conn.commit()
    alerts.add_watchlist(conn, "japan", ["Honda"])
    alerts.subscribe(conn, "japan", "email", "a@example.com")
    with conn.cursor() as cur:   # subscribed before the planted events were first seen
        cur.execute("UPDATE watchlist_subscribers SET created_at = now() - interval '30 days'")
    conn.commit()
    plant_events(conn, datetime.now(timezone.utc))
    pipeline = _as_role(roles_db, member_of("tieup_pipeline"))
    counts = alerts.send_alerts(pipeline, Settings(database_url=roles_db))   # no SMTP: recorded, retried
    assert counts["alerts_queued"] == 2 and counts["retry"] == 1 and counts["postponed"] == 1
    for sql in ("INSERT INTO watchlists (name) VALUES ('x')", "UPDATE watchlist_subscribers SET target = 'x'",
                "DELETE FROM watchlist_companies"):
        assert _denied(pipeline, sql), sql
    reviewer = _as_role(roles_db, member_of("tieup_reviewer"))
    with reviewer.cursor() as cur:
        for view in ("v_watchlists", "v_watchlist_events", "v_alert_deliveries", "v_alert_channel_health"):
            cur.execute(f"SELECT count(*) FROM {view}")
    reviewer.commit()   # keeps SET ROLE
    assert _denied(reviewer, "INSERT INTO watchlists (name) VALUES ('x')")
    pipeline.close()
    reviewer.close()


def test_review_login_is_a_reviewer_only_and_the_web_pages_accept_it(roles_db, conn, monkeypatch):
    from urllib.parse import urlsplit, urlunsplit
    from pipeline.services import review as review_service
    name = f"tieup_test_app_{uuid.uuid4().hex[:8]}"
    password = "pw-" + uuid.uuid4().hex
    monkeypatch.setenv("TIEUP_REVIEW_DB_PASSWORD", password)
    try:
        assert main(["--database-url", roles_db, "db", "roles", "--review-login", name]) == 0
        assert main(["--database-url", roles_db, "db", "roles", "--review-login", name]) == 0  # idempotent
        parts = urlsplit(roles_db)
        login = urlunsplit((parts.scheme, f"{name}:{quote(password)}@{parts.netloc.rpartition('@')[2]}",
                            parts.path, parts.query, ""))
        app_conn = db.connect(login)
        review_service.check_app_login(app_conn)       # member of tieup_reviewer, writes nothing
        assert _denied(app_conn, "UPDATE alliance_events SET review_state = 'confirmed'")
        app_conn.close()
    finally:
        with conn.cursor() as cur:
            cur.execute(f'DROP ROLE IF EXISTS "{name}"')
        conn.commit()
